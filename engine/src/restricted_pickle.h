// A restricted unpickler for what torch.save(state_dict) writes into data.pkl: it builds a tree
// of plain values (ints, floats, strings, tuples, lists, dicts) and the few torch objects a state
// dict holds (storages and tensors), and executes nothing.
//
//   auto pickle = hyv::engine::pickle::unpickle(pkl_bytes);
//   if (!pickle.ok()) return pickle.status();
//   const hyv::engine::pickle::Value& root = pickle.value().at(pickle.value().root);
//
// Python's unpickler imports any module a GLOBAL names and calls whatever REDUCE is given, which is
// how a hostile .bin runs code. Here GLOBAL resolves only an allow-list (collections.OrderedDict,
// torch._utils._rebuild_tensor_v2 / _rebuild_parameter / _rebuild_parameter_with_state and the
// typed storage classes such as torch.FloatStorage); REDUCE "calls" those by building a value; any
// other global, and any opcode outside what protocols 2 and 4 use for these objects, is an error
// naming it and its byte offset in data.pkl. Memo entries, stack depth, marks, string lengths and
// the number of values are bounded, so a hostile pickle cannot exhaust memory.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "hyv/bytes.h"
#include "hyv/engine/safetensors.h"
#include "hyv/status.h"

namespace hyv::engine::pickle {

enum class Kind : uint8_t {
  none,
  boolean,   // number: 0 or 1
  integer,   // number
  floating,  // real
  string,    // text
  tuple,     // items
  list,      // items
  dict,      // items: key, value, key, value, ... (insertion order, as Python keeps it)
  global,    // number: a Callable
  storage,   // number: index into Pickle::storages
  tensor,    // number: index into Pickle::tensors
};

// What an allow-listed GLOBAL resolves to.
enum class Callable : uint8_t {
  ordered_dict,
  rebuild_tensor_v2,
  rebuild_parameter,
  rebuild_parameter_with_state,
  storage_class,  // dtype in Value::dtype
};

struct Value {
  Kind kind = Kind::none;
  Dtype dtype = Dtype::f32;  // of a storage class (Kind::global)
  uint32_t at = 0;           // byte in data.pkl of the opcode that made it, for messages
  int64_t number = 0;
  double real = 0;
  std::string_view text;  // points into data.pkl
  std::vector<uint32_t> items;
};

// BINPERSID's ('storage', storage_class, key, location, numel).
struct Storage {
  Dtype dtype = Dtype::f32;
  std::string_view key;  // the zip entry <dir>/data/<key>
  int64_t numel = 0;     // elements
};

// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks, ...).
struct Tensor {
  uint32_t storage = 0;  // index into Pickle::storages
  int64_t storage_offset = 0;
  std::vector<int64_t> shape;
  std::vector<int64_t> stride;
  uint32_t at = 0;  // byte in data.pkl of its REDUCE
};

struct Pickle {
  std::vector<Value> values;
  std::vector<Storage> storages;
  std::vector<Tensor> tensors;
  uint32_t root = 0;  // the value STOP returned

  const Value& at(uint32_t index) const { return values[index]; }
};

// data.pkl's bytes; errors name the opcode or global and its byte offset in data.pkl.
Result<Pickle> unpickle(Bytes pkl);

}  // namespace hyv::engine::pickle
