// Helpers shared by LLKV's tests.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace llkv::testing {

// A fresh directory under the build tree's tmp/, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static std::mt19937_64 rng(std::random_device{}());
    path_ = std::filesystem::path(LLKV_BINARY_DIR) / "tmp" /
            ("t" + std::to_string(::getpid()) + "_" + std::to_string(rng()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace llkv::testing
