// The Candid library on examples from the Candid specification's test suite, subtyping rules and
// malformed messages. Parity with @dfinity/candid on random cases is in candid_parity_test.sh.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hyv/candid/decode.h"
#include "hyv/candid/encode.h"
#include "hyv/candid/principal.h"

namespace hyv::candid {
namespace {

// A string literal with its embedded NUL bytes, without the terminating one.
template <size_t N>
std::string_view lit(const char (&s)[N]) {
  return {s, N - 1};
}

Result<Message> decode(std::string_view s) {
  return decode_message(as_bytes(s));
}

std::vector<uint8_t> encode_one(const TypeTable& t, TypeRef type, const Value& v) {
  TypeRef types[] = {type};
  Value values[] = {v};
  auto r = encode_args(t, types, values);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r.value() : std::vector<uint8_t>{};
}

void expect_error(std::string_view msg, const std::string& fragment) {
  auto r = decode(msg);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
}

TEST(CandidTest, FieldHashMatchesDfinityCandid) {
  // Values from @dfinity/candid's idlLabelToId.
  EXPECT_EQ(field_hash("foo"), 5097222u);
  EXPECT_EQ(field_hash("bar"), 4895187u);
  EXPECT_EQ(field_hash("name"), 1224700491u);
  EXPECT_EQ(field_hash(""), 0u);
}

TEST(CandidTest, SpecPrimitiveExamples) {
  auto m = decode(lit("DIDL\0\0"));
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m.value().values.empty());

  auto nat = decode(lit("DIDL\0\1\x7d\x80\x01"));
  ASSERT_TRUE(nat.ok()) << nat.status().message();
  EXPECT_EQ(nat.value().values[0].big.to_decimal(), "128");

  auto padded = decode(lit("DIDL\0\1\x7d\x80\x00"));  // overlong LEB is allowed
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ(padded.value().values[0].big.to_decimal(), "0");

  auto neg = decode(lit("DIDL\0\1\x7c\x80\x7f"));
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ(neg.value().values[0].big.to_decimal(), "-128");

