// Definitions for the WASI imports that wasi-libc and libc++ may pull in, so the module imports
// nothing: an Internet Computer canister may import only ic0.*, and the core does no I/O of its
// own.
//
// How it works: wasi-libc calls each WASI function through an undefined symbol named
// __imported_wasi_snapshot_preview1_<name>, which wasm-ld turns into an import only if nothing
// defines it. Defining it here makes it an ordinary internal function. The signatures are the flat
// wasm ones of WASI preview 1 (pointers and 32-bit values as i32, 64-bit values as i64); the link
// uses --fatal-warnings, so a mismatch with libc's declaration fails the build instead of trapping.
// tests/wasm checks that the module's import list is empty.
//
// Only functions libc can reach from the core are here; anything else stays undefined and shows up
// as an import, which the test reports.
#include <cstddef>
#include <cstdint>

namespace {

constexpr int32_t kSuccess = 0;
constexpr int32_t kBadFd = 8;   // __WASI_ERRNO_BADF
constexpr int32_t kNoSys = 52;  // __WASI_ERRNO_NOSYS
constexpr int32_t kSpipe = 70;  // __WASI_ERRNO_SPIPE

struct ConstIoVec {
  const uint8_t* buf;
  uint32_t len;
};

// The last bytes libc wrote to stdout/stderr (e.g. libc++abi's message before an abort), kept so a
// host can read them after a trap; nothing is ever written anywhere else.
constexpr uint32_t kOutputCapacity = 4096;
uint8_t g_output[kOutputCapacity];
uint32_t g_output_len = 0;

void keep_output(const uint8_t* data, uint32_t size) {
  for (uint32_t i = 0; i < size; ++i) {
    if (g_output_len == kOutputCapacity) g_output_len = 0;  // wrap: keep the newest bytes
    g_output[g_output_len++] = data[i];
  }
}

}  // namespace

#define HYV_WASI(name) extern "C" int32_t __imported_wasi_snapshot_preview1_##name

// Safe: nothing leaves the module. Bytes go to the small buffer above and are reported as written,
// so stdio neither retries nor sets an error.
HYV_WASI(fd_write)(int32_t fd, const ConstIoVec* iovs, uint32_t iovs_len, uint32_t* written) {
  uint32_t total = 0;
  for (uint32_t i = 0; i < iovs_len; ++i) {
    if (fd == 1 || fd == 2) keep_output(iovs[i].buf, iovs[i].len);
    total += iovs[i].len;
  }
  *written = total;
  return kSuccess;
}

// Safe: no descriptor is ever opened (no preopens, no files), so closing one has nothing to do.
HYV_WASI(fd_close)(int32_t) {
  return kSuccess;
}

// Safe: stdout/stderr behave like pipes, which cannot seek; stdio handles that error.
HYV_WASI(fd_seek)(int32_t, int64_t, int32_t, uint64_t*) {
  return kSpipe;
}

// Safe: stdio asks only to decide on line buffering; "bad descriptor" makes it fully buffered.
HYV_WASI(fd_fdstat_get)(int32_t, void*) {
  return kBadFd;
}

// Safe: the module has no environment; getenv() sees an empty one.
HYV_WASI(environ_sizes_get)(uint32_t* count, uint32_t* buf_size) {
  *count = 0;
  *buf_size = 0;
  return kSuccess;
}
HYV_WASI(environ_get)(uint8_t**, uint8_t*) {
  return kSuccess;
}

// Safe: the core's results never depend on time (same request + seed, same bytes), so every clock
// reads a constant 0. Hosts measure time outside the core.
HYV_WASI(clock_time_get)(int32_t, int64_t, uint64_t* time) {
  *time = 0;
  return kSuccess;
}
HYV_WASI(clock_res_get)(int32_t, uint64_t* resolution) {
  *resolution = 1;
  return kSuccess;
}

// Safe: the core draws only from its own seeded Rng. Entropy cannot be provided synchronously in a
// canister (raw_rand is an inter-canister call), so a caller gets an error, never fake randomness.
HYV_WASI(random_get)(uint8_t*, uint32_t) {
  return kNoSys;
}

// Safe: exit() in a library has no process to end; trapping aborts the current call (on the IC the
// message's state changes are rolled back).
extern "C" [[noreturn]] void __imported_wasi_snapshot_preview1_proc_exit(int32_t) {
  __builtin_trap();
}

extern "C" __attribute__((export_name("hyv_output_ptr"))) const uint8_t* hyv_output_ptr() {
  return g_output;
}
extern "C" __attribute__((export_name("hyv_output_len"))) uint32_t hyv_output_len() {
  return g_output_len;
}
