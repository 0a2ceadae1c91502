// String distance and similarity functions (DuckDB's): levenshtein /
// editdist3, damerau_levenshtein, hamming / mismatches, jaccard,
// jaro_similarity, jaro_winkler_similarity. All count characters (UTF-8
// code points), not bytes.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "execution/function_registry.h"

namespace llkv::execution {

namespace {

std::u32string CodePoints(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
    for (int k = 1; k < n && i + static_cast<size_t>(k) < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

int64_t Levenshtein(const std::u32string& a, const std::u32string& b) {
  std::vector<int64_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    prev[j] = static_cast<int64_t>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int64_t>(i);
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// The unrestricted Damerau-Levenshtein distance (Lowrance and Wagner):
// insertions, deletions, substitutions and transpositions of adjacent
// characters, a substring editable more than once.
int64_t DamerauLevenshtein(const std::u32string& a, const std::u32string& b) {
  const size_t n = a.size(), m = b.size();
  const int64_t inf = static_cast<int64_t>(n + m);
  std::vector<std::vector<int64_t>> d(n + 2, std::vector<int64_t>(m + 2, 0));
  d[0][0] = inf;
  for (size_t i = 0; i <= n; ++i) {
    d[i + 1][0] = inf;
    d[i + 1][1] = static_cast<int64_t>(i);
  }
  for (size_t j = 0; j <= m; ++j) {
    d[0][j + 1] = inf;
    d[1][j + 1] = static_cast<int64_t>(j);
  }
  std::unordered_map<char32_t, size_t> last_row;  // last row where each char of a was seen
  for (size_t i = 1; i <= n; ++i) {
    size_t last_match_col = 0;
    for (size_t j = 1; j <= m; ++j) {
      const size_t k = last_row.contains(b[j - 1]) ? last_row[b[j - 1]] : 0;
      const size_t l = last_match_col;
      const int64_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      if (cost == 0) last_match_col = j;
      d[i + 1][j + 1] = std::min(
          {d[i][j] + cost, d[i + 1][j] + 1, d[i][j + 1] + 1,
           d[k][l] + static_cast<int64_t>(i - k - 1) + 1 + static_cast<int64_t>(j - l - 1)});
    }
    last_row[a[i - 1]] = i;
  }
  return d[n + 1][m + 1];
}

double Jaro(const std::u32string& a, const std::u32string& b) {
  if (a.empty() || b.empty()) return 0.0;  // also for two empty strings (DuckDB)
  const size_t window = std::max(a.size(), b.size()) / 2 - (std::max(a.size(), b.size()) >= 2);
  std::vector<bool> a_match(a.size(), false), b_match(b.size(), false);
  size_t matches = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const size_t lo = i > window ? i - window : 0;
    const size_t hi = std::min(b.size(), i + window + 1);
    for (size_t j = lo; j < hi; ++j) {
      if (b_match[j] || a[i] != b[j]) continue;
      a_match[i] = b_match[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0;
  for (size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!a_match[i]) continue;
    while (!b_match[j])
      ++j;
    if (a[i] != b[j]) ++transpositions;
    ++j;
  }
  const double m = static_cast<double>(matches);
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
          (m - static_cast<double>(transpositions) / 2) / m) /
         3.0;
}

// Jaro similarity raised for a common prefix (up to 4 characters, scaled by
// 0.1) when it is above 0.7, as Winkler proposed.
double JaroWinkler(const std::u32string& a, const std::u32string& b) {
  const double jaro = Jaro(a, b);
  if (jaro <= 0.7) return jaro;
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix])
    ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

// A similarity below the optional cutoff (third argument) is 0.
Value WithCutoff(double similarity, const std::vector<Value>& a) {
  if (a.size() > 2 && !a[2].is_null() && similarity < a[2].float64()) return Value::Double(0.0);
  return Value::Double(similarity);
}

}  // namespace

void RegisterStringSimilarityFunctions(FunctionRegistry& r) {
  RegisterTextFunction(
      r, {"levenshtein", "editdist3"}, "TT", arrow::int64(),
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        return Value::Int64(Levenshtein(CodePoints(a[0].str()), CodePoints(a[1].str())));
      });
  RegisterTextFunction(
      r, {"damerau_levenshtein"}, "TT", arrow::int64(),
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        return Value::Int64(DamerauLevenshtein(CodePoints(a[0].str()), CodePoints(a[1].str())));
      });
  RegisterTextFunction(
      r, {"hamming", "mismatches"}, "TT", arrow::int64(),
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        const std::u32string x = CodePoints(a[0].str()), y = CodePoints(a[1].str());
        if (x.empty() || y.empty()) {
          Fail(ErrorKind::kInvalidInput, "Mismatch Function: Strings must be non-empty!");
        }
        if (x.size() != y.size()) {
          Fail(ErrorKind::kInvalidInput, "Mismatch Function: Strings must be of equal length!");
        }
        int64_t n = 0;
        for (size_t i = 0; i < x.size(); ++i)
          n += x[i] != y[i] ? 1 : 0;
        return Value::Int64(n);
      });
  RegisterTextFunction(
      r, {"jaccard"}, "TT", arrow::float64(),
      [](const std::vector<Value>& a, const arrow::TypePtr&) {
        const std::u32string x = CodePoints(a[0].str()), y = CodePoints(a[1].str());
        if (x.empty() || y.empty()) {
          Fail(ErrorKind::kInvalidInput, "Jaccard Function: An argument too short!");
        }
        const std::set<char32_t> sx(x.begin(), x.end()), sy(y.begin(), y.end());
        size_t common = 0;
        for (char32_t c : sx)
          common += sy.count(c);
        return Value::Double(static_cast<double>(common) /
                             static_cast<double>(sx.size() + sy.size() - common));
      });
  RegisterTextFunction(r, {"jaro_similarity"}, "TTd", arrow::float64(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return WithCutoff(Jaro(CodePoints(a[0].str()), CodePoints(a[1].str())), a);
                       });
  RegisterTextFunction(r, {"jaro_winkler_similarity"}, "TTd", arrow::float64(),
                       [](const std::vector<Value>& a, const arrow::TypePtr&) {
                         return WithCutoff(
                             JaroWinkler(CodePoints(a[0].str()), CodePoints(a[1].str())), a);
                       });
}

}  // namespace llkv::execution