  auto text =
      decode(lit("DIDL\0\1\x71\x03"
                 "abc"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text.value().values[0].text, "abc");

  auto p = decode(lit("DIDL\0\1\x68\x01\x03\xca\xff\xee"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value().values[0].principal, (std::vector<uint8_t>{0xca, 0xff, 0xee}));

  auto i8 = decode(lit("DIDL\0\1\x77\xff"));
  ASSERT_TRUE(i8.ok());
  EXPECT_EQ(i8.value().values[0].as_i64(), -1);
}

TEST(CandidTest, PrincipalText) {
  // From the Candid specification's test suite and the IC interface specification.
  EXPECT_EQ(principal_to_text({}), "aaaaa-aa");
  EXPECT_EQ(principal_to_text({0xca, 0xff, 0xee}), "w7x7r-cok77-xa");
  EXPECT_EQ(principal_to_text({0xef, 0xcd, 0xab, 0, 0, 0, 0, 0, 1}), "2chl6-4hpzw-vqaaa-aaaaa-c");
  EXPECT_EQ(principal_to_text({0x04}), "2vxsx-fae");  // the anonymous principal
  auto p = principal_from_text("2chl6-4hpzw-vqaaa-aaaaa-c");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p.value(), (std::vector<uint8_t>{0xef, 0xcd, 0xab, 0, 0, 0, 0, 0, 1}));
  EXPECT_FALSE(principal_from_text("w7x7r-cok77-xb").ok());  // checksum
  EXPECT_FALSE(principal_from_text("w7x7rcok77xa").ok());    // grouping
  EXPECT_FALSE(principal_from_text("w7x7r-cok77-x!").ok());
  EXPECT_FALSE(principal_from_text("").ok());
}

TEST(CandidTest, BigIntegersRoundTrip) {
  TypeTable t;
  for (const char* s : {"0", "1", "127", "128", "18446744073709551616",
                        "340282366920938463463374607431768211457"}) {
    auto b = BigInt::from_decimal(s);
    ASSERT_TRUE(b.ok());
    auto enc = encode_one(t, prim(Op::Nat), Value::nat(b.value()));
    auto dec = decode_message(enc);
    ASSERT_TRUE(dec.ok()) << dec.status().message();
    EXPECT_EQ(dec.value().values[0].big.to_decimal(), s);
  }
  for (const char* s : {"0", "-1", "63", "64", "-64", "-65", "-128", "-129",
                        "-18446744073709551616", "170141183460469231731687303715884105728"}) {
    auto b = BigInt::from_decimal(s);
    ASSERT_TRUE(b.ok());
    auto enc = encode_one(t, prim(Op::Int), Value::int_(b.value()));
    auto dec = decode_message(enc);
    ASSERT_TRUE(dec.ok()) << dec.status().message();
    EXPECT_EQ(dec.value().values[0].big.to_decimal(), s);
  }
  // SLEB128 from the spec: -64 is one byte 0x40, -65 needs two.
  auto enc = encode_one(t, prim(Op::Int), Value::int_(BigInt::from_i64(-65)));
  EXPECT_EQ(std::vector<uint8_t>(enc.begin() + 7, enc.end()), (std::vector<uint8_t>{0xbf, 0x7f}));
  EXPECT_FALSE(BigInt::from_decimal("12a").ok());
}

TEST(CandidTest, RecursiveTypeRoundTrips) {
  TypeTable t;
  TypeRef list = t.reserve();
  TypeRef cell = t.record({field("head", prim(Op::Nat)), field("tail", list)});
  ASSERT_TRUE(t.define(list, TypeNode::opt(cell)).ok());
  Value v = Value::none();
  for (int i = 0; i < 5; ++i) {
    v = Value::some(Value::record({field_hash("head"), field_hash("tail")},
                                  {Value::nat(BigInt::from_u64(i)), v}));
  }
  auto enc = encode_one(t, list, v);
  auto dec = decode_args(enc, t, std::vector<TypeRef>{list});
  ASSERT_TRUE(dec.ok()) << dec.status().message();
  EXPECT_EQ(dec.value()[0], v);
}

TEST(CandidTest, SubtypingRules) {
  TypeTable from;
  TypeRef rec = from.record({field("a", prim(Op::Nat)), field("b", prim(Op::Text))});
  Value v = Value::record({field_hash("a"), field_hash("b")},
                          {Value::nat(BigInt::from_u64(7)), Value::text_("hi")});
  if (field_hash("a") > field_hash("b"))
    std::swap(v.ids[0], v.ids[1]), std::swap(v.items[0], v.items[1]);
  auto msg = encode_one(from, rec, v);

  TypeTable to;  // drops a, reads b, adds an opt field c that the sender does not know
  TypeRef opt_nat = to.opt(prim(Op::Nat));
  TypeRef want = to.record({field("b", prim(Op::Text)), field("c", opt_nat)});
  auto r = decode_args(msg, to, std::vector<TypeRef>{want});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value()[0].field(field_hash("b"))->text, "hi");
  EXPECT_EQ(*r.value()[0].field(field_hash("c")), Value::none());

  TypeTable strict;  // a missing non-opt field is an error
  TypeRef need = strict.record({field("d", prim(Op::Nat))});
  EXPECT_FALSE(decode_args(msg, strict, std::vector<TypeRef>{need}).ok());

  TypeTable widen;  // nat read as int; a mismatching opt becomes null; reserved takes anything
  TypeRef opt_bool = widen.opt(prim(Op::Bool));
  TypeRef w = widen.record({field("a", prim(Op::Int)), field("b", opt_bool)});
  auto wr = decode_args(msg, widen, std::vector<TypeRef>{w, opt_bool, prim(Op::Reserved)});
  ASSERT_TRUE(wr.ok()) << wr.status().message();
  EXPECT_EQ(wr.value()[0].field(field_hash("a"))->kind, Op::Int);
  EXPECT_EQ(*wr.value()[0].field(field_hash("b")), Value::none());
  EXPECT_EQ(wr.value()[1], Value::none());  // missing argument of opt type
  EXPECT_EQ(wr.value()[2], Value::reserved());

