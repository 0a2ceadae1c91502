// Interop with a real Arrow implementation, the apache-arrow npm package:
// LLKV writes every type in both IPC formats and apache-arrow checks every
// value; apache-arrow writes the same data and LLKV reads it back exactly.
// apache-arrow is installed from the npm registry into the build tree on
// first run. Skipped, with a notice, when node is not installed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "llkv/arrow/ipc.h"
#include "sample_data.h"
#include "test_util.h"

namespace llkv::arrow::ipc {
namespace {

namespace fs = std::filesystem;

constexpr int kRows = 150;
constexpr const char* kArrowJsVersion = "21.2.0";

std::string Quote(const std::string& s) {
  return "'" + s + "'";
}

class IpcInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v node >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "SKIPPED: node is not installed, so the apache-arrow interop test cannot "
                      "run (scripts/install-deps.sh installs it)";
    }
    npm_dir_ = fs::path(LLKV_BINARY_DIR) / "npm";
    if (!fs::exists(npm_dir_ / "node_modules" / "apache-arrow" / "package.json")) {
      fs::create_directories(npm_dir_);
      const std::string cmd = "npm install --prefix " + Quote(npm_dir_.string()) +
                              " --no-audit --no-fund --loglevel=error apache-arrow@" +
                              kArrowJsVersion + " >&2";
      ASSERT_EQ(std::system(cmd.c_str()), 0) << "npm could not install apache-arrow: " << cmd;
    }
    script_ = fs::path(LLKV_SOURCE_DIR) / "tests" / "arrow" / "interop" / "arrow_interop.js";
  }

  int Node(const std::string& args) {
    const std::string cmd = "LLKV_NPM_DIR=" + Quote(npm_dir_.string()) + " node " +
                            Quote(script_.string()) + " " + args;
    return std::system(cmd.c_str());
  }

  fs::path npm_dir_;
  fs::path script_;
  testing::TempDir dir_;
};

TEST_F(IpcInterop, ApacheArrowReadsWhatLlkvWrites) {
  // Two batches (the second a slice) to exercise multi-batch files.
  auto whole = testing::MakeSampleBatch(kRows);
  std::vector<RecordBatchPtr> batches = {whole->Slice(0, 61), whole->Slice(61, kRows - 61)};
  const auto file = dir_.file("llkv.arrow");
  WriteFile(file, whole->schema(), batches);
  EXPECT_EQ(Node("check " + Quote(file.string()) + " " + std::to_string(kRows)), 0);

  const auto stream = dir_.file("llkv.arrows");
  {
    FileSink sink(stream);
    Writer w(&sink, whole->schema(), false);
    for (const auto& b : batches)
      w.Write(*b);
    w.Close();
  }
  EXPECT_EQ(Node("check " + Quote(stream.string()) + " " + std::to_string(kRows)), 0);
}

TEST_F(IpcInterop, LlkvReadsWhatApacheArrowWrites) {
  auto expected = testing::MakeSampleBatch(kRows);
  for (const char* format : {"file", "stream"}) {
    const auto path = dir_.file(std::string("js.") + format);
    ASSERT_EQ(Node(std::string("write ") + format + " " + Quote(path.string()) + " " +
                   std::to_string(kRows)),
              0);
    SchemaPtr schema;
    auto batches = ReadFile(path, &schema);
    EXPECT_TRUE(schema->Equals(*expected->schema(), /*check_metadata=*/true))
        << format << ": " << schema->ToString();
    int64_t offset = 0;
    for (const auto& b : batches) {
      EXPECT_TRUE(b->Equals(*expected->Slice(offset, b->num_rows())))
          << format << " batch at row " << offset << "\n"
          << FormatTable(b, 5) << "\nexpected\n"
          << FormatTable(expected->Slice(offset, b->num_rows()), 5);
      offset += b->num_rows();
    }
    EXPECT_EQ(offset, kRows) << format;
  }
}

}  // namespace
}  // namespace llkv::arrow::ipc
