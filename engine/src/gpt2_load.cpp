// model.safetensors of a Hugging Face GPT-2 checkpoint -> Gpt2Weights.
//
// Names: "wte.weight", "h.0.attn.c_attn.weight", ... with or without the "transformer." prefix
// (GPT2LMHeadModel vs GPT2Model). The causal-mask buffers h.N.attn.bias / h.N.attn.masked_bias
// and any other unknown tensor are ignored. Conv1D weights are stored (in, out) and transposed
// here to [out][in]. "lm_head.weight", when present and different from wte, is used as is.
#include <algorithm>
#include <bit>
#include <cstring>
#include <string>

#include "gpt2_weights.h"
#include "hyv/engine/gpt2_loader.h"
#include "hyv/engine/safetensors.h"
#include "layer_index.h"
#include "str_cat.h"

namespace hyv::engine {
namespace {

constexpr std::string_view kPrefix = "transformer.";

class TensorSource {
 public:
  explicit TensorSource(const SafetensorsFile& file) : file_(file) {}

  // The tensor `name` (tried with the prefix first), whose shape must equal `shape`; `formula`
  // says which config fields imply that shape, for the message.
  Result<const TensorView*> get(const std::string& name, const std::vector<int64_t>& shape,
                                const std::string& formula) const {
    const TensorView* t = find(name);
    if (t == nullptr) {
      return Status::Error("model.safetensors has no tensor '" + name + "' (nor '" +
                           std::string(kPrefix) + name +
                           "'): not a GPT-2 checkpoint, or an incomplete one");
    }
    if (t->shape != shape) {
      return Status::Error("tensor '" + t->name + "' has shape " + shape_string(t->shape) +
                           " but config.json implies " + formula + " = " + shape_string(shape) +
                           ": the weights do not belong to this config");
    }
    return t;
  }

  const TensorView* find(const std::string& name) const {
    const TensorView* t = file_.find(std::string(kPrefix) + name);
    return t != nullptr ? t : file_.find(name);
  }

