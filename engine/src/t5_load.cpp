// Tensors of a Hugging Face T5 checkpoint -> T5Weights.
//
// Names: "shared.weight" (or only "encoder.embed_tokens.weight" / "decoder.embed_tokens.weight",
// which safetensors files written by transformers keep instead of the shared copy),
// "{encoder,decoder}.block.N.layer.M.{SelfAttention,EncDecAttention}.{q,k,v,o}.weight",
// "...layer.M.DenseReluDense.{wi,wi_0,wi_1,wo}.weight", "...layer.M.layer_norm.weight",
// "...block.0.layer.0.SelfAttention.relative_attention_bias.weight", "{encoder,decoder}.
// final_layer_norm.weight", "lm_head.weight". nn.Linear weights are already [out][in].
#include <algorithm>
#include <cstring>
#include <string>

#include "hyv/engine/safetensors.h"
#include "hyv/engine/t5_loader.h"
#include "layer_index.h"
#include "str_cat.h"
#include "t5_weights.h"

namespace hyv::engine {
namespace {

class Tensors {
 public:
  explicit Tensors(std::span<const TensorView> tensors) : tensors_(tensors) {}

  const TensorView* find(std::string_view name) const {
    auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                               [](const TensorView& t, std::string_view n) { return t.name < n; });
    return it != tensors_.end() && it->name == name ? &*it : nullptr;
  }

  // Reads tensor `name` of shape `shape` into out (out.size() elements); `formula` says which
  // config fields imply the shape.
  Status read(const std::string& name, const std::vector<int64_t>& shape, const char* formula,
              float* out, size_t count) const {
    const TensorView* t = find(name);
    if (t == nullptr) {
      return Status::Error("the weights have no tensor '" + name +
                           "': not a T5 checkpoint (T5ForConditionalGeneration), or an "
                           "incomplete one");
    }
    if (t->shape != shape) {
      return Status::Error("tensor '" + name + "' has shape " + shape_string(t->shape) +
                           " but config.json implies " + formula + " = " + shape_string(shape) +
                           ": the weights do not belong to this config");
    }
    return read_f32(*t, std::span<float>(out, count));
  }

  Result<std::vector<float>> vector(const std::string& name, int n, const char* formula) const {
    std::vector<float> v(static_cast<size_t>(n));
    HYV_RETURN_IF_ERROR(read(name, {n}, formula, v.data(), v.size()));
    return v;
  }

  // Matrices stacked row-wise into one Linear: each part [part_rows][cols].
  Result<Linear> stacked(const std::vector<std::string>& names, int part_rows, int cols,
                         const char* formula, WeightType type) const {
    const size_t part = static_cast<size_t>(part_rows) * cols;
    WeightBuffer w(part * names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      HYV_RETURN_IF_ERROR(read(names[i], {part_rows, cols}, formula, w.data() + i * part, part));
    }
    return make_linear(std::move(w), part_rows * static_cast<int>(names.size()), cols, {}, type);
  }