  TypeTable special;  // a plain text where opt text is expected becomes some
  auto text_msg =
      decode(lit("DIDL\0\1\x71\x02"
                 "ok"));
  ASSERT_TRUE(text_msg.ok());
  TypeRef opt_text = special.opt(prim(Op::Text));
  auto sr = decode_args(as_bytes(lit("DIDL\0\1\x71\x02"
                                     "ok")),
                        special, std::vector<TypeRef>{opt_text});
  ASSERT_TRUE(sr.ok());
  EXPECT_EQ(sr.value()[0], Value::some(Value::text_("ok")));
  EXPECT_FALSE(decode_args(as_bytes(lit("DIDL\0\1\x71\x02"
                                        "ok")),
                           special, std::vector<TypeRef>{prim(Op::Nat)})
                   .ok());
}

TEST(CandidTest, SubtypeRelation) {
  TypeTable a;
  TypeRef list_a = a.reserve();  // μl. opt record { head : nat; tail : l }
  ASSERT_TRUE(a.define(list_a, TypeNode::opt(
                                   a.record({field("head", prim(Op::Nat)), field("tail", list_a)})))
                  .ok());
  TypeTable b;
  TypeRef list_b = b.reserve();  // μl. opt record { head : int; tail : l }
  ASSERT_TRUE(b.define(list_b, TypeNode::opt(
                                   b.record({field("head", prim(Op::Int)), field("tail", list_b)})))
                  .ok());
  EXPECT_TRUE(is_subtype(a, list_a, b, list_b));
  EXPECT_TRUE(is_subtype(b, list_b, a, list_a));  // opt accepts anything, as null when unfit
  TypeRef vec_a = a.vec(list_a), vec_b = b.vec(list_b);
  TypeRef vec_text = b.vec(prim(Op::Text));
  EXPECT_TRUE(is_subtype(a, vec_a, b, vec_b));
  EXPECT_FALSE(is_subtype(a, vec_a, b, vec_text));
  EXPECT_FALSE(is_subtype(a, prim(Op::Int), b, prim(Op::Nat)));
  EXPECT_TRUE(is_subtype(a, prim(Op::Empty), b, prim(Op::Nat)));

  // Services whose methods take or return the service itself: the check terminates through
  // contravariant recursion, and a self-argument makes the relation invariant.
  auto service = [](TypeTable& t, Op arg, bool self_arg) {
    TypeRef s = t.reserve();
    TypeNode f;
    f.op = Op::Func;
    f.args = {prim(arg)};
    if (self_arg) f.args.push_back(s);
    f.results = {s};
    TypeRef fn = t.add(f);
    TypeNode sn;
    sn.op = Op::Service;
    sn.methods = {Method{"a", fn}, Method{"b", fn}, Method{"c", fn}};
    EXPECT_TRUE(t.define(s, sn).ok());
    return s;
  };
  TypeTable c, d;
  TypeRef sc = service(c, Op::Int, false), sd = service(d, Op::Nat, false);
  EXPECT_TRUE(is_subtype(c, sc, d, sd));   // takes int where nat is offered: fine
  EXPECT_FALSE(is_subtype(d, sd, c, sc));  // takes only nat where int may come: not
  TypeRef sc2 = service(c, Op::Int, true), sd2 = service(d, Op::Nat, true);
  EXPECT_FALSE(is_subtype(c, sc2, d, sd2));
  EXPECT_FALSE(is_subtype(d, sd2, c, sc2));
  EXPECT_TRUE(is_subtype(c, sc2, c, sc2));
  // Inside an opt an empty vec of the wrong element type is null, as the types decide.
  TypeTable w;
  TypeRef vt = w.vec(prim(Op::Text));
  auto msg = encode_one(w, w.opt(vt), Value::some(Value::vec({})));
  TypeTable r;
  TypeRef want = r.opt(r.vec(prim(Op::Nat)));
  auto got = decode_args(msg, r, std::vector<TypeRef>{want});
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(got.value()[0], Value::none());
}

TEST(CandidTest, VariantCaseUnknownToReceiverIsAnError) {
  TypeTable from;
  TypeRef var = from.variant({field("ok", prim(Op::Nat)), field("err", prim(Op::Text))});
  auto msg = encode_one(from, var, Value::variant(field_hash("err"), Value::text_("x")));
  TypeTable to;
  TypeRef only_ok = to.variant({field("ok", prim(Op::Nat))});
  auto r = decode_args(msg, to, std::vector<TypeRef>{only_ok});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("variant case"), std::string::npos);
  TypeRef opt_ok = to.opt(only_ok);  // inside opt the failure becomes null
  auto o = decode_args(msg, to, std::vector<TypeRef>{opt_ok});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.value()[0], Value::none());
}

