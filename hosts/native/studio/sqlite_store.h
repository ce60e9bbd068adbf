// SqliteStore: the service's Store on one SQLite file, for `hyv serve`.
//
//   auto store = SqliteStore::open("hyv-data/hyv.sqlite");   // creates the file and table
//   store.value()->put("job/j1", json);
//
// One table kv(key TEXT PRIMARY KEY, value BLOB) in WAL mode with synchronous=FULL, so a write
// that returned is on disk even if the machine loses power, and readers never block the writer.
// apply() runs in one transaction: all or nothing. The connection is shared by every thread of
// the server and guarded by a mutex (SQLite's own locking is for other processes; the busy
// timeout covers a second `hyv serve` or a `sqlite3` shell on the same file).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "hyv/service/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hyv::studio {

class SqliteStore final : public service::Store {
 public:
  // ":memory:" gives a private in-memory database (tests).
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Result<std::optional<std::string>> get(std::string_view key) const override;
  Status put(std::string_view key, std::string_view value) override;
  Status remove(std::string_view key) override;
  Result<std::vector<service::KeyValue>> list(std::string_view prefix) const override;
  Status apply(const std::vector<service::StoreOp>& batch) override;

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  Status prepare();
  // One op without validation or transaction; the caller holds mu_.
  Status run_op(const service::StoreOp& op);
  Status exec(const char* sql);
  Status error(const std::string& what) const;

  sqlite3* db_;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
  sqlite3_stmt* remove_ = nullptr;
  sqlite3_stmt* list_ = nullptr;
  mutable std::mutex mu_;
};

}  // namespace hyv::studio
