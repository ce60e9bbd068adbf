#include "restricted_pickle.h"

#include <bit>
#include <string>
#include <unordered_map>

#include "str_cat.h"

namespace hyv::engine::pickle {
namespace {

// Bounds on what a pickle may build. A real state dict needs about 15 values, 10 container items
// and 10 memo entries per tensor, so these allow some 60,000 tensors, and cap a hostile pickle's
// memory at about 100 MB.
constexpr uint64_t kMaxPickleBytes = uint64_t{1} << 30;  // offsets fit Value::at
constexpr size_t kMaxValues = size_t{1} << 20;
constexpr size_t kMaxItems = size_t{1} << 22;  // in all tuples, lists and dicts together
constexpr size_t kMaxStack = size_t{1} << 20;
constexpr size_t kMaxMarks = 4096;
constexpr size_t kMaxMemo = size_t{1} << 20;
constexpr uint64_t kMaxStringBytes = uint64_t{1} << 20;
constexpr size_t kMaxGlobalBytes = 256;
constexpr size_t kMaxDims = 64;
constexpr int kMaxProtocol = 5;

// The opcodes this reader understands (pickletools' names), and, for messages, the others.
enum Op : uint8_t {
  kMark = '(',
  kStop = '.',
  kBinFloat = 'G',
  kBinInt = 'J',
  kBinInt1 = 'K',
  kBinInt2 = 'M',
  kNone = 'N',
  kBinPersId = 'Q',
  kReduce = 'R',
  kBinUnicode = 'X',
  kEmptyList = ']',
  kAppend = 'a',
  kBuild = 'b',
  kGlobal = 'c',
  kAppends = 'e',
  kBinGet = 'h',
  kLongBinGet = 'j',
  kBinPut = 'q',
  kLongBinPut = 'r',
  kSetItem = 's',
  kTuple = 't',
  kSetItems = 'u',
  kEmptyDict = '}',
  kEmptyTuple = ')',
  kProto = 0x80,
  kNewTrue = 0x88,
  kNewFalse = 0x89,
  kLong1 = 0x8a,
  kTuple1 = 0x85,
  kTuple2 = 0x86,
  kTuple3 = 0x87,
  kShortBinUnicode = 0x8c,
  kBinUnicode8 = 0x8d,
  kStackGlobal = 0x93,
  kMemoize = 0x94,
  kFrame = 0x95,
};

struct OpName {
  uint8_t code;
  const char* name;
};

constexpr OpName kOpNames[] = {
    {'(', "MARK"},
    {'.', "STOP"},
    {'0', "POP"},
    {'1', "POP_MARK"},
    {'2', "DUP"},
    {'F', "FLOAT"},
    {'I', "INT"},
    {'J', "BININT"},
    {'K', "BININT1"},
    {'L', "LONG"},
    {'M', "BININT2"},
    {'N', "NONE"},
    {'P', "PERSID"},
    {'Q', "BINPERSID"},
    {'R', "REDUCE"},
    {'S', "STRING"},
    {'T', "BINSTRING"},
    {'U', "SHORT_BINSTRING"},
    {'V', "UNICODE"},
    {'X', "BINUNICODE"},
    {'a', "APPEND"},
    {'b', "BUILD"},
    {'c', "GLOBAL"},
    {'d', "DICT"},
    {'}', "EMPTY_DICT"},
    {'e', "APPENDS"},
    {'g', "GET"},
    {'h', "BINGET"},
    {'i', "INST"},
    {'j', "LONG_BINGET"},
    {'l', "LIST"},
    {']', "EMPTY_LIST"},
    {'o', "OBJ"},
    {'p', "PUT"},
    {'q', "BINPUT"},
    {'r', "LONG_BINPUT"},
    {'s', "SETITEM"},
    {'t', "TUPLE"},
    {')', "EMPTY_TUPLE"},
    {'u', "SETITEMS"},
    {'G', "BINFLOAT"},
    {0x80, "PROTO"},
    {0x81, "NEWOBJ"},
    {0x82, "EXT1"},
    {0x83, "EXT2"},
    {0x84, "EXT4"},
    {0x85, "TUPLE1"},
    {0x86, "TUPLE2"},
    {0x87, "TUPLE3"},
    {0x88, "NEWTRUE"},
    {0x89, "NEWFALSE"},
    {0x8a, "LONG1"},
    {0x8b, "LONG4"},
    {'B', "BINBYTES"},
    {'C', "SHORT_BINBYTES"},
    {0x8c, "SHORT_BINUNICODE"},
    {0x8d, "BINUNICODE8"},
    {0x8e, "BINBYTES8"},
    {0x8f, "EMPTY_SET"},
    {0x90, "ADDITEMS"},
    {0x91, "FROZENSET"},
    {0x92, "NEWOBJ_EX"},
    {0x93, "STACK_GLOBAL"},
    {0x94, "MEMOIZE"},
    {0x95, "FRAME"},
    {0x96, "BYTEARRAY8"},
    {0x97, "NEXT_BUFFER"},
    {0x98, "READONLY_BUFFER"},
};

const char* op_name(uint8_t code) {
  for (const auto& o : kOpNames) {
    if (o.code == code) return o.name;
  }
  return "not a pickle opcode";
}

std::string num(uint64_t v) {
  return std::to_string(v);
}

std::string hex_byte(uint8_t b) {
  const char* digits = "0123456789abcdef";
  return {'0', 'x', digits[b >> 4], digits[b & 15]};
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::none:
      return "None";
    case Kind::boolean:
      return "a bool";
    case Kind::integer:
      return "an int";
    case Kind::floating:
      return "a float";
    case Kind::string:
      return "a str";
    case Kind::tuple:
      return "a tuple";
    case Kind::list:
      return "a list";
    case Kind::dict:
      return "a dict";
    case Kind::global:
      return "a class or function";
    case Kind::storage:
      return "a storage";
    case Kind::tensor:
      return "a tensor";
  }
  return "?";
}

struct AllowedGlobal {
  const char* module;
  const char* name;
  Callable callable;
  Dtype dtype;
};

// Everything torch.save(state_dict) pickles by reference; nothing here runs code when "called".
constexpr AllowedGlobal kAllowed[] = {
    {"collections", "OrderedDict", Callable::ordered_dict, Dtype::f32},
    {"torch._utils", "_rebuild_tensor_v2", Callable::rebuild_tensor_v2, Dtype::f32},
    {"torch._utils", "_rebuild_parameter", Callable::rebuild_parameter, Dtype::f32},
    {"torch._utils", "_rebuild_parameter_with_state", Callable::rebuild_parameter_with_state,
     Dtype::f32},
    {"torch", "FloatStorage", Callable::storage_class, Dtype::f32},
    {"torch", "HalfStorage", Callable::storage_class, Dtype::f16},
    {"torch", "BFloat16Storage", Callable::storage_class, Dtype::bf16},
    {"torch", "DoubleStorage", Callable::storage_class, Dtype::f64},
    {"torch", "LongStorage", Callable::storage_class, Dtype::i64},
    {"torch", "IntStorage", Callable::storage_class, Dtype::i32},
    {"torch", "ShortStorage", Callable::storage_class, Dtype::i16},
    {"torch", "CharStorage", Callable::storage_class, Dtype::i8},
    {"torch", "ByteStorage", Callable::storage_class, Dtype::u8},
    {"torch", "BoolStorage", Callable::storage_class, Dtype::boolean},
};

class Unpickler {
 public:
  explicit Unpickler(Bytes pkl) : pkl_(pkl) {}