TEST(CandidTest, MalformedMessagesAreRejectedWithOffsets) {
  expect_error(lit("DIDA\0\0"), "byte 0: missing the \"DIDL\"");
  expect_error(lit("DIDL\0\1\x7e\x02"), "byte 7: bool byte 2");
  expect_error(lit("DIDL\0\1\x71\x02\xc3\x28"), "not valid UTF-8");
  expect_error(lit("DIDL\0\1\x71\x03\xed\xa0\x80"),
               "not valid UTF-8");  // surrogate
  expect_error(lit("DIDL\1\x7f\1\0"), "not a constructed type");
  expect_error(lit("DIDL\0\1\0"), "out of range");
  expect_error(lit("DIDL\1\x6c\2\1\x7f\0\x7f\1\0"), "not greater than the previous");
  expect_error(lit("DIDL\1\x6d\x7d\1\0\xff\xff\xff\xff\x0f"), "byte 9: vec of 4294967295");
  expect_error(lit("DIDL\1\x6d\x7f\1\0\xff\xff\xff\xff\x0f"), "vec of 4294967295");
  expect_error(lit("DIDL\0\1\x68\x01\x1e"), "principal of 30 bytes");
  expect_error(lit("DIDL\0\1\x68\x00"), "opaque");
  expect_error(lit("DIDL\0\1\x7f\x00"), "1 bytes left after the values");
  expect_error(lit("DIDL\1\x6b\1\0\x7f\1\0\x01"), "variant index 1");
  expect_error(lit("DIDL\0\1\x7d\x80"), "runs past the end");
  expect_error(lit("DIDL\0\1\x6f"), "empty");
  expect_error(lit("DIDL\0\1\x71\x05"
                   "ab"),
               "text byte count 5 exceeds");
  expect_error(lit("DIDL\0\xff\xff\xff\xff\x0f"), "argument count");
  // A record that contains itself has no finite value: the decoder stops at the end or the depth.
  auto self = decode(lit("DIDL\1\x6c\1\0\0\1\0"));
  EXPECT_FALSE(self.ok());
  // vec null of a few elements is fine: such elements take no bytes.
  auto nulls = decode(lit("DIDL\1\x6d\x7f\1\0\x0a"));
  ASSERT_TRUE(nulls.ok()) << nulls.status().message();
  EXPECT_EQ(nulls.value().values[0].items.size(), 10u);
}

TEST(CandidTest, BlobsAreBytesNotValues) {
  TypeTable t;
  TypeRef blob = t.vec(prim(Op::Nat8));
  auto a = encode_one(t, blob, Value::blob_({1, 2, 255}));
  auto b = encode_one(t, blob,
                      Value::vec({Value::fixed(Op::Nat8, 1), Value::fixed(Op::Nat8, 2),
                                  Value::fixed(Op::Nat8, 255)}));
  EXPECT_EQ(a, b);
  auto d = decode_message(a);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value().values[0].blob, (std::vector<uint8_t>{1, 2, 255}));
  TypeTable wider;  // read as vec opt nat8: one value per byte again
  TypeRef vec_opt = wider.vec(wider.opt(prim(Op::Nat8)));
  auto w = decode_args(a, wider, std::vector<TypeRef>{vec_opt});
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_EQ(w.value()[0].items.size(), 3u);
  EXPECT_EQ(w.value()[0].items[2], Value::some(Value::fixed(Op::Nat8, 255)));
}

