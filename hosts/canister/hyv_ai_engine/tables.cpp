#include "tables.h"

#include <algorithm>
#include <map>
#include <memory>

#include "hyv/sha256.h"
#include "hyv/synth/copula_model.h"
#include "hyv/synth/copula_sample.h"
#include "hyv/synth/schema.h"
#include "hyv/synth/table_generator.h"
#include "hyv/synth/table_writer.h"
#include "loaded_models.h"
#include "sessions.h"

namespace hyv::canister {
namespace {

// Rows per generator step or sampler batch before the budget is asked again; small enough that
// even rows with generated_text cells (a model generation each) keep a step well inside a call.
constexpr uint64_t kRowsPerStepPlain = 256;
constexpr uint64_t kRowsPerStepText = 1;

struct Job {
  std::vector<uint8_t> owner;
  uint64_t last_used_ns = 0;
  TableParams params;  // spec cleared once parsed
  std::string spec_sha256;
  std::string table_name;
  std::vector<uint8_t> page;  // bytes the writer flushed during the current call
  std::unique_ptr<synth::RowSink> writer;
  // Schema jobs.
  std::vector<std::shared_ptr<const LoadedModelEntry>> text_models;  // kept alive for the job
  std::unique_ptr<synth::TableGenerator> generator;
  int table_index = 0;
  uint64_t rows_per_step = kRowsPerStepPlain;
  // Copula jobs.
  std::unique_ptr<synth::CopulaSampler> sampler;
  std::vector<synth::Value> row;
  uint64_t rows_done = 0;
  bool finished = false;
};

struct Jobs {
  uint64_t next_id = 1;
  std::map<uint64_t, std::unique_ptr<Job>> jobs;
};

Jobs& jobs() {
  static auto* j = new Jobs;
  return *j;
}

void expire_idle(uint64_t now_ns) {
  auto& j = jobs().jobs;
  for (auto it = j.begin(); it != j.end();) {
    it = now_ns - it->second->last_used_ns > kSessionIdleNs ? j.erase(it) : std::next(it);
  }
}

std::string hex(std::span<const uint8_t> bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

Status check_params(const TableParams& p) {
  if (p.spec.empty()) return Status::Error("the schema or model JSON must not be empty");
  if (p.spec.size() > kMaxTableSpecBytes) {
    return Status::Error("the schema or model JSON is " + std::to_string(p.spec.size()) +
                         " bytes; at most " + std::to_string(kMaxTableSpecBytes) + " are taken");
  }
  if (!synth::parse_table_format(p.format)) {
    return Status::Error("format \"" + p.format + "\": expected csv, json or jsonl");
  }
  if (p.source == TableParams::Source::copula && !p.rows) {
    return Status::Error("rows is required to sample from a copula model");
  }
  if (p.source == TableParams::Source::schema && !p.where.empty()) {
    return Status::Error("where conditions apply to copula models only");
  }
  return Status::Ok();
}

Status start_schema(Job& job) {
  const TableParams& p = job.params;
  auto parsed = synth::parse_schema(p.spec);
  if (!parsed.ok()) return parsed.status().with_context("schema");
  synth::Schema schema = std::move(parsed).value();
  if (p.table.empty()) {
    if (schema.tables.size() != 1) {
      std::string names;
      for (const auto& t : schema.tables) names += (names.empty() ? "" : ", ") + t.name;
      return Status::Error("the schema has " + std::to_string(schema.tables.size()) +
                           " tables: name the one to return in `table` (" + names + ")");
    }
  } else {
    job.table_index = schema.find_table(p.table);
    if (job.table_index < 0) {
      return Status::Error("table \"" + p.table + "\": the schema has no such table");
    }
  }
  job.table_name = schema.tables[static_cast<size_t>(job.table_index)].name;
  synth::GeneratorOptions options;
  options.seed = p.seed;
  if (p.rows) options.rows = static_cast<int64_t>(*p.rows);
  // generated_text columns write with the loaded model of the name they give.
  for (const auto& t : schema.tables) {
    for (const auto& c : t.columns) {
      if (c.type != synth::ColumnType::generated_text || options.text_models.find(c.text->model)) {
        continue;
      }
      std::shared_ptr<const LoadedModelEntry> m = find_loaded(c.text->model);
      if (m == nullptr && pending_load(c.text->model)) {
        return Status::Error(c.path + ": model '" + c.text->model +
                             "' is being loaded: call model_load again until it returns Ok");
      }
      if (m == nullptr) {
        return Status::Error(c.path + ": model '" + c.text->model +
                             "' is not loaded: call model_load first");
      }
      options.text_models.models.push_back({c.text->model, &m->model.model, &m->model.tokenizer});
      job.text_models.push_back(std::move(m));
      job.rows_per_step = kRowsPerStepText;
    }
  }
  std::vector<synth::RowSink*> sinks(schema.tables.size(), nullptr);
  sinks[static_cast<size_t>(job.table_index)] = job.writer.get();
  auto generator = synth::TableGenerator::create(std::move(schema), options, sinks);
  if (!generator.ok()) return generator.status().with_context("schema");
  job.generator = std::move(generator).value();
  return Status::Ok();
}

Status start_copula(Job& job) {
  const TableParams& p = job.params;
  auto model = synth::parse_copula_model(p.spec, "model");
  if (!model.ok()) return model.status();
  std::vector<synth::WhereCondition> where;
  for (const std::string& w : p.where) {
    auto parsed = synth::parse_where(w);
    if (!parsed.ok()) return parsed.status();
    where.push_back(std::move(parsed).value());
  }
  synth::SampleFormat format;
  format.typed_values = p.format != "csv";
  auto sampler = synth::CopulaSampler::create(std::move(model).value(), where, p.seed, format);
  if (!sampler.ok()) return sampler.status();
  job.sampler = std::move(sampler).value();
  job.row.resize(job.sampler->column_names().size());
  return job.writer->begin(job.sampler->column_names());
}

// One batch of rows: false when the job is complete.
// Rows generated so far, all tables together (a schema's child rows count too).
uint64_t rows_generated(const Job& job) {
  if (!job.generator) return job.rows_done;
  uint64_t n = 0;
  for (size_t t = 0; t < job.generator->schema().tables.size(); ++t) {
    n += job.generator->rows_written(static_cast<int>(t));
  }
  return n;
}

// Rows for the next batch: at most `limit`, and no more than the page has room for at the
// bytes per row seen so far, so wide rows cannot push a reply past the IC's 2 MiB.
uint64_t batch_rows(const Job& job, uint64_t limit) {
  const uint64_t rows = rows_generated(job);
  const uint64_t flushed = job.writer->bytes_flushed();
  if (rows == 0 || flushed == 0 || job.page.size() >= kTablePageBytes) return limit;
  const uint64_t per_row = std::max<uint64_t>(1, flushed / rows);
  return std::clamp<uint64_t>((kTablePageBytes - job.page.size()) / per_row, 1, limit);
}

Status run_batch(Job& job) {
  if (job.generator) {
    HYV_RETURN_IF_ERROR(job.generator->step(batch_rows(job, job.rows_per_step)));
    job.finished = job.generator->done();
    return Status::Ok();
  }
  const uint64_t end =
      std::min(*job.params.rows, job.rows_done + batch_rows(job, kRowsPerStepPlain));
  for (; job.rows_done < end; ++job.rows_done) {
    HYV_RETURN_IF_ERROR(job.sampler->next_row(job.row));
    HYV_RETURN_IF_ERROR(job.writer->write_row(job.row));
  }
  if (job.rows_done == *job.params.rows) {
    HYV_RETURN_IF_ERROR(job.writer->finish());
    job.finished = true;
  }
  return Status::Ok();
}

Result<TablePage> run_job(uint64_t id, Job& job, uint64_t now_ns) {
  CallBudget budget(kUpdateInstructionLimit);
  job.page.clear();
  while (!job.finished) {
    if (Status st = run_batch(job); !st.ok()) {
      jobs().jobs.erase(id);
      return st;
    }
    if (job.page.size() >= kTablePageBytes || budget.exhausted()) break;
  }
  job.last_used_ns = now_ns;
  TablePage page;
  page.job = id;
  page.table = job.table_name;
  page.data = std::move(job.page);
  job.page = {};
  page.rows = job.generator ? job.generator->rows_written(job.table_index) : job.rows_done;
  page.done = job.finished;
  page.spec_sha256 = job.spec_sha256;
  page.params = job.params;
  if (page.done) jobs().jobs.erase(id);
  return page;
}

}  // namespace

Result<TablePage> table_start(const std::vector<uint8_t>& caller, TableParams params,
                              uint64_t now_ns) {
  expire_idle(now_ns);
  if (Status st = check_params(params); !st.ok()) return st;
  int open = 0;
  for (const auto& [id, j] : jobs().jobs) open += j->owner == caller ? 1 : 0;
  if (open >= kMaxSessionsPerCaller) {
    return Status::Error("you have " + std::to_string(open) +
                         " open table jobs, the most allowed: finish them or wait until they "
                         "expire");
  }
  if (jobs().jobs.size() >= static_cast<size_t>(kMaxSessions)) {
    return Status::Error("the canister has the most table jobs it allows open; try again later");
  }
  auto job = std::make_unique<Job>();
  job->owner = caller;
  job->spec_sha256 =
      hex(sha256({reinterpret_cast<const uint8_t*>(params.spec.data()), params.spec.size()}));
  job->params = std::move(params);
  std::vector<uint8_t>* page = &job->page;
  job->writer = synth::make_table_writer(*synth::parse_table_format(job->params.format),
                                         [page](std::string_view bytes) {
                                           page->insert(page->end(), bytes.begin(), bytes.end());
                                           return Status::Ok();
                                         });
  Status started =
      job->params.source == TableParams::Source::schema ? start_schema(*job) : start_copula(*job);
  if (!started.ok()) return started;
  job->params.spec.clear();
  job->params.spec.shrink_to_fit();
  const uint64_t id = jobs().next_id++;
  Job& j = *(jobs().jobs[id] = std::move(job));
  return run_job(id, j, now_ns);
}

Result<TablePage> table_continue(const std::vector<uint8_t>& caller, uint64_t job,
                                 uint64_t now_ns) {
  expire_idle(now_ns);
  auto it = jobs().jobs.find(job);
  if (it == jobs().jobs.end() || it->second->owner != caller) {
    return Status::Error("no open table job " + std::to_string(job) +
                         " of yours (finished, expired after 10 minutes idle, lost at an "
                         "upgrade, or never started)");
  }
  return run_job(job, *it->second, now_ns);
}

}  // namespace hyv::canister
