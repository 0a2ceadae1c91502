# The one way to register tests and benchmarks, so that none silently rots:
# every test is a GoogleTest program run by CTest, every benchmark is built
# by the default target.

# llkv_add_test(NAME <name> SOURCES <files...> LIBS <libs...> [LABELS <labels...>] [TIMEOUT <s>])
function(llkv_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${T_NAME} PRIVATE
    LLKV_SOURCE_DIR="${PROJECT_SOURCE_DIR}" LLKV_BINARY_DIR="${PROJECT_BINARY_DIR}")
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
endfunction()

# llkv_add_benchmark(NAME <name> SOURCES <files...> LIBS <libs...>)
function(llkv_add_benchmark)
  cmake_parse_arguments(B "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_executable(${B_NAME} ${B_SOURCES})
  target_link_libraries(${B_NAME} PRIVATE ${B_LIBS} benchmark::benchmark)
  target_include_directories(${B_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/src)
endfunction()

# llkv_add_slt_test(NAME <name> PATHS <files or directories...>): runs
# sqllogictest files with the llkv program; fails if any record fails.
function(llkv_add_slt_test)
  cmake_parse_arguments(S "" "NAME" "PATHS" ${ARGN})
  add_test(NAME ${S_NAME} COMMAND llkv --slt ${S_PATHS})
  set_tests_properties(${S_NAME} PROPERTIES TIMEOUT 600 LABELS slt)
endfunction()

# llkv_add_tpch_test(SCALE <sf>): TPC-H at scale factor <sf> from ../shared
# (scripts/tpch.sh, which prints a skip notice when ../shared is absent).
function(llkv_add_tpch_test)
  cmake_parse_arguments(T "" "SCALE" "" ${ARGN})
  add_test(NAME tpch_sf${T_SCALE}
           COMMAND ${PROJECT_SOURCE_DIR}/scripts/tpch.sh ${T_SCALE} ${PROJECT_BINARY_DIR})
  set_tests_properties(tpch_sf${T_SCALE} PROPERTIES TIMEOUT 900 LABELS tpch)
endfunction()
