# CMake toolchain: the portable core for wasm32-wasi with Debian 12's clang 14, wasi-libc, libc++ and
# compiler-rt for wasm32 (packages clang lld wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32).
#
#   cmake -S hosts/wasm -B build/wasm -G Ninja     # hosts/wasm picks this file itself
#
# Why a generated sysroot: Debian installs wasi-libc and libc++ in multiarch folders
# (/usr/include/wasm32-wasi, /usr/lib/wasm32-wasi) and clang's default search for wasm32-wasi then
# also adds the host's /usr/include and /usr/local/include, whose glibc headers must never leak into
# a wasm build. So the build tree gets its own sysroot of three symlinks: the WASI headers and
# libraries, and RapidJSON (header-only, the one host library the core uses). Nothing else of the
# host is visible.
#
# Flags: -fno-exceptions and -msimd128 everywhere; Release is CMake's -O3 -DNDEBUG for clang;
# executables are linked by wasm-ld as reactors (-mexec-model=reactor: no main; the host calls
# _initialize, then the exports), which is the shape an Internet Computer canister has.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(HYV_WASM ON)

find_program(HYV_WASM_CXX NAMES clang++-14 clang++ REQUIRED)
find_program(HYV_WASM_AR NAMES llvm-ar-14 llvm-ar REQUIRED)
find_program(HYV_WASM_RANLIB NAMES llvm-ranlib-14 llvm-ranlib REQUIRED)
set(CMAKE_CXX_COMPILER ${HYV_WASM_CXX})
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
# GNU ar cannot index wasm objects, and wasm-ld needs the index to pull members from archives.
set(CMAKE_AR ${HYV_WASM_AR} CACHE FILEPATH "" FORCE)
set(CMAKE_RANLIB ${HYV_WASM_RANLIB} CACHE FILEPATH "" FORCE)

# try_compile projects read this file again in their own binary dirs; they reuse the outer sysroot.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES HYV_WASI_SYSROOT)
if(NOT HYV_WASI_SYSROOT)
  foreach(root /usr /usr/share/wasi-sysroot)
    if(EXISTS ${root}/include/wasm32-wasi/stdlib.h AND EXISTS ${root}/lib/wasm32-wasi/libc.a)
      set(wasi_root ${root})
      break()
    endif()
  endforeach()
  if(NOT wasi_root)
    message(FATAL_ERROR "wasi-libc for wasm32-wasi not found (looked for include/wasm32-wasi and "
                        "lib/wasm32-wasi under /usr and /usr/share/wasi-sysroot); install the Debian "
                        "packages wasi-libc libc++-dev-wasm32 libclang-rt-dev-wasm32 "
                        "(tools/install-deps.sh does)")
  endif()
  if(NOT EXISTS ${wasi_root}/include/wasm32-wasi/c++/v1/vector)
    message(FATAL_ERROR "libc++ for wasm32-wasi not found in ${wasi_root}/include/wasm32-wasi/c++/v1; "
                        "install the Debian package libc++-dev-wasm32")
  endif()
  foreach(dir /usr/include /usr/local/include)
    if(EXISTS ${dir}/rapidjson/rapidjson.h)
      set(rapidjson_dir ${dir}/rapidjson)
      break()
    endif()
  endforeach()
  if(NOT rapidjson_dir)
    message(FATAL_ERROR "RapidJSON headers not found; install the Debian package rapidjson-dev")
  endif()
  set(HYV_WASI_SYSROOT ${CMAKE_BINARY_DIR}/wasi-sysroot)
  file(MAKE_DIRECTORY ${HYV_WASI_SYSROOT}/include ${HYV_WASI_SYSROOT}/lib)
  # Tests configure the same build folder at once (icp build beside cmake --build): a link that
  # is already right is left alone, and one another configure made meanwhile is accepted.
  function(hyv_sysroot_link target link)
    if(IS_SYMLINK ${link})
      file(READ_SYMLINK ${link} current)
      if(current STREQUAL target)
        return()
      endif()
    endif()
    file(CREATE_LINK ${target} ${link} RESULT failed SYMBOLIC)
    if(failed AND NOT IS_SYMLINK ${link})
      message(FATAL_ERROR "cannot link ${link} to ${target}: ${failed}")
    endif()
  endfunction()
  hyv_sysroot_link(${wasi_root}/include/wasm32-wasi ${HYV_WASI_SYSROOT}/include/wasm32-wasi)
  hyv_sysroot_link(${wasi_root}/lib/wasm32-wasi ${HYV_WASI_SYSROOT}/lib/wasm32-wasi)
  hyv_sysroot_link(${rapidjson_dir} ${HYV_WASI_SYSROOT}/include/rapidjson)
endif()
set(CMAKE_SYSROOT ${HYV_WASI_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

set(CMAKE_CXX_FLAGS_INIT "-fno-exceptions -msimd128")
# A 1 MiB stack (wasm-ld's default is 64 KiB) so deep-ish call chains in the core are safe.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mexec-model=reactor -Wl,-z,stack-size=1048576")
