#include "hyv/engine/torch_checkpoint.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <string>

#include "restricted_pickle.h"
#include "str_cat.h"
#include "zip_stored.h"

namespace hyv::engine {
namespace {

static_assert(std::endian::native == std::endian::little,
              "torch storages are read as little-endian; a big-endian host would need byte swaps");

using pickle::Kind;
using pickle::Pickle;
using pickle::Value;

std::string num(uint64_t v) {
  return std::to_string(v);
}

std::string quoted(std::string_view name) {
  return str_cat("tensor '", name, "'");
}

// torch.save's legacy format (torch < 1.6) is a bare sequence of pickles, the first one of a
// magic number; anything else that is not a zip is not a torch checkpoint at all.
Status not_a_zip(Bytes file) {
  if (file.size() >= 2 && file[0] == 0x80 && file[1] <= 5) {
    return Status::Error(
        "this is PyTorch's legacy (pre-1.6) torch.save format, a bare pickle, which Hyv does not "
        "read: re-save it with a recent torch (torch.save(torch.load(f), f)) or convert it to "
        "model.safetensors");
  }
  return Status::Error(
      "not a PyTorch checkpoint: torch.save (torch >= 1.6) writes a zip archive, and the file "
      "does not start with one (\"PK\\3\\4\")");
}

// The archive's folder: the `<dir>` of its one `<dir>/data.pkl`.
Result<std::string_view> archive_dir(const StoredZip& zip) {
  std::string_view dir;
  int found = 0;
  for (const ZipEntry& e : zip.entries()) {
    const size_t slash = e.name.find('/');
    if (slash == std::string_view::npos || e.name.substr(slash) != "/data.pkl") continue;
    dir = e.name.substr(0, slash);
    ++found;
  }
  if (found == 0) {
    return Status::Error(
        "the zip has no <folder>/data.pkl entry: not a checkpoint written by torch.save");
  }
  if (found > 1) {
    return Status::Error(str_cat("the zip has ", num(static_cast<uint64_t>(found)),
                                 " <folder>/data.pkl entries; torch.save writes one"));
  }
  return dir;
}

// torch >= 2.1 records the saving machine's byte order; older files came from little-endian ones.
Status check_byteorder(const StoredZip& zip, std::string_view dir) {
  const std::string name = str_cat(dir, "/byteorder");
  const ZipEntry* e = zip.find(name);
  if (e == nullptr) return Status::Ok();
  const std::string_view order = as_string_view(e->data);
  if (order == "little") return Status::Ok();
  if (order == "big") {
    return Status::Error(str_cat(
        "'", name, "' (byte ", num(e->data_offset),
        ") says \"big\": the checkpoint was saved on a big-endian machine, and Hyv reads "
        "little-endian tensors only; re-save it on a little-endian machine or convert it to "
        "model.safetensors"));
  }
  return Status::Error(str_cat("'", name, "' (byte ", num(e->data_offset),
                               ") must say \"little\" or \"big\"; the file is corrupt"));
}

bool holds_tensor(const Pickle& p, const Value& dict) {
  for (size_t i = 1; i < dict.items.size(); i += 2) {
    if (p.at(dict.items[i]).kind == Kind::tensor) return true;
  }
  return false;
}

// The dict whose tensors are the weights (see the header): the top level, else its
// "state_dict", else its "model".
Result<const Value*> tensor_dict(const Pickle& p) {
  const Value& root = p.at(p.root);
  if (root.kind != Kind::dict) {
    return Status::Error(
        "data.pkl holds a value that is not a dict; Hyv reads a state dict (name -> tensor)");
  }
  if (holds_tensor(p, root)) return &root;
  for (std::string_view key : {"state_dict", "model"}) {
    for (size_t i = 0; i + 1 < root.items.size(); i += 2) {
      const Value& k = p.at(root.items[i]);
      const Value& v = p.at(root.items[i + 1]);
      if (k.kind == Kind::string && k.text == key && v.kind == Kind::dict && holds_tensor(p, v)) {
        return &v;
      }
    }
  }
  return Status::Error(
      "data.pkl holds no tensors: neither at the top level of its dict nor under its "
      "\"state_dict\" or \"model\" entry");
}

// Elements of `shape`, or an error when a dimension is negative or the product overflows.
Result<uint64_t> element_count(const std::vector<int64_t>& shape, std::string_view name) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return Status::Error(quoted(name) + ": shape " + shape_string(shape) +
                           " has a negative dimension");
    const auto dim = static_cast<uint64_t>(d);
    if (dim != 0 && n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) / dim) {
      return Status::Error(quoted(name) + ": shape " + shape_string(shape) + " is too large");
    }
    n *= dim;
  }
  return n;
}

// Row-major: each stride is the product of the sizes after it. Sizes of 1 (any stride) and
// tensors without elements are contiguous, as torch's is_contiguous() says.
bool contiguous(const pickle::Tensor& t, uint64_t numel) {
  if (numel == 0) return true;
  int64_t expected = 1;
  for (size_t d = t.shape.size(); d-- > 0;) {
    if (t.shape[d] != 1 && t.stride[d] != expected) return false;
    expected *= t.shape[d];  // <= numel: cannot overflow
  }
  return true;
}

