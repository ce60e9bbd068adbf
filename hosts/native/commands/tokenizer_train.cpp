// `hyv tokenizer train --vocab-size N -o DIR FILE...` learns a byte-level BPE vocabulary from the
// files and writes it as a Hugging Face tokenizer folder (vocab.json, merges.txt, tokenizer.json)
// that `hyv tokenize --tokenizer DIR` and model folders read. Progress goes to stderr.
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "cli_flags.h"
#include "command_registry.h"
#include "file_io.h"
#include "hyv/bytes.h"
#include "hyv/engine/bpe_trainer.h"
#include "tokenizer_files.h"

namespace hyv::cli {
namespace {

struct Flags {
  int vocab_size = 8192;
  int64_t min_count = 2;
  std::string out_dir;
  std::vector<std::string> files;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void run(const Flags& flags) {
  auto start = std::chrono::steady_clock::now();
  engine::BpeTrainerOptions options;
  options.vocab_size = flags.vocab_size;
  options.min_pair_count = flags.min_count;
  options.on_progress = [](int done, int target) {
    std::fprintf(stderr, "\rhyv tokenizer: %d/%d merges", done, target);
  };
  engine::BpeTrainer trainer(options);
  uint64_t bytes = 0;
  for (const std::string& path : flags.files) {
    auto text = native::read_file(path);
    if (!text.ok()) throw Exit{1, text.status().message()};
    bytes += text.value().size();
    trainer.add_text(hyv::as_string_view(text.value()));
  }
  std::fprintf(stderr,
               "hyv tokenizer: %.1f MB in %zu file(s): %llu words, %llu distinct (%.1f s)\n",
               static_cast<double>(bytes) / 1e6, flags.files.size(),
               static_cast<unsigned long long>(trainer.words_counted()),
               static_cast<unsigned long long>(trainer.unique_words()), seconds_since(start));
  auto tok = trainer.train();
  std::fprintf(stderr, "\n");
  if (!tok.ok()) throw Exit{1, tok.status().message()};
  Status saved = native::save_tokenizer_dir(tok.value(), flags.out_dir);
  if (!saved.ok()) throw Exit{1, saved.message()};
  std::fprintf(stderr,
               "hyv tokenizer: wrote %s/{vocab.json,merges.txt,tokenizer.json}: %d tokens "
               "(%.1f s)\n",
               flags.out_dir.c_str(), tok.value().vocab_size(), seconds_since(start));
}

Registration reg("tokenizer", [](CLI::App& app) {
  auto flags = std::make_shared<Flags>();
  auto* group = app.add_subcommand("tokenizer", "Byte-level BPE tokenizers");
  group->require_subcommand(1);
  auto* train = group->add_subcommand(
      "train", "Learn a byte-level BPE vocabulary (GPT-2 style) from text files");
  train
      ->add_option("--vocab-size", flags->vocab_size,
                   "Tokens in the result: 256 bytes + merges + <|endoftext|>")
      ->capture_default_str()
      ->transform(whole_number(257, 1 << 24));
  train->add_option("--min-count", flags->min_count, "Stop early when no pair occurs this often")
      ->capture_default_str()
      ->transform(whole_number(1, std::numeric_limits<int64_t>::max()));
  train->add_option("-o,--output", flags->out_dir, "Folder to write the tokenizer files to")
      ->required();
  train->add_option("files", flags->files, "Text files to learn from")->required();
  train->callback([flags] { run(*flags); });
});

}  // namespace
}  // namespace hyv::cli