TEST(CandidTest, ValueCountIsLimited) {
  TypeTable t;
  TypeRef v16 = t.vec(prim(Op::Nat16));
  std::vector<Value> items(100, Value::fixed(Op::Nat16, 7));
  auto msg = encode_one(t, v16, Value::vec(items));
  DecodeOptions small;
  small.max_values = 50;
  auto r = decode_message(msg, small);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exceeds the value limit"), std::string::npos);
  EXPECT_TRUE(decode_message(msg).ok());
}

TEST(CandidTest, DepthIsLimited) {
  auto nested = [](int n) {
    std::string s("DIDL\1\x6e\0\1\0", 9);  // type 0 = opt 0
    s.append(static_cast<size_t>(n), '\1');
    s.push_back('\0');
    return s;
  };
  EXPECT_TRUE(decode(nested(100)).ok());
  auto deep = decode(nested(10000));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("deeper than 128"), std::string::npos);
}

TEST(CandidTest, EncoderRejectsValuesThatDoNotFitTheType) {
  TypeTable t;
  TypeRef rec = t.record({field("a", prim(Op::Nat))});
  TypeRef types[] = {rec};
  Value wrong[] = {Value::record({field_hash("b")}, {Value::nat(BigInt{})})};
  auto r = encode_args(t, types, wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("missing record field"), std::string::npos);
  Value text[] = {Value::text_("x")};
  EXPECT_FALSE(encode_args(t, types, text).ok());
  TypeTable unfinished;
  TypeRef slot = unfinished.reserve();
  TypeRef st[] = {slot};
  Value none[] = {Value::none()};
  EXPECT_FALSE(encode_args(unfinished, st, none).ok());
}

// Mutated valid messages: the decoder must answer ok or an error, never crash or hang (run this
// binary under ASan/UBSan to check for undefined behaviour too).
TEST(CandidTest, MutatedMessagesNeverCrash) {
  TypeTable t;
  TypeRef list = t.reserve();
  TypeRef cell = t.record({field("head", prim(Op::Int)), field("tail", list)});
  ASSERT_TRUE(t.define(list, TypeNode::opt(cell)).ok());
  TypeRef var = t.variant({field("a", prim(Op::Text)), field("b", t.vec(prim(Op::Float64))),
                           field("c", prim(Op::Principal))});
  TypeRef vec = t.vec(var);
  Value l = Value::none();
  for (int i = 0; i < 3; ++i) {
    l = Value::some(Value::record({field_hash("head"), field_hash("tail")},
                                  {Value::int_(BigInt::from_i64(-1000 * i)), l}));
    if (field_hash("head") > field_hash("tail")) std::swap(l.items[0].ids[0], l.items[0].ids[1]);
  }
  Value vs = Value::vec({Value::variant(field_hash("a"), Value::text_("héllo")),
                         Value::variant(field_hash("b"), Value::vec({Value::float64(1.5)})),
                         Value::variant(field_hash("c"), Value::principal_({1, 2, 3}))});
  TypeRef types[] = {list, vec};
  Value values[] = {l, vs};
  auto base = encode_args(t, types, values);
  ASSERT_TRUE(base.ok()) << base.status().message();
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  int rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> m = base.value();
    for (uint32_t k = next() % 3 + 1; k > 0; --k)
      m[next() % m.size()] = static_cast<uint8_t>(next() >> 24);
    if (next() % 4 == 0) m.resize(next() % m.size());
    auto r = decode_args(m, t, types);
    if (!r.ok()) {
      ++rejected;
      EXPECT_NE(r.status().message().find("candid"), std::string::npos);
    }
  }
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace hyv::candid