// The storage's zip entry, checked to hold exactly its numel elements.
Result<const ZipEntry*> storage_entry(const StoredZip& zip, std::string_view dir,
                                      const pickle::Storage& s, std::string_view name) {
  const std::string entry_name = str_cat(dir, "/data/", s.key);
  const ZipEntry* e = zip.find(entry_name);
  if (e == nullptr) {
    return Status::Error(quoted(name) + ": its storage '" + entry_name +
                         "' is missing from the zip; the file is truncated or corrupt");
  }
  const uint64_t elem = dtype_bytes(s.dtype);
  const auto numel = static_cast<uint64_t>(s.numel);
  if (numel > std::numeric_limits<uint64_t>::max() / elem || numel * elem != e->data.size()) {
    return Status::Error(quoted(name) + ": its storage '" + entry_name + "' (file byte " +
                         num(e->data_offset) + ") is " + num(e->data.size()) +
                         " bytes, but data.pkl gives it " + num(numel) + " elements of " +
                         dtype_name(s.dtype) + "; the file is corrupt");
  }
  return e;
}

Result<TensorView> make_view(std::string_view name, const pickle::Tensor& t, const Pickle& p,
                             const StoredZip& zip, std::string_view dir) {
  const pickle::Storage& s = p.storages[t.storage];
  auto entry = storage_entry(zip, dir, s, name);
  if (!entry.ok()) return entry.status();
  auto numel = element_count(t.shape, name);
  if (!numel.ok()) return numel.status();
  if (!contiguous(t, numel.value())) {
    return Status::Error(quoted(name) + " (shape " + shape_string(t.shape) + ", stride " +
                         shape_string(t.stride) +
                         ") is not contiguous: Hyv reads row-major tensors only; save "
                         "t.contiguous() instead, or convert the file to model.safetensors");
  }
  const auto storage_numel = static_cast<uint64_t>(s.numel);
  const auto offset = static_cast<uint64_t>(t.storage_offset);
  if (t.storage_offset < 0 || offset > storage_numel || numel.value() > storage_numel - offset) {
    return Status::Error(quoted(name) + " (shape " + shape_string(t.shape) + " at storage_offset " +
                         std::to_string(t.storage_offset) + ") runs past its storage '" +
                         std::string(s.key) + "' of " + num(storage_numel) +
                         " elements; the file is corrupt");
  }
  const uint64_t elem = dtype_bytes(s.dtype);
  TensorView v;
  v.name = std::string(name);
  v.dtype = s.dtype;
  v.shape = t.shape;
  v.data = entry.value()->data.subspan(offset * elem, numel.value() * elem);
  v.file_offset = entry.value()->data_offset + offset * elem;
  return v;
}

Result<std::vector<TensorView>> views_of(const Pickle& p, const Value& dict, const StoredZip& zip,
                                         std::string_view dir) {
  std::vector<TensorView> out;
  for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
    const Value& key = p.at(dict.items[i]);
    const Value& value = p.at(dict.items[i + 1]);
    if (value.kind != Kind::tensor) continue;
    if (key.kind != Kind::string) {
      return Status::Error(
          str_cat("data.pkl byte ", num(value.at), ": a tensor's key is not a string"));
    }
    auto view = make_view(key.text, p.tensors[static_cast<size_t>(value.number)], p, zip, dir);
    if (!view.ok()) return view.status();
    out.push_back(std::move(view).value());
  }
  std::sort(out.begin(), out.end(),
            [](const TensorView& a, const TensorView& b) { return a.name < b.name; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].name == out[i - 1].name) {
      return Status::Error(quoted(out[i].name) + " appears twice in data.pkl's state dict");
    }
  }
  return out;
}

}  // namespace

bool is_torch_zip(Bytes file) {
  return starts_like_zip(file);
}

Result<TorchCheckpoint> TorchCheckpoint::parse(Bytes file) {
  if (!starts_like_zip(file)) return not_a_zip(file);
  auto zip = StoredZip::parse(file);
  if (!zip.ok()) return zip.status();
  auto dir = archive_dir(zip.value());
  if (!dir.ok()) return dir.status();
  HYV_RETURN_IF_ERROR(check_byteorder(zip.value(), dir.value()));
  const ZipEntry* pkl = zip.value().find(str_cat(dir.value(), "/data.pkl"));
  auto p = pickle::unpickle(pkl->data);
  if (!p.ok()) {
    return p.status().with_context(
        str_cat("'", dir.value(), "/data.pkl' (from file byte ", num(pkl->data_offset), ")"));
  }
  auto dict = tensor_dict(p.value());
  if (!dict.ok()) return dict.status();
  auto views = views_of(p.value(), *dict.value(), zip.value(), dir.value());
  if (!views.ok()) return views.status();
  TorchCheckpoint out;
  out.tensors_ = std::move(views).value();
  return out;
}

const TensorView* TorchCheckpoint::find(std::string_view name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorView& t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

}  // namespace hyv::engine
