# Every external dependency is a Debian 12 package (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LMDB REQUIRED IMPORTED_TARGET lmdb)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
# Regular expressions: RE2 (Debian's libre2-dev), a linear-time engine, so
# no pattern a user writes can take exponential time.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
find_package(fmt REQUIRED CONFIG)
find_package(absl REQUIRED CONFIG)
find_package(FlatBuffers REQUIRED CONFIG)
find_program(FLATC flatc REQUIRED)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED CONFIG)
if(LLKV_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED CONFIG)
endif()