 private:
  std::span<const TensorView> tensors_;
};

struct Shape {
  int d, inner, ff, heads, buckets, vocab;
  explicit Shape(const T5Config& c)
      : d(c.d_model),
        inner(c.num_heads * c.d_kv),
        ff(c.d_ff),
        heads(c.num_heads),
        buckets(c.relative_attention_num_buckets),
        vocab(c.vocab_size) {}
};

Status load_attention(const Tensors& t, const std::string& p, const Shape& s, bool cross,
                      WeightType type, T5Block& b) {
  auto name = [&](const char* m) { return p + m + ".weight"; };
  auto o = t.stacked({name(".o")}, s.d, s.inner, "[d_model, num_heads * d_kv]", type);
  if (!o.ok()) return o.status();
  if (!cross) {
    auto qkv = t.stacked({name(".q"), name(".k"), name(".v")}, s.inner, s.d,
                         "[num_heads * d_kv, d_model]", type);
    if (!qkv.ok()) return qkv.status();
    b.self_qkv = std::move(qkv).value();
    b.self_o = std::move(o).value();
    return Status::Ok();
  }
  auto q = t.stacked({name(".q")}, s.inner, s.d, "[num_heads * d_kv, d_model]", type);
  if (!q.ok()) return q.status();
  auto kv = t.stacked({name(".k"), name(".v")}, s.inner, s.d, "[num_heads * d_kv, d_model]", type);
  if (!kv.ok()) return kv.status();
  b.cross_q = std::move(q).value();
  b.cross_kv = std::move(kv).value();
  b.cross_o = std::move(o).value();
  return Status::Ok();
}

Status load_feed_forward(const Tensors& t, const std::string& p, const Shape& s, bool gated,
                         WeightType type, T5Block& b) {
  const std::vector<std::string> wi =
      gated ? std::vector<std::string>{p + ".wi_0.weight", p + ".wi_1.weight"}
            : std::vector<std::string>{p + ".wi.weight"};
  auto in = t.stacked(wi, s.ff, s.d, "[d_ff, d_model]", type);
  if (!in.ok()) return in.status();
  auto out = t.stacked({p + ".wo.weight"}, s.d, s.ff, "[d_model, d_ff]", type);
  if (!out.ok()) return out.status();
  b.wi = std::move(in).value();
  b.wo = std::move(out).value();
  return Status::Ok();
}

Result<T5Block> load_block(const Tensors& t, const T5Config& c, bool decoder, int i,
                           WeightType type) {
  const Shape s(c);
  const std::string p = str_cat(decoder ? "decoder.block." : "encoder.block.", std::to_string(i));
  T5Block b;
  auto ln = t.vector(p + ".layer.0.layer_norm.weight", s.d, "[d_model]");
  if (!ln.ok()) return ln.status();
  b.ln_self = std::move(ln).value();
  HYV_RETURN_IF_ERROR(load_attention(t, p + ".layer.0.SelfAttention", s, false, type, b));
  int ff_layer = 1;
  if (decoder) {
    auto lnc = t.vector(p + ".layer.1.layer_norm.weight", s.d, "[d_model]");
    if (!lnc.ok()) return lnc.status();
    b.ln_cross = std::move(lnc).value();
    HYV_RETURN_IF_ERROR(load_attention(t, p + ".layer.1.EncDecAttention", s, true, type, b));
    ff_layer = 2;
  }
  const std::string f = p + ".layer." + std::to_string(ff_layer);
  auto lnf = t.vector(f + ".layer_norm.weight", s.d, "[d_model]");
  if (!lnf.ok()) return lnf.status();
  b.ln_ff = std::move(lnf).value();
  HYV_RETURN_IF_ERROR(load_feed_forward(t, f + ".DenseReluDense", s, c.gated, type, b));
  return b;
}

// A block index beyond the config's layer counts means config and weights disagree.
Status check_layer_counts(std::span<const TensorView> tensors, const T5Config& c) {
  for (const TensorView& t : tensors) {
    std::string_view name = t.name;
    int layers = 0;
    if (name.starts_with("encoder.block.")) {
      name.remove_prefix(14);
      layers = c.num_layers;
    } else if (name.starts_with("decoder.block.")) {
      name.remove_prefix(14);
      layers = c.num_decoder_layers;
    } else {
      continue;
    }
    if (leading_layer_index(name) >= layers) {
      return Status::Error("the weights have tensor '" + t.name + "' but config.json says " +
                           (t.name[0] == 'e' ? "num_layers" : "num_decoder_layers") + " = " +
                           std::to_string(layers) + ": the weights do not belong to this config");
    }
  }
  return Status::Ok();
}

Status load_embeddings(const Tensors& t, const T5Config& c, WeightType type, T5Weights& w) {
  const Shape s(c);
  const char* name = "shared.weight";
  for (const char* alt : {"encoder.embed_tokens.weight", "decoder.embed_tokens.weight"}) {
    if (t.find(name) == nullptr) name = alt;
  }
  const size_t values = static_cast<size_t>(s.vocab) * s.d;
  WeightBuffer shared(values);
  HYV_RETURN_IF_ERROR(t.read(name, {s.vocab, s.d}, "[vocab_size, d_model]", shared.data(), values));
  if (!c.tie_word_embeddings) {
    auto head = t.stacked({"lm_head.weight"}, s.vocab, s.d, "[vocab_size, d_model]", type);
    if (!head.ok()) return head.status();
    w.lm_head = std::move(head).value();
  }
  w.shared = make_linear(std::move(shared), s.vocab, s.d, {}, type);
  return Status::Ok();
}

int64_t block_parameters(const T5Config& c, bool decoder) {
  const int64_t d = c.d_model, inner = int64_t{c.num_heads} * c.d_kv, ff = c.d_ff;
  const int64_t attention = 4 * d * inner + d;
  return attention * (decoder ? 2 : 1) + (c.gated ? 3 : 2) * d * ff + d;
}

// Each stack's relative position bias table (held by its first block) and final norm.
Status load_stack_ends(const Tensors& t, const T5Config& c, T5Weights& w) {
  const Shape s(c);
  for (const bool decoder : {false, true}) {
    const char* stack = decoder ? "decoder" : "encoder";
    const std::string bias_name =
        str_cat(stack, ".block.0.layer.0.SelfAttention.relative_attention_bias.weight");
    std::vector<float> table(static_cast<size_t>(s.buckets) * s.heads);
    HYV_RETURN_IF_ERROR(t.read(bias_name, {s.buckets, s.heads},
                               "[relative_attention_num_buckets, num_heads]", table.data(),
                               table.size()));
    auto norm = t.vector(str_cat(stack, ".final_layer_norm.weight"), s.d, "[d_model]");
    if (!norm.ok()) return norm.status();
    (decoder ? w.decoder_bias : w.encoder_bias) = std::move(table);
    (decoder ? w.decoder_norm : w.encoder_norm) = std::move(norm).value();
  }
  return Status::Ok();
}

}  // namespace

