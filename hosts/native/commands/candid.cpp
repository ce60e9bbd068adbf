// `hyv candid` (hidden, for tests/candid/candid_parity_test.sh): reads one hex Candid message per
// stdin line, optionally followed by a space and a second hex message whose argument types are the
// expected types (its values are ignored). For each line it prints one JSON object: the decoded
// values in a canonical form (integers as decimal strings, floats as "f:" + the hex bits of the
// float64, principals as "p:" + hex + ":" + text form, opt as [] or [v], records and variants as
// objects keyed by field id) and the values re-encoded by our encoder; or the decoder's error.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "hyv/candid/decode.h"
#include "hyv/candid/encode.h"
#include "hyv/candid/principal.h"

namespace hyv::cli {
namespace {

using candid::Op;
using candid::Value;

std::string hex(const std::vector<uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

bool unhex(const std::string& s, std::vector<uint8_t>& out) {
  if (s.size() % 2) return false;
  auto nib = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  for (size_t i = 0; i < s.size(); i += 2) {
    int hi = nib(s[i]), lo = nib(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<uint8_t>(hi * 16 + lo));
  }
  return true;
}

void json_string(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void json(std::string& out, const Value& v) {
  switch (v.kind) {
    case Op::Null:
    case Op::Reserved:
    case Op::Empty:
      out += "null";
      return;
    case Op::Bool:
      out += v.boolean ? "true" : "false";
      return;
    case Op::Nat:
    case Op::Int:
      json_string(out, v.big.to_decimal());
      return;
    case Op::Nat8:
    case Op::Nat16:
    case Op::Nat32:
    case Op::Nat64:
      json_string(out, std::to_string(v.bits));
      return;
    case Op::Int8:
    case Op::Int16:
    case Op::Int32:
    case Op::Int64:
      json_string(out, std::to_string(v.as_i64()));
      return;
    case Op::Float32:
    case Op::Float64: {
      uint64_t bits;
      std::memcpy(&bits, &v.real, 8);
      char buf[24];
      std::snprintf(buf, sizeof buf, "\"f:%016llx\"", static_cast<unsigned long long>(bits));
      out += buf;
      return;
    }
    case Op::Text:
      json_string(out, v.text);
      return;
    case Op::Principal:
    case Op::Service:
      json_string(out, "p:" + hex(v.principal) + ":" + candid::principal_to_text(v.principal));
      return;
    case Op::Func:
      json_string(out, "p:" + hex(v.principal) + "." + v.text);
      return;
    case Op::Opt:
    case Op::Vec:
      if (v.items.empty() && !v.blob.empty()) {
        out += '[';
        for (size_t i = 0; i < v.blob.size(); ++i) {
          out += i ? ",\"" : "\"";
          out += std::to_string(v.blob[i]) + "\"";
        }
        out += ']';
        return;
      }
      out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        json(out, v.items[i]);
      }
      out += ']';
      return;
    case Op::Record:
    case Op::Variant:
      out += '{';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        json_string(out, std::to_string(v.ids[i]));
        out += ':';
        json(out, v.items[i]);
      }
      out += '}';
      return;
  }
}

std::string error_line(const std::string& message) {
  std::string out = "{\"ok\":false,\"error\":";
  json_string(out, message);
  return out + "}";
}

std::string process(const std::string& line) {
  size_t space = line.find(' ');
  std::vector<uint8_t> msg, types;
  if (!unhex(line.substr(0, space), msg)) return error_line("not hex");
  if (space != std::string::npos && !unhex(line.substr(space + 1), types)) {
    return error_line("expected types: not hex");
  }
  auto wire = candid::decode_message(msg);
  if (!wire.ok()) return error_line(wire.status().message());
  candid::TypeTable table = wire.value().table;
  std::vector<candid::TypeRef> refs = wire.value().types;
  std::vector<Value> values = wire.value().values;
  if (!types.empty()) {
    auto expected = candid::decode_message(types);
    if (!expected.ok()) return error_line("expected types: " + expected.status().message());
    table = expected.value().table;
    refs = expected.value().types;
    auto coerced = candid::decode_args(msg, table, refs);
    if (!coerced.ok()) return error_line(coerced.status().message());
    values = std::move(coerced).value();
  }
  auto encoded = candid::encode_args(table, refs, values);
  if (!encoded.ok()) return error_line("re-encode: " + encoded.status().message());
  std::string out = "{\"ok\":true,\"values\":[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    json(out, values[i]);
  }
  return out + "],\"hex\":\"" + hex(encoded.value()) + "\"}";
}

Registration reg("candid", [](CLI::App& app) {
  auto* cmd = app.add_subcommand("candid", "Decode and re-encode hex Candid messages (test tool)");
  cmd->group("");  // hidden: a development tool for the parity tests
  cmd->callback([] {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      std::string out = process(line) + "\n";
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
        throw Exit{1, "cannot write to stdout"};
      }
    }
    std::fflush(stdout);
  });
});

}  // namespace
}  // namespace hyv::cli
