# What every Hyv CMake project shares: the root (native) one and the wasm32 ones (hosts/wasm,
# hosts/canister, the wasm parity tests). Include it right after project().
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)
endif()
set(HYV_ROOT ${CMAKE_CURRENT_LIST_DIR}/..)

# Warnings are errors everywhere in our own code.
set(HYV_WARNINGS -Wall -Wextra -Wpedantic -Werror -Wno-missing-field-initializers)
if(HYV_WASM)
  # RapidJSON 1.1 (Debian 12) declares GenericMemberIterator's operator!= in a way C++20 finds
  # ambiguous with its reversed form; clang warns at every `it != obj.MemberEnd()` (GCC, the
  # native compiler, does not). The call is well-defined: the non-reversed candidate is chosen.
  list(APPEND HYV_WARNINGS -Wno-ambiguous-reversed-operator)
endif()
# The core rounds every expression as written: compilers may otherwise fuse a * b + c into an FMA
# (GCC does even in ISO mode) and wasm has none, so native and canister builds would differ in the
# last bit. Explicit FMA intrinsics in the AVX2 kernels are unaffected.
set(HYV_PORTABLE_MATH -ffp-contract=off)

# A library of the portable core (no exceptions across its API, no hidden I/O): every src/*.cpp of
# the calling folder, public headers in include/. Skipped while the folder has no sources yet.
function(hyv_core_library name)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  if(NOT sources)
    return()
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${ARGN})
  target_compile_options(${name} PRIVATE ${HYV_WARNINGS} ${HYV_PORTABLE_MATH})
  if(NOT HYV_WASM)
    target_compile_options(${name} PRIVATE -fno-exceptions -O3)
  endif()
endfunction()

# A wasm32 module of ours: sources linked with the WASI shim (so it imports nothing a canister
# cannot provide), warnings as errors, a `.wasm` file in the build folder.
function(hyv_wasm_module name)
  add_executable(${name} ${ARGN} ${HYV_ROOT}/hosts/wasm/wasi_shim.cpp)
  target_compile_options(${name} PRIVATE ${HYV_WARNINGS} ${HYV_PORTABLE_MATH})
  # --fatal-warnings: a shim whose signature differs from libc's import is only a linker warning
  # (the call would trap at run time); make it a build error instead.
  target_link_options(${name} PRIVATE -Wl,--fatal-warnings -Wl,--strip-debug)
  set_target_properties(${name} PROPERTIES SUFFIX .wasm RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()