  Result<Pickle> run() {
    if (pkl_.size() > kMaxPickleBytes) {
      return Status::Error(str_cat("data.pkl is ", num(pkl_.size()),
                                   " bytes; a state dict's pickle is far smaller (limit 1 GiB)"));
    }
    while (!stopped_) {
      if (pos_ >= pkl_.size()) {
        return Status::Error(str_cat("data.pkl ends at byte ", num(pkl_.size()),
                                     " before its STOP opcode; the file is truncated or corrupt"));
      }
      op_at_ = pos_;
      HYV_RETURN_IF_ERROR(step(pkl_[pos_++]));
    }
    return std::move(out_);
  }

 private:
  Status error(const std::string& what) const {
    return Status::Error(str_cat("data.pkl byte ", num(op_at_), ": ", what));
  }
  Status op_error(uint8_t code, const std::string& what) const {
    return error(str_cat(op_name(code), " ", what));
  }

  Status step(uint8_t code);
  Status step_more(uint8_t code);

  // Reading the opcode's argument bytes.
  Status need(uint64_t n) const {
    if (n > pkl_.size() - pos_) {
      return error(str_cat(op_name(pkl_[op_at_]), "'s argument runs past the end of data.pkl (",
                           num(pkl_.size()), " bytes); the file is truncated"));
    }
    return Status::Ok();
  }
  Result<uint64_t> read_le(int n) {
    HYV_RETURN_IF_ERROR(need(static_cast<uint64_t>(n)));
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(pkl_[pos_ + i]) << (8 * i);
    pos_ += static_cast<uint64_t>(n);
    return v;
  }
  Result<std::string_view> read_line();

