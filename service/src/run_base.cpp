#include "run_base.h"

namespace hyv::service {

uint64_t RunBase::item_count() const {
  uint64_t n = 0;
  for (const DatasetTable& t : tables_) n += t.rows;
  return n;
}

uint64_t RunBase::size_bytes() const {
  uint64_t n = 0;
  for (size_t i = 0; i < tables_.size(); ++i) n += *table_bytes_[i];
  return n;
}

Result<std::unique_ptr<synth::RowSink>> RunBase::open_jsonl(const TableSinkOpener& open,
                                                            const std::string& name,
                                                            std::vector<std::string> columns) {
  if (!open) return Status::Error(StatusCode::kInternal, "no table sink opener given");
  Result<synth::ByteSink> sink = open(name);
  if (!sink.ok()) return sink.status();
  auto counter = std::make_shared<uint64_t>(0);
  synth::ByteSink counted = [inner = std::move(sink).value(), counter](std::string_view bytes) {
    *counter += bytes.size();
    return inner(bytes);
  };
  std::unique_ptr<synth::RowSink> writer =
      synth::make_table_writer(synth::TableFormat::jsonl, std::move(counted));
  tables_.push_back(DatasetTable{name, std::move(columns), 0, 0});
  table_bytes_.push_back(counter);
  return writer;
}

RunProgress RunBase::report(std::vector<TextPiece> pieces) const {
  RunProgress p = progress_;
  p.pieces = std::move(pieces);
  p.done = done_;
  return p;
}

void RunBase::settle_sizes() {
  for (size_t i = 0; i < tables_.size(); ++i) tables_[i].size_bytes = *table_bytes_[i];
}

Status RunBase::failed(const Status& s) {
  broken_ = true;
  return s;
}

}  // namespace hyv::service
