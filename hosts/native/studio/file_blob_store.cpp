#include "studio/file_blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

namespace hyv::studio {
namespace {

namespace fs = std::filesystem;

Status io_error(const std::string& what, const std::string& path) {
  return Status::Error(StatusCode::kInternal, what + " " + path + ": " + std::strerror(errno));
}

Status not_found(std::string_view name) {
  return Status::Error(StatusCode::kNotFound, "blob '" + std::string(name) + "' does not exist");
}

// Closes a descriptor when the scope ends.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Blobs live in folders (uploads/, models/, datasets/, tmp/); the data dir's own top-level files
// (hyv.sqlite and its journal, hyv.lock) are never blobs, so no blob name can reach them.
Status check_name(std::string_view name) {
  HYV_RETURN_IF_ERROR(service::validate_blob_name(name));
  if (name.find('/') == std::string_view::npos) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "blob '" + std::string(name) + "': blob names are inside a folder");
  }
  return Status::Ok();
}

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

Status make_parent_dirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(parent_of(path), ec);
  if (ec) return Status::Error(StatusCode::kInternal, parent_of(path) + ": " + ec.message());
  return Status::Ok();
}

Status sync_dir(const std::string& dir) {
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0) return io_error("cannot open directory", dir);
  if (::fsync(d.fd) != 0) return io_error("cannot sync directory", dir);
  return Status::Ok();
}

std::string FileBlobStore::path_of(std::string_view name) const {
  return root_ + "/" + std::string(name);
}

Status FileBlobStore::write(std::string_view name, uint64_t offset, std::string_view bytes) {
  HYV_RETURN_IF_ERROR(check_name(name));
  std::string path = path_of(name);
  HYV_RETURN_IF_ERROR(make_parent_dirs(path));
  Fd f{::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644)};
  if (f.fd < 0) return io_error("cannot open", path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return io_error("cannot stat", path);
  if (offset > static_cast<uint64_t>(st.st_size)) {
    return Status::Error(StatusCode::kInvalidArgument,
                         "blob '" + std::string(name) + "': write at offset " +
                             std::to_string(offset) + " past its end (" +
                             std::to_string(st.st_size) + " bytes)");
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n =
        ::pwrite(f.fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return io_error("cannot write", path);
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<std::string> FileBlobStore::read(std::string_view name, uint64_t offset,
                                        uint64_t max_bytes) const {
  HYV_RETURN_IF_ERROR(check_name(name));
  std::string path = path_of(name);
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return errno == ENOENT ? not_found(name) : io_error("cannot open", path);
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return io_error("cannot stat", path);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (offset >= size) return std::string();
  std::string out(static_cast<size_t>(std::min(max_bytes, size - offset)), '\0');
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n =
        ::pread(f.fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot read", path);
    if (n == 0) break;  // the file shrank meanwhile
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

Result<std::optional<uint64_t>> FileBlobStore::size(std::string_view name) const {
  HYV_RETURN_IF_ERROR(check_name(name));
  std::string path = path_of(name);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<uint64_t>();
    return io_error("cannot stat", path);
  }
  if (!S_ISREG(st.st_mode)) return std::optional<uint64_t>();
  return std::optional<uint64_t>(static_cast<uint64_t>(st.st_size));
}

Result<std::string> FileBlobStore::sha256(std::string_view name) const {
  HYV_RETURN_IF_ERROR(check_name(name));
  std::string path = path_of(name);
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return errno == ENOENT ? not_found(name) : io_error("cannot open", path);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::string buffer(1 << 20, '\0');
  for (;;) {
    ssize_t n = ::read(f.fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot read", path);
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

Status FileBlobStore::commit(std::string_view from, std::string_view to) {
  HYV_RETURN_IF_ERROR(check_name(from));
  HYV_RETURN_IF_ERROR(check_name(to));
  std::string src = path_of(from), dst = path_of(to);
  {
    Fd f{::open(src.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) return errno == ENOENT ? not_found(from) : io_error("cannot open", src);
    if (::fsync(f.fd) != 0) return io_error("cannot sync", src);
  }
  HYV_RETURN_IF_ERROR(make_parent_dirs(dst));
  if (::rename(src.c_str(), dst.c_str()) != 0) return io_error("cannot rename " + src + " to", dst);
  HYV_RETURN_IF_ERROR(sync_dir(parent_of(dst)));
  if (parent_of(src) != parent_of(dst)) HYV_RETURN_IF_ERROR(sync_dir(parent_of(src)));
  return Status::Ok();
}

Status FileBlobStore::remove(std::string_view name) {
  HYV_RETURN_IF_ERROR(check_name(name));
  std::string path = path_of(name);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
    return io_error("cannot remove", path);
  }
  // Empty folders left behind (a removed dataset or upload) go too; rmdir refuses non-empty ones.
  for (std::string dir = parent_of(path); dir.size() > root_.size(); dir = parent_of(dir)) {
    if (::rmdir(dir.c_str()) != 0) break;
  }
  return Status::Ok();
}

Result<std::vector<std::string>> FileBlobStore::list(std::string_view prefix) const {
  // Walk only the deepest folder the prefix names, not the whole data dir.
  size_t slash = prefix.rfind('/');
  std::string start =
      slash == std::string_view::npos ? root_ : root_ + "/" + std::string(prefix.substr(0, slash));
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(start, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(start, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().string().substr(root_.size() + 1);
    if (name.compare(0, prefix.size(), prefix) == 0 && check_name(name).ok()) {
      out.push_back(std::move(name));
    }
  }
  if (ec) return Status::Error(StatusCode::kInternal, start + ": " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace hyv::studio