  // Values and the stack.
  Result<uint32_t> make(Kind kind) {
    if (out_.values.size() >= kMaxValues) {
      return error(str_cat("the pickle builds more than ", num(kMaxValues),
                           " values; no state dict needs that many"));
    }
    Value v;
    v.kind = kind;
    v.at = static_cast<uint32_t>(op_at_);
    out_.values.push_back(std::move(v));
    return static_cast<uint32_t>(out_.values.size() - 1);
  }
  Status push(uint32_t index) {
    if (stack_.size() >= kMaxStack) {
      return error(str_cat("the stack holds more than ", num(kMaxStack), " values"));
    }
    stack_.push_back(index);
    return Status::Ok();
  }
  Status push_new(Kind kind, int64_t number = 0) {
    auto index = make(kind);
    if (!index.ok()) return index.status();
    out_.values[index.value()].number = number;
    return push(index.value());
  }
  size_t base() const { return marks_.empty() ? 0 : marks_.back(); }
  Result<uint32_t> pop(uint8_t code) {
    if (stack_.size() <= base()) return op_error(code, "pops from an empty stack");
    const uint32_t v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Result<uint32_t> top(uint8_t code) const {
    if (stack_.size() <= base()) return op_error(code, "needs a value on the stack");
    return stack_.back();
  }
  Value& value(uint32_t index) { return out_.values[index]; }
  Status add_items(std::vector<uint32_t>& to, const uint32_t* first, size_t n) {
    if (n > kMaxItems - items_) {
      return error(str_cat("the pickle's tuples, lists and dicts hold more than ", num(kMaxItems),
                           " items; no state dict needs that many"));
    }
    items_ += n;
    to.insert(to.end(), first, first + n);
    return Status::Ok();
  }

  Status mark();
  Result<size_t> pop_mark(uint8_t code);
  Status tuple_of(size_t n);
  Status tuple_from_mark();
  Status set_items(uint8_t code, size_t from);
  Status append_items(uint8_t code, size_t from);
  Status string_of(uint64_t length);
  Status long1();
  Status bin_float();
  Status memo_put(uint64_t index);
  Status memo_get(uint64_t index);
  Status global(std::string_view module, std::string_view name);
  Status stack_global();
  Status reduce();
  Status rebuild_tensor(const std::vector<uint32_t>& args);
  Result<std::vector<int64_t>> int_tuple(uint32_t index, const char* what);
  Status persistent_id();
  Status stop();

  Bytes pkl_;
  uint64_t pos_ = 0;
  uint64_t op_at_ = 0;
  bool stopped_ = false;
  Pickle out_;
  std::vector<uint32_t> stack_;
  std::vector<size_t> marks_;                    // stack sizes at each open MARK
  std::unordered_map<uint64_t, uint32_t> memo_;  // looked up only, never iterated
  size_t items_ = 0;
};

Status Unpickler::step(uint8_t code) {
  switch (code) {
    case kProto: {
      auto v = read_le(1);
      if (!v.ok()) return v.status();
      if (v.value() > kMaxProtocol) {
        return error(str_cat("pickle protocol ", num(v.value()), " is newer than any Python's"));
      }
      return Status::Ok();
    }
    case kFrame:  // protocol 4 framing: a read-ahead hint, nothing to build
      return read_le(8).status();
    case kStop:
      return stop();
    case kMark:
      return mark();
    case kEmptyDict:
      return push_new(Kind::dict);
    case kEmptyList:
      return push_new(Kind::list);
    case kEmptyTuple:
      return tuple_of(0);
    case kTuple1:
      return tuple_of(1);
    case kTuple2:
      return tuple_of(2);
    case kTuple3:
      return tuple_of(3);
    case kTuple:
      return tuple_from_mark();
    case kSetItem:
      return set_items(code, stack_.size() < 2 ? 0 : stack_.size() - 2);
    case kAppend:
      return append_items(code, stack_.empty() ? 0 : stack_.size() - 1);
    case kSetItems:
    case kAppends: {
      auto from = pop_mark(code);
      if (!from.ok()) return from.status();
      return code == kSetItems ? set_items(code, from.value()) : append_items(code, from.value());
    }
    case kNone:
      return push_new(Kind::none);
    case kNewTrue:
      return push_new(Kind::boolean, 1);
    case kNewFalse:
      return push_new(Kind::boolean, 0);
    default:
      return step_more(code);
  }
}

Status Unpickler::step_more(uint8_t code) {
  switch (code) {
    case kBinInt1:
    case kBinInt2:
    case kBinInt: {
      const int n = code == kBinInt1 ? 1 : code == kBinInt2 ? 2 : 4;
      auto v = read_le(n);
      if (!v.ok()) return v.status();
      // BININT is a signed 32-bit value; the shorter forms are unsigned.
      const int64_t i = n == 4 ? static_cast<int32_t>(static_cast<uint32_t>(v.value()))
                               : static_cast<int64_t>(v.value());
      return push_new(Kind::integer, i);
    }
    case kLong1:
      return long1();
    case kBinFloat:
      return bin_float();
    case kBinUnicode:
    case kShortBinUnicode:
    case kBinUnicode8: {
      auto n = read_le(code == kShortBinUnicode ? 1 : code == kBinUnicode ? 4 : 8);
      if (!n.ok()) return n.status();
      return string_of(n.value());
    }
    case kBinPut:
    case kLongBinPut: {
      auto index = read_le(code == kBinPut ? 1 : 4);
      if (!index.ok()) return index.status();
      return memo_put(index.value());
    }
    case kMemoize:
      return memo_put(memo_.size());
    case kBinGet:
    case kLongBinGet: {
      auto index = read_le(code == kBinGet ? 1 : 4);
      if (!index.ok()) return index.status();
      return memo_get(index.value());
    }
    case kGlobal: {
      auto module = read_line();
      if (!module.ok()) return module.status();
      auto name = read_line();
      if (!name.ok()) return name.status();
      return global(module.value(), name.value());
    }
    case kStackGlobal:
      return stack_global();
    case kReduce:
      return reduce();
    case kBuild: {
      // BUILD sets an object's attributes from a state: for the OrderedDict of a state dict,
      // its _metadata (module versions). Nothing Hyv reads, so the state is dropped.
      auto state = pop(code);
      if (!state.ok()) return state.status();
      return top(code).status();
    }
    case kBinPersId:
      return persistent_id();
    default: {
      const bool printable = code >= 0x20 && code < 0x7f;
      return error(str_cat("opcode ", hex_byte(code),
                           printable ? std::string(" '") + static_cast<char>(code) + "'" : "", " (",
                           op_name(code),
                           ") is not one torch.save writes for a state dict; refusing to "
                           "unpickle it"));
    }
  }
}

Result<std::string_view> Unpickler::read_line() {
  for (uint64_t i = pos_; i < pkl_.size() && i - pos_ <= kMaxGlobalBytes; ++i) {
    if (pkl_[i] != '\n') continue;
    const std::string_view line = as_string_view(pkl_.subspan(pos_, i - pos_));
    pos_ = i + 1;
    return line;
  }
  return error(str_cat("GLOBAL's module and name must be lines of at most ", num(kMaxGlobalBytes),
                       " bytes within data.pkl; the file is truncated or corrupt"));
}

Status Unpickler::mark() {
  if (marks_.size() >= kMaxMarks) {
    return error(str_cat("more than ", num(kMaxMarks), " nested MARKs"));
  }
  marks_.push_back(stack_.size());
  return Status::Ok();
}

Result<size_t> Unpickler::pop_mark(uint8_t code) {
  if (marks_.empty()) return op_error(code, "without a MARK before it");
  const size_t from = marks_.back();
  marks_.pop_back();
  return from;
}

// A tuple of the top n stack values (in order), replacing them.
Status Unpickler::tuple_of(size_t n) {
  if (stack_.size() - base() < n) {
    return op_error(pkl_[op_at_], str_cat("needs ", num(n), " values on the stack"));
  }
  auto index = make(Kind::tuple);
  if (!index.ok()) return index.status();
  const size_t from = stack_.size() - n;
  HYV_RETURN_IF_ERROR(add_items(value(index.value()).items, stack_.data() + from, n));
  stack_.resize(from);
  return push(index.value());
}

Status Unpickler::tuple_from_mark() {
  if (marks_.empty()) return op_error(kTuple, "without a MARK before it");
  const size_t n = stack_.size() - marks_.back();
  marks_.pop_back();
  return tuple_of(n);
}

// SETITEM(S): the key, value pairs stack_[from..] go into the dict below them.
Status Unpickler::set_items(uint8_t code, size_t from) {
  const size_t n = stack_.size() - from;
  if (from <= base() || n % 2 != 0) {
    return op_error(code, "needs a dict and key, value pairs on the stack");
  }
  Value& dict = value(stack_[from - 1]);
  if (dict.kind != Kind::dict) {
    return op_error(code, str_cat("sets items of ", kind_name(dict.kind), ", not of a dict"));
  }
  HYV_RETURN_IF_ERROR(add_items(dict.items, stack_.data() + from, n));
  stack_.resize(from);
  return Status::Ok();
}

Status Unpickler::append_items(uint8_t code, size_t from) {
  if (from <= base()) return op_error(code, "needs a list and values on the stack");
  Value& list = value(stack_[from - 1]);
  if (list.kind != Kind::list) {
    return op_error(code, str_cat("appends to ", kind_name(list.kind), ", not to a list"));
  }
  HYV_RETURN_IF_ERROR(add_items(list.items, stack_.data() + from, stack_.size() - from));
  stack_.resize(from);
  return Status::Ok();
}

Status Unpickler::string_of(uint64_t length) {
  if (length > kMaxStringBytes) {
    return error(str_cat("a string of ", num(length),
                         " bytes; tensor names are far shorter "
                         "(limit 1 MiB)"));
  }
  HYV_RETURN_IF_ERROR(need(length));
  auto index = make(Kind::string);
  if (!index.ok()) return index.status();
  value(index.value()).text = as_string_view(pkl_.subspan(pos_, length));
  pos_ += length;
  return push(index.value());
}

// LONG1: n little-endian two's-complement bytes; shapes and offsets need at most 8.
Status Unpickler::long1() {
  auto n = read_le(1);
  if (!n.ok()) return n.status();
  if (n.value() > 8) {
    return error(str_cat("LONG1 of ", num(n.value()), " bytes is beyond 64-bit integers"));
  }
  auto v = read_le(static_cast<int>(n.value()));
  if (!v.ok()) return v.status();
  uint64_t bits = v.value();
  const uint64_t width = 8 * n.value();
  if (width > 0 && width < 64 && (bits >> (width - 1)) != 0) bits |= ~uint64_t{0} << width;
  return push_new(Kind::integer, static_cast<int64_t>(bits));
}

// BINFLOAT: an IEEE double, big-endian.
Status Unpickler::bin_float() {
  HYV_RETURN_IF_ERROR(need(8));
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | pkl_[pos_ + i];
  pos_ += 8;
  auto index = make(Kind::floating);
  if (!index.ok()) return index.status();
  value(index.value()).real = std::bit_cast<double>(bits);
  return push(index.value());
}

Status Unpickler::memo_put(uint64_t index) {
  auto v = top(pkl_[op_at_]);
  if (!v.ok()) return v.status();
  if (memo_.size() >= kMaxMemo && memo_.find(index) == memo_.end()) {
    return error(str_cat("the memo holds more than ", num(kMaxMemo), " entries"));
  }
  memo_[index] = v.value();
  return Status::Ok();
}

Status Unpickler::memo_get(uint64_t index) {
  auto it = memo_.find(index);
  if (it == memo_.end()) {
    return op_error(pkl_[op_at_], str_cat(num(index), " reads a memo entry never stored"));
  }
  return push(it->second);
}

Status Unpickler::global(std::string_view module, std::string_view name) {
  for (const auto& g : kAllowed) {
    if (module != g.module || name != g.name) continue;
    auto index = make(Kind::global);
    if (!index.ok()) return index.status();
    value(index.value()).number = static_cast<int64_t>(g.callable);
    value(index.value()).dtype = g.dtype;
    return push(index.value());
  }
  return error(str_cat(op_name(pkl_[op_at_]), " '", module, " ", name,
                       "' is not allowed: Hyv reads only state dicts of tensors "
                       "(collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
                       "_rebuild_parameter, torch.*Storage) and never imports or calls anything "
                       "else a pickle names"));
}

Status Unpickler::stack_global() {
  auto name = pop(kStackGlobal);
  if (!name.ok()) return name.status();
  auto module = pop(kStackGlobal);
  if (!module.ok()) return module.status();
  if (value(name.value()).kind != Kind::string || value(module.value()).kind != Kind::string) {
    return op_error(kStackGlobal, "needs a module and a name as strings");
  }
  return global(value(module.value()).text, value(name.value()).text);
}

Status Unpickler::reduce() {
  auto args_index = pop(kReduce);
  if (!args_index.ok()) return args_index.status();
  auto callable_index = pop(kReduce);
  if (!callable_index.ok()) return callable_index.status();
  const Value& callable = value(callable_index.value());
  const Value& args = value(args_index.value());
  if (callable.kind != Kind::global) {
    return op_error(kReduce, str_cat("calls ", kind_name(callable.kind),
                                     "; only the allowed globals can be called"));
  }
  if (args.kind != Kind::tuple) return op_error(kReduce, "needs a tuple of arguments");
  const std::vector<uint32_t> items = args.items;  // value() references move as values grow
  switch (static_cast<Callable>(callable.number)) {
    case Callable::ordered_dict:
      if (!items.empty()) return op_error(kReduce, "of OrderedDict takes no arguments here");
      return push_new(Kind::dict);
    case Callable::rebuild_tensor_v2:
      return rebuild_tensor(items);
    case Callable::rebuild_parameter:
    case Callable::rebuild_parameter_with_state:
      // Parameter(tensor, requires_grad, hooks[, state]) is the tensor itself, for reading.
      if (items.size() < 3 || items.size() > 4 || value(items[0]).kind != Kind::tensor) {
        return op_error(kReduce, "of _rebuild_parameter needs (tensor, requires_grad, hooks)");
      }
      return push(items[0]);
    case Callable::storage_class:
      break;
  }
  return op_error(kReduce, "calls a storage class, which only a persistent id may name");
}

Result<std::vector<int64_t>> Unpickler::int_tuple(uint32_t index, const char* what) {
  const Value& v = value(index);
  if (v.kind != Kind::tuple || v.items.size() > kMaxDims) {
    return op_error(kReduce, str_cat("of _rebuild_tensor_v2: ", what,
                                     " must be a tuple of at "
                                     "most ",
                                     num(kMaxDims), " ints"));
  }
  std::vector<int64_t> out;
  for (uint32_t item : v.items) {
    if (value(item).kind != Kind::integer) {
      return op_error(kReduce, str_cat("of _rebuild_tensor_v2: ", what, " holds ",
                                       kind_name(value(item).kind), ", not an int"));
    }
    out.push_back(value(item).number);
  }
  return out;
}

// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks
// [, metadata]): only the first four say where the elements are.
Status Unpickler::rebuild_tensor(const std::vector<uint32_t>& args) {
  if (args.size() < 6 || args.size() > 7 || value(args[0]).kind != Kind::storage ||
      value(args[1]).kind != Kind::integer) {
    return op_error(kReduce,
                    "of _rebuild_tensor_v2 needs (storage, storage_offset, size, stride, "
                    "requires_grad, backward_hooks)");
  }
  Tensor t;
  t.storage = static_cast<uint32_t>(value(args[0]).number);
  t.storage_offset = value(args[1]).number;
  t.at = static_cast<uint32_t>(op_at_);
  auto shape = int_tuple(args[2], "size");
  if (!shape.ok()) return shape.status();
  auto stride = int_tuple(args[3], "stride");
  if (!stride.ok()) return stride.status();
  t.shape = std::move(shape).value();
  t.stride = std::move(stride).value();
  if (t.shape.size() != t.stride.size()) {
    return op_error(kReduce, "of _rebuild_tensor_v2: size and stride differ in length");
  }
  auto index = make(Kind::tensor);
  if (!index.ok()) return index.status();
  value(index.value()).number = static_cast<int64_t>(out_.tensors.size());
  out_.tensors.push_back(std::move(t));
  return push(index.value());
}

// BINPERSID: torch.save's ('storage', storage_class, key, location, numel) for each storage.
Status Unpickler::persistent_id() {
  auto pid = pop(kBinPersId);
  if (!pid.ok()) return pid.status();
  const Value& t = value(pid.value());
  const auto is = [&](size_t i, Kind k) { return value(t.items[i]).kind == k; };
  if (t.kind != Kind::tuple || t.items.size() != 5 || !is(0, Kind::string) ||
      value(t.items[0]).text != "storage" || !is(1, Kind::global) || !is(2, Kind::string) ||
      !is(3, Kind::string) || !is(4, Kind::integer) ||
      value(t.items[1]).number != static_cast<int64_t>(Callable::storage_class) ||
      value(t.items[4]).number < 0) {
    return op_error(kBinPersId,
                    "needs ('storage', torch.<Type>Storage, key, location, numel), as "
                    "torch.save writes it");
  }
  Storage s{value(t.items[1]).dtype, value(t.items[2]).text, value(t.items[4]).number};
  auto index = make(Kind::storage);
  if (!index.ok()) return index.status();
  value(index.value()).number = static_cast<int64_t>(out_.storages.size());
  out_.storages.push_back(s);
  return push(index.value());
}

Status Unpickler::stop() {
  if (!marks_.empty() || stack_.size() != 1) {
    return error(str_cat("STOP with ", num(stack_.size()), " values on the stack and ",
                         num(marks_.size()), " open MARKs; a pickle ends with one value"));
  }
  out_.root = stack_.back();
  stopped_ = true;
  return Status::Ok();
}

}  // namespace

Result<Pickle> unpickle(Bytes pkl) {
  return Unpickler(pkl).run();
}

}  // namespace hyv::engine::pickle
