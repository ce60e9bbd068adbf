// Candid's subtype relation on types (the spec's `t <: t'`), coinductive so recursive types work:
// a pair of table entries under comparison is assumed to hold until shown otherwise.
#include <map>
#include <tuple>

#include "hyv/candid/decode.h"

namespace hyv::candid {
namespace {

bool nullish(Op op) {
  return op == Op::Null || op == Op::Opt || op == Op::Reserved;
}

class Subtyper {
 public:
  Subtyper(const TypeTable& a, const TypeTable& b, size_t max_depth)
      : a_(a), b_(b), max_depth_(max_depth) {}

  // `t` (in the sender's table, or the receiver's when `rev`) <: `u` (in the other table).
  bool check(TypeRef t, TypeRef u, size_t depth, bool rev = false) {
    if (depth > max_depth_) return false;
    Op to = from(rev).op(t), uo = to_table(rev).op(u);
    if (uo == Op::Reserved || to == Op::Empty) return true;
    if (uo == Op::Opt) return true;  // anything reads as opt, as null when it does not fit
    if (to == Op::Nat && uo == Op::Int) return true;
    if (to != uo) return false;
    if (!t.is_index()) return true;  // equal primitives
    auto key = std::make_tuple(rev, t.code, u.code);
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    memo_[key] = true;  // coinductive assumption
    bool ok = constructed(from(rev).node(t), to_table(rev).node(u), depth, rev);
    memo_[key] = ok;
    return ok;
  }

 private:
  const TypeTable& from(bool rev) const { return rev ? b_ : a_; }
  const TypeTable& to_table(bool rev) const { return rev ? a_ : b_; }

  bool constructed(const TypeNode& t, const TypeNode& u, size_t depth, bool rev) {
    switch (t.op) {
      case Op::Vec:
        return check(t.inner, u.inner, depth + 1, rev);
      case Op::Record: {
        for (const Field& want : u.fields) {
          const Field* have = find(t.fields, want.id);
          if (have ? !check(have->type, want.type, depth + 1, rev)
                   : !nullish(to_table(rev).op(want.type))) {
            return false;
          }
        }
        return true;
      }
      case Op::Variant: {
        for (const Field& have : t.fields) {
          const Field* want = find(u.fields, have.id);
          if (!want || !check(have.type, want->type, depth + 1, rev)) return false;
        }
        return true;
      }
      case Op::Func:
        // Arguments are contravariant, results covariant; both compare like tuples.
        return t.modes == u.modes && tuple(u.args, t.args, depth, !rev) &&
               tuple(t.results, u.results, depth, rev);
      case Op::Service: {
        for (const Method& want : u.methods) {
          const Method* have = nullptr;
          for (const Method& m : t.methods) {
            if (m.name == want.name) have = &m;
          }
          if (!have || !check(have->type, want.type, depth + 1, rev)) return false;
        }
        return true;
      }
      default:
        return true;
    }
  }

  static const Field* find(const std::vector<Field>& fields, uint32_t id) {
    for (const Field& f : fields) {
      if (f.id == id) return &f;
    }
    return nullptr;
  }

  // `have` <: `want` as tuples: extra entries of `have` are ignored, missing ones must be nullish.
  bool tuple(const std::vector<TypeRef>& have, const std::vector<TypeRef>& want, size_t depth,
             bool rev) {
    for (size_t i = 0; i < want.size(); ++i) {
      if (i < have.size() ? !check(have[i], want[i], depth + 1, rev)
                          : !nullish(to_table(rev).op(want[i]))) {
        return false;
      }
    }
    return true;
  }

  const TypeTable& a_;
  const TypeTable& b_;
  size_t max_depth_;
  std::map<std::tuple<bool, int32_t, int32_t>, bool> memo_;
};

}  // namespace

bool is_subtype(const TypeTable& from_table, TypeRef from, const TypeTable& to_table, TypeRef to,
                size_t max_depth) {
  if (!from_table.valid(from) || !to_table.valid(to)) return false;
  return Subtyper(from_table, to_table, max_depth).check(from, to, 0);
}

}  // namespace hyv::candid
