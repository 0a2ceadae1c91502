// The SQL parser: dialect rewriting, PostgreSQL's grammar (libpg_query,
// through its protobuf output) and the transformation into LLKV's AST.
//
// Thread-safe: libpg_query keeps its state per thread.
#pragma once

#include <string_view>
#include <vector>

#include "sql/ast.h"

namespace llkv::sql {

// Parses a script of zero or more statements separated by ';'. Each
// statement carries its own text. Throws Error(kParser) naming the token,
// line and column of a syntax error, or the construct LLKV does not parse.
std::vector<StatementPtr> ParseSql(std::string_view sql);

}  // namespace llkv::sql
