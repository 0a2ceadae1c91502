// Validation shared by every Pager implementation's commit().
#pragma once

#include "llkv/storage/pager.h"

namespace llkv::storage {

// Throws InvalidInput naming the key when a key appears twice in a batch
// (as two puts, two frees, or a put and a free): such a batch has no single
// meaning, so no pager accepts it.
void CheckWriteBatch(const WriteBatch& batch, const std::string& pager_name);

}  // namespace llkv::storage
