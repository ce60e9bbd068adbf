#include "studio/sqlite_store.h"

#include <sqlite3.h>

namespace hyv::studio {
namespace {

using service::StoreOp;

// Resets a statement when the scope ends, so every early return leaves it reusable.
struct Reset {
  sqlite3_stmt* stmt;
  ~Reset() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
};

void bind_text(sqlite3_stmt* stmt, int index, std::string_view s) {
  sqlite3_bind_blob(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

std::string column_bytes(sqlite3_stmt* stmt, int index) {
  const void* p = sqlite3_column_blob(stmt, index);
  int n = sqlite3_column_bytes(stmt, index);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

// The smallest key greater than every key starting with prefix, or empty when there is none
// (prefix is all 0xff bytes). Keys compare as bytes because they are stored as BLOBs.
std::string prefix_end(std::string prefix) {
  while (!prefix.empty()) {
    auto last = static_cast<unsigned char>(prefix.back());
    if (last != 0xff) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return prefix;
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::Error(path + ": cannot open the database: " + why);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  Status st = store->prepare();
  if (!st.ok()) return st.with_context(path);
  return store;
}

Status SqliteStore::prepare() {
  // Keys are BLOBs so that ordering and prefix ranges are plain byte order, as store.h requires.
  HYV_RETURN_IF_ERROR(exec("PRAGMA journal_mode=WAL"));
  HYV_RETURN_IF_ERROR(exec("PRAGMA synchronous=FULL"));
  HYV_RETURN_IF_ERROR(exec(
      "CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID"));
  struct {
    sqlite3_stmt** stmt;
    const char* sql;
  } statements[] = {
      {&get_, "SELECT value FROM kv WHERE key = ?1"},
      {&put_,
       "INSERT INTO kv(key, value) VALUES(?1, ?2) "
       "ON CONFLICT(key) DO UPDATE SET value = excluded.value"},
      {&remove_, "DELETE FROM kv WHERE key = ?1"},
      {&list_,
       "SELECT key, value FROM kv WHERE key >= ?1 AND (?2 IS NULL OR key < ?2) "
       "ORDER BY key"},
  };
  for (auto& s : statements) {
    if (sqlite3_prepare_v3(db_, s.sql, -1, SQLITE_PREPARE_PERSISTENT, s.stmt, nullptr) !=
        SQLITE_OK) {
      return error("preparing a statement");
    }
  }
  return Status::Ok();
}

SqliteStore::~SqliteStore() {
  for (sqlite3_stmt* s : {get_, put_, remove_, list_}) sqlite3_finalize(s);
  sqlite3_close(db_);
}

Status SqliteStore::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) == SQLITE_OK) return Status::Ok();
  std::string why = msg ? msg : "unknown error";
  sqlite3_free(msg);
  return Status::Error(StatusCode::kInternal, "database error at " + std::string(sql) + ": " + why);
}

Status SqliteStore::error(const std::string& what) const {
  // kInternal: a failed statement (a full disk, an I/O error) is the server's trouble, never the
  // request's; callers that map unknown errors to 400 must not blame the client for it.
  return Status::Error(StatusCode::kInternal,
                       "database error " + what + ": " + sqlite3_errmsg(db_));
}

Result<std::optional<std::string>> SqliteStore::get(std::string_view key) const {
  HYV_RETURN_IF_ERROR(service::validate_key(key));
  std::lock_guard lock(mu_);
  Reset reset{get_};
  bind_text(get_, 1, key);
  int rc = sqlite3_step(get_);
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return error("reading " + std::string(key));
  return std::optional<std::string>(column_bytes(get_, 0));
}

Status SqliteStore::run_op(const StoreOp& op) {
  sqlite3_stmt* stmt = op.kind == StoreOp::Kind::kPut ? put_ : remove_;
  Reset reset{stmt};
  bind_text(stmt, 1, op.key);
  if (op.kind == StoreOp::Kind::kPut) bind_text(stmt, 2, op.value);
  if (sqlite3_step(stmt) != SQLITE_DONE) return error("writing " + op.key);
  return Status::Ok();
}

Status SqliteStore::put(std::string_view key, std::string_view value) {
  return apply({StoreOp::Put(std::string(key), std::string(value))});
}

Status SqliteStore::remove(std::string_view key) {
  return apply({StoreOp::Remove(std::string(key))});
}

Result<std::vector<service::KeyValue>> SqliteStore::list(std::string_view prefix) const {
  std::lock_guard lock(mu_);
  Reset reset{list_};
  bind_text(list_, 1, prefix);
  std::string end = prefix_end(std::string(prefix));
  if (!end.empty()) bind_text(list_, 2, end);
  std::vector<service::KeyValue> out;
  int rc;
  while ((rc = sqlite3_step(list_)) == SQLITE_ROW) {
    out.emplace_back(column_bytes(list_, 0), column_bytes(list_, 1));
  }
  if (rc != SQLITE_DONE) return error("listing " + std::string(prefix));
  return out;
}

Status SqliteStore::apply(const std::vector<StoreOp>& batch) {
  HYV_RETURN_IF_ERROR(service::validate_batch(batch));
  std::lock_guard lock(mu_);
  HYV_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  for (const StoreOp& op : batch) {
    Status st = run_op(op);
    if (!st.ok()) {
      (void)exec("ROLLBACK");
      return st;
    }
  }
  Status st = exec("COMMIT");
  if (!st.ok()) (void)exec("ROLLBACK");
  return st;
}

}  // namespace hyv::studio
