# The fuzz harnesses (fuzz/*_fuzz.cpp) in the normal build, linked with replay_main.cpp instead of
# libFuzzer: ctest's fuzz_replay.<harness> runs every seed (fuzz/corpus/<harness>/) and every input
# that once crashed (fuzz/regressions/<harness>/) through it. Included from tests/CMakeLists.txt.
set(HYV_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
add_library(hyv_fuzz_replay_main OBJECT ${HYV_FUZZ_DIR}/replay_main.cpp)
target_compile_options(hyv_fuzz_replay_main PRIVATE ${HYV_WARNINGS})
file(GLOB HYV_FUZZ_HARNESSES CONFIGURE_DEPENDS ${HYV_FUZZ_DIR}/*_fuzz.cpp)
# Unused but for CONFIGURE_DEPENDS: a new regression input re-runs CMake, which then finds its folder.
file(GLOB HYV_FUZZ_REGRESSIONS CONFIGURE_DEPENDS ${HYV_FUZZ_DIR}/regressions/*/*)
foreach(src ${HYV_FUZZ_HARNESSES})
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "_fuzz$" "" harness ${name})
  add_executable(${name}_replay ${src})
  target_link_libraries(${name}_replay PRIVATE hyv_fuzz_replay_main hyv_service hyv_candid)
  target_compile_options(${name}_replay PRIVATE ${HYV_WARNINGS})
  target_compile_definitions(${name}_replay PRIVATE HYV_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set(inputs ${HYV_FUZZ_DIR}/corpus/${harness})
  if(EXISTS ${HYV_FUZZ_DIR}/regressions/${harness})
    list(APPEND inputs ${HYV_FUZZ_DIR}/regressions/${harness})
  endif()
  add_test(NAME fuzz_replay.${harness} COMMAND ${name}_replay ${inputs})
  set_tests_properties(fuzz_replay.${harness} PROPERTIES TIMEOUT 300)
endforeach()
