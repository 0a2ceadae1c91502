#include "storage/write_batch_check.h"

#include <absl/container/flat_hash_set.h>

#include "llkv/common/error.h"

namespace llkv::storage {

void CheckWriteBatch(const WriteBatch& batch, const std::string& pager_name) {
  absl::flat_hash_set<PhysicalKey> seen;
  seen.reserve(batch.puts.size() + batch.frees.size());
  auto add = [&](PhysicalKey k) {
    if (!seen.insert(k).second) {
      Fail(ErrorKind::kInvalidInput, "write batch for {} names key {} more than once", pager_name,
           k);
    }
  };
  for (const auto& p : batch.puts)
    add(p.key);
  for (PhysicalKey k : batch.frees)
    add(k);
}

}  // namespace llkv::storage
