// `hyv tokenize --tokenizer DIR` reads text on stdin and prints its token ids as a JSON array;
// with --decode it reads such an array and prints the text, byte for byte.
//
// --bench-repeat N (hidden, for bench/tokenizer.sh) encodes the input N times and reports MB/s on
// stderr; the ids are still printed so the benchmark can check them against its peer.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_flags.h"
#include "command_registry.h"
#include "file_io.h"
#include "hyv/json_nesting.h"
#include "tokenizer_files.h"

namespace hyv::cli {
namespace {

struct Flags {
  std::string dir;
  bool decode = false;
  int bench_repeat = 0;
};

void write_stdout(std::string_view bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() || std::fflush(stdout)) {
    throw Exit{1, "cannot write to stdout"};
  }
}

std::string ids_json(const std::vector<int32_t>& ids) {
  std::string out;
  out.reserve(ids.size() * 7 + 3);
  out += '[';
  char buf[16];
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ", ";
    auto r = std::to_chars(buf, buf + sizeof buf, ids[i]);
    out.append(buf, r.ptr);
  }
  out += "]\n";
  return out;
}

std::vector<int32_t> encode(const engine::BpeTokenizer& tok, const std::string& text, int repeat) {
  if (repeat <= 0) return tok.encode(text);
  std::vector<int32_t> ids;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) ids = tok.encode(text);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double mb = static_cast<double>(text.size()) * repeat / 1e6;
  std::fprintf(stderr, "hyv tokenize: %.2f MB x %d in %.3f s = %.1f MB/s (%zu tokens)\n",
               mb / repeat, repeat, seconds, mb / seconds, ids.size());
  return ids;
}

std::vector<int32_t> parse_ids(const std::string& json, const engine::BpeTokenizer& tok) {
  // RapidJSON recurses per level: a million '[' would overflow the stack.
  if (Status s = check_json_nesting(json, "stdin"); !s.ok()) throw Exit{1, s.message()};
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    throw Exit{1, "stdin: not valid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " +
                      rapidjson::GetParseError_En(doc.GetParseError())};
  }
  if (!doc.IsArray()) throw Exit{1, "stdin: expected a JSON array of token ids"};
  std::vector<int32_t> ids;
  ids.reserve(doc.Size());
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    const auto& v = doc[i];
    if (!v.IsInt()) throw Exit{1, "stdin: element " + std::to_string(i) + " is not an integer"};
    int id = v.GetInt();
    if (tok.token_bytes(id).empty()) {
      throw Exit{1, "stdin: element " + std::to_string(i) + ": id " + std::to_string(id) +
                        " is not in the vocabulary (" + std::to_string(tok.vocab_size()) + " ids)"};
    }
    ids.push_back(id);
  }
  return ids;
}

void run(const Flags& flags) {
  auto tok = native::load_tokenizer_dir(flags.dir);
  if (!tok.ok()) throw Exit{1, tok.status().message()};
  std::string input = native::read_stdin();
  if (flags.decode) {
    write_stdout(tok.value().decode(parse_ids(input, tok.value())));
  } else {
    write_stdout(ids_json(encode(tok.value(), input, flags.bench_repeat)));
  }
}

Registration reg("tokenize", [](CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand(
      "tokenize", "Text on stdin -> JSON array of token ids (or back, with --decode)");
  cmd->add_option("--tokenizer", flags->dir,
                  "Folder with vocab.json + merges.txt, or tokenizer.json")
      ->required();
  cmd->add_flag("--decode", flags->decode, "Read a JSON array of ids, print the text");
  cmd->add_option("--bench-repeat", flags->bench_repeat, "Encode N times, print MB/s on stderr")
      ->group("")
      ->transform(whole_number(0, 1000000));
  cmd->callback([flags] { run(*flags); });
});

}  // namespace
}  // namespace hyv::cli