 private:
  const SafetensorsFile& file_;
};

Result<std::vector<float>> load_vector(const TensorSource& src, const std::string& name, int n,
                                       const char* formula) {
  auto t = src.get(name, {n}, formula);
  if (!t.ok()) return t.status();
  return read_f32(*t.value());
}

// Element i of a float tensor (F32, F16 or BF16; the caller checked the dtype).
template <Dtype D>
inline float element(const uint8_t* data, size_t i) {
  if constexpr (D == Dtype::f32) {
    float v;
    std::memcpy(&v, data + 4 * i, 4);
    return v;
  } else {
    uint16_t h;
    std::memcpy(&h, data + 2 * i, 2);
    return D == Dtype::f16 ? f16_to_f32(h) : bf16_to_f32(h);
  }
}

// [rows][cols] tensor -> [cols][rows] floats, converted on the way (no intermediate copy), in
// tiles so both sides stay in cache. Returns false when some element is NaN or infinite: every
// value's magnitude bits are folded on the way into one running maximum per tile column (no
// dependency chain from element to element; measured no slower than the copy without it).
template <Dtype D>
bool transpose_from(const uint8_t* in, int rows, int cols, float* out) {
  constexpr int kTile = 32;
  uint32_t max_bits[kTile] = {};
  for (int r0 = 0; r0 < rows; r0 += kTile) {
    for (int c0 = 0; c0 < cols; c0 += kTile) {
      const int r1 = std::min(rows, r0 + kTile);
      const int c1 = std::min(cols, c0 + kTile);
      for (int r = r0; r < r1; ++r) {
        const size_t first = static_cast<size_t>(r) * cols + c0;
        for (int c = c0; c < c1; ++c) {
          const float v = element<D>(in, first + (c - c0));
          max_bits[c - c0] = std::max(max_bits[c - c0], std::bit_cast<uint32_t>(v) & 0x7fffffffu);
          out[static_cast<size_t>(c) * rows + r] = v;
        }
      }
    }
  }
  return *std::max_element(max_bits, max_bits + kTile) < 0x7f800000u;
}

Status read_f32_transposed(const TensorView& t, int rows, int cols, float* out) {
  HYV_RETURN_IF_ERROR(check_float_dtype(t));
  bool finite = false;
  switch (t.dtype) {
    case Dtype::f32:
      finite = transpose_from<Dtype::f32>(t.data.data(), rows, cols, out);
      break;
    case Dtype::f16:
      finite = transpose_from<Dtype::f16>(t.data.data(), rows, cols, out);
      break;
    case Dtype::bf16:
      finite = transpose_from<Dtype::bf16>(t.data.data(), rows, cols, out);
      break;
    default:
      return Status::Error("unreachable: dtype checked above");
  }
  return finite ? Status::Ok() : check_finite(t);
}

// HF Conv1D: weight (in, out) and bias (out); stored as a Linear of out rows.
Result<Linear> load_conv1d(const TensorSource& src, const std::string& prefix, int in, int out,
                           const char* formula, const char* bias_formula, WeightType type) {
  auto t = src.get(prefix + ".weight", {in, out}, formula);
  if (!t.ok()) return t.status();
  WeightBuffer w(static_cast<size_t>(in) * out);
  HYV_RETURN_IF_ERROR(read_f32_transposed(*t.value(), in, out, w.data()));
  auto bias = load_vector(src, prefix + ".bias", out, bias_formula);
  if (!bias.ok()) return bias.status();
  return make_linear(std::move(w), out, in, std::move(bias).value(), type);
}

// A layer index beyond n_layer means config and weights disagree; say so rather than ignore it.
Status check_layer_count(const SafetensorsFile& file, int n_layer) {
  for (const TensorView& t : file.tensors()) {
    std::string_view name = t.name;
    if (name.starts_with(kPrefix)) name.remove_prefix(kPrefix.size());
    if (!name.starts_with("h.")) continue;
    name.remove_prefix(2);
    if (leading_layer_index(name) >= n_layer) {
      return Status::Error("model.safetensors has tensor '" + t.name +
                           "' but config.json says n_layer = " + std::to_string(n_layer) +
                           ": the weights do not belong to this config");
    }
  }
  return Status::Ok();
}

// Part `part` (0..3) of block i: 0 = the LayerNorm vectors and attn.c_attn, 1 = attn.c_proj,
// 2 = mlp.c_fc, 3 = mlp.c_proj; in the order the tensors were always read, so errors stay the same.
Status load_block_part(const TensorSource& src, const Gpt2Config& c, int i, int part,
                       WeightType type, Gpt2Block& b) {
  const std::string p = str_cat("h.", std::to_string(i)) + ".";
  const int e = c.n_embd;
  Result<Linear> linear = Status::Error("unreachable: no such block part");
  switch (part) {
    case 0: {
      auto ln1g = load_vector(src, p + "ln_1.weight", e, "[n_embd]");
      auto ln1b = load_vector(src, p + "ln_1.bias", e, "[n_embd]");
      auto ln2g = load_vector(src, p + "ln_2.weight", e, "[n_embd]");
      auto ln2b = load_vector(src, p + "ln_2.bias", e, "[n_embd]");
      for (auto* r : {&ln1g, &ln1b, &ln2g, &ln2b}) {
        if (!r->ok()) return r->status();
      }
      b.ln1_gamma = std::move(ln1g).value();
      b.ln1_beta = std::move(ln1b).value();
      b.ln2_gamma = std::move(ln2g).value();
      b.ln2_beta = std::move(ln2b).value();
      linear = load_conv1d(src, p + "attn.c_attn", e, 3 * e, "[n_embd, 3 * n_embd]", "[3 * n_embd]",
                           type);
      if (!linear.ok()) return linear.status();
      b.attn_qkv = std::move(linear).value();
      return Status::Ok();
    }
    case 1:
      linear = load_conv1d(src, p + "attn.c_proj", e, e, "[n_embd, n_embd]", "[n_embd]", type);
      if (!linear.ok()) return linear.status();
      b.attn_proj = std::move(linear).value();
      return Status::Ok();
    case 2:
      linear = load_conv1d(src, p + "mlp.c_fc", e, c.n_inner, "[n_embd, n_inner (4 * n_embd)]",
                           "[n_inner (4 * n_embd)]", type);
      if (!linear.ok()) return linear.status();
      b.mlp_fc = std::move(linear).value();
      return Status::Ok();
    default:
      linear = load_conv1d(src, p + "mlp.c_proj", c.n_inner, e, "[n_inner (4 * n_embd), n_embd]",
                           "[n_embd]", type);
      if (!linear.ok()) return linear.status();
      b.mlp_proj = std::move(linear).value();
      return Status::Ok();
  }
}

// wte, and lm_head.weight when the checkpoint stores one that differs from wte.
Status load_embeddings(const TensorSource& src, const Gpt2Config& c, WeightType type,
                       Gpt2Weights& w) {
  const int v = c.vocab_size, e = c.n_embd;
  auto wte_t = src.get("wte.weight", {v, e}, "[vocab_size, n_embd]");
  if (!wte_t.ok()) return wte_t.status();
  WeightBuffer wte(static_cast<size_t>(v) * e);
  HYV_RETURN_IF_ERROR(read_f32(*wte_t.value(), wte));
  auto wpe = src.get("wpe.weight", {c.n_positions, e}, "[n_positions, n_embd]");
  if (!wpe.ok()) return wpe.status();
  auto wpe_values = read_f32(*wpe.value());
  if (!wpe_values.ok()) return wpe_values.status();
  w.wpe = std::move(wpe_values).value();

  // lm_head lives outside "transformer.", so look it up by its own name only.
  if (const TensorView* head = src.find("lm_head.weight"); head != nullptr) {
    if (head->shape != std::vector<int64_t>{v, e}) {
      return Status::Error("tensor 'lm_head.weight' has shape " + shape_string(head->shape) +
                           " but config.json implies [vocab_size, n_embd] = " +
                           shape_string(std::vector<int64_t>{v, e}));
    }
    WeightBuffer values(wte.size());
    HYV_RETURN_IF_ERROR(read_f32(*head, values));
    if (std::memcmp(values.data(), wte.data(), sizeof(float) * wte.size()) != 0) {
      w.lm_head = make_linear(std::move(values), v, e, {}, type);
      w.parameter_count += static_cast<int64_t>(v) * e;
    }
  }
  w.wte = make_linear(std::move(wte), v, e, {}, type);
  return Status::Ok();
}

int64_t block_parameters(const Gpt2Config& c) {
  const int64_t e = c.n_embd, inner = c.n_inner;
  return 4 * e + (e * 3 * e + 3 * e) + (e * e + e) + (e * inner + inner) + (inner * e + e);
}

}  // namespace

struct Gpt2Loader::State {
  Gpt2Config config;
  WeightType type = WeightType::f32;
  SafetensorsFile file;
  Gpt2Weights weights;
  int next = 0;  // steps done
  bool failed = false;
};

Gpt2Loader::Gpt2Loader(std::unique_ptr<State> state) : s_(std::move(state)) {}
Gpt2Loader::Gpt2Loader(Gpt2Loader&&) noexcept = default;
Gpt2Loader& Gpt2Loader::operator=(Gpt2Loader&&) noexcept = default;
Gpt2Loader::~Gpt2Loader() = default;

Result<Gpt2Loader> Gpt2Loader::create(const Gpt2Config& config, Bytes safetensors,
                                      WeightType type) {
  HYV_RETURN_IF_ERROR(validate_gpt2_config(config));
  auto file = SafetensorsFile::parse(safetensors);
  if (!file.ok()) return file.status();  // the caller knows the file name and adds it
  auto s = std::make_unique<State>();
  s->config = config;
  if (s->config.n_inner == 0) s->config.n_inner = 4 * s->config.n_embd;
  s->type = type;
  s->file = std::move(file).value();
  HYV_RETURN_IF_ERROR(check_layer_count(s->file, s->config.n_layer));
  return Gpt2Loader(std::move(s));
}

int Gpt2Loader::steps_done() const {
  return s_->next;
}
int Gpt2Loader::steps_total() const {
  return 2 + 4 * s_->config.n_layer;
}

int64_t Gpt2Loader::next_step_elements() const {
  const Gpt2Config& c = s_->config;
  const int64_t e = c.n_embd, inner = c.n_inner;
  const int k = s_->next;
  if (k >= steps_total()) return 0;
  if (k == 0) {
    const int64_t head = TensorSource(s_->file).find("lm_head.weight") != nullptr ? 2 : 1;
    return head * c.vocab_size * e + int64_t{c.n_positions} * e;
  }
  if (k == steps_total() - 1) return 2 * e;
  switch ((k - 1) % 4) {
    case 0:
      return 3 * e * e + 4 * e;
    case 1:
      return e * e;
    default:
      return e * inner;
  }
}

Status Gpt2Loader::step() {
  State& s = *s_;
  if (s.failed) return Status::Error("the load already failed");
  if (s.next >= steps_total()) return Status::Ok();
  const TensorSource src(s.file);
  const Gpt2Config& c = s.config;
  Status st = Status::Ok();
  if (s.next == 0) {
    st = load_embeddings(src, c, s.type, s.weights);
  } else if (s.next == steps_total() - 1) {
    auto g = load_vector(src, "ln_f.weight", c.n_embd, "[n_embd]");
    auto b = g.ok() ? load_vector(src, "ln_f.bias", c.n_embd, "[n_embd]") : g.status();
    if (!b.ok()) {
      st = b.status();
    } else {
      s.weights.lnf_gamma = std::move(g).value();
      s.weights.lnf_beta = std::move(b).value();
      s.weights.parameter_count += static_cast<int64_t>(c.vocab_size + c.n_positions) * c.n_embd +
                                   c.n_layer * block_parameters(c) + 2 * c.n_embd;
    }
  } else {
    const int layer = (s.next - 1) / 4, part = (s.next - 1) % 4;
    if (part == 0) s.weights.blocks.emplace_back();
    st = load_block_part(src, c, layer, part, s.type, s.weights.blocks.back());
  }
  if (!st.ok()) {
    s.failed = true;
    return st;
  }
  ++s.next;
  return Status::Ok();
}

Result<Gpt2Model> Gpt2Loader::finish() && {
  if (s_->failed || !done()) return Status::Error("finish before the load is done");
  return assemble(s_->config, s_->type, std::move(s_->weights));
}

}  // namespace hyv::engine