struct T5Loader::State {
  T5Config config;
  WeightType type = WeightType::f32;
  std::vector<TensorView> tensors;
  T5Weights weights;
  int next = 0;  // steps done
  bool failed = false;
};

T5Loader::T5Loader(std::unique_ptr<State> state) : s_(std::move(state)) {}
T5Loader::T5Loader(T5Loader&&) noexcept = default;
T5Loader& T5Loader::operator=(T5Loader&&) noexcept = default;
T5Loader::~T5Loader() = default;

Result<T5Loader> T5Loader::create(const T5Config& config, Bytes safetensors, WeightType type) {
  auto file = SafetensorsFile::parse(safetensors);
  if (!file.ok()) return file.status();  // the caller knows the file name and adds it
  return create(config, file.value().tensors(), type);
}

Result<T5Loader> T5Loader::create(const T5Config& config, std::span<const TensorView> tensors,
                                  WeightType type) {
  HYV_RETURN_IF_ERROR(validate_t5_config(config));
  HYV_RETURN_IF_ERROR(check_layer_counts(tensors, config));
  auto s = std::make_unique<State>();
  s->config = config;
  s->type = type;
  s->tensors.assign(tensors.begin(), tensors.end());
  return T5Loader(std::move(s));
}

int T5Loader::steps_done() const {
  return s_->next;
}

int T5Loader::steps_total() const {
  return 2 + s_->config.num_layers + s_->config.num_decoder_layers;
}

int64_t T5Loader::next_step_elements() const {
  const T5Config& c = s_->config;
  const int k = s_->next;
  if (k >= steps_total()) return 0;
  if (k == 0) return int64_t{c.vocab_size} * c.d_model * (c.tie_word_embeddings ? 1 : 2);
  if (k == steps_total() - 1) {
    return 2 * (int64_t{c.relative_attention_num_buckets} * c.num_heads + c.d_model);
  }
  return block_parameters(c, k > c.num_layers);
}

Status T5Loader::step() {
  State& s = *s_;
  if (s.failed) return Status::Error("the load already failed");
  if (s.next >= steps_total()) return Status::Ok();
  const Tensors t(s.tensors);
  const T5Config& c = s.config;
  Status st = Status::Ok();
  if (s.next == 0) {
    st = load_embeddings(t, c, s.type, s.weights);
  } else if (s.next == steps_total() - 1) {
    st = load_stack_ends(t, c, s.weights);
  } else {
    const bool decoder = s.next > c.num_layers;
    const int i = decoder ? s.next - 1 - c.num_layers : s.next - 1;
    auto block = load_block(t, c, decoder, i, s.type);
    if (block.ok()) {
      (decoder ? s.weights.decoder : s.weights.encoder).push_back(std::move(block).value());
    } else {
      st = block.status();
    }
  }
  if (!st.ok()) {
    s.failed = true;
    return st;
  }
  ++s.next;
  return Status::Ok();
}

Result<T5Model> T5Loader::finish() && {
  if (s_->failed || !done()) return Status::Error("finish before the load is done");
  const T5Config& c = s_->config;
  const Shape s(c);
  s_->weights.parameter_count = int64_t{s.vocab} * s.d * (c.tie_word_embeddings ? 1 : 2) +
                                2 * int64_t{s.buckets} * s.heads + 2 * int64_t{s.d} +
                                c.num_layers * block_parameters(c, false) +
                                c.num_decoder_layers * block_parameters(c, true);
  return T5Model::assemble(c, s_->type, std::move(s_->weights));
}

}  // namespace hyv::engine
