#include "sql/ast.h"

#include <fmt/format.h>

#include "common/ascii.h"

namespace llkv::sql {

Expr::Expr() = default;
Expr::~Expr() = default;
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;
TableRef::TableRef() = default;
TableRef::~TableRef() = default;
SelectStmt::SelectStmt() = default;
SelectStmt::~SelectStmt() = default;

namespace {

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

std::string List(const ExprList& list) {
  std::vector<std::string> parts;
  for (const auto& e : list)
    parts.push_back(e->ToString());
  return Join(parts, ", ");
}

// `s` in quotes `q`, a quote inside doubled.
std::string Quote(const std::string& s, char q = '\'') {
  std::string out(1, q);
  for (char c : s) {
    out += c;
    if (c == q) out += q;
  }
  return out + q;
}

bool IsMarker(const Expr& e, const char* name) {
  return e.kind == ExprKind::kFunction && e.names.size() == 1 && e.names[0] == name;
}

std::string OrderList(const std::vector<OrderItem>& items) {
  std::vector<std::string> parts;
  for (const auto& o : items) {
    if (IsMarker(*o.expr, "__llkv_ignore_nulls")) continue;  // shown after the list
    std::string p = o.expr->ToString();
    if (o.descending) p += " DESC";
    if (o.nulls == NullOrder::kFirst) p += " NULLS FIRST";
    if (o.nulls == NullOrder::kLast) p += " NULLS LAST";
    parts.push_back(std::move(p));
  }
  return Join(parts, ", ");
}

std::string BoundText(const FrameBound& b) {
  switch (b.kind) {
    case FrameBoundKind::kUnboundedPreceding:
      return "UNBOUNDED PRECEDING";
    case FrameBoundKind::kPreceding:
      return b.offset->ToString() + " PRECEDING";
    case FrameBoundKind::kCurrentRow:
      return "CURRENT ROW";
    case FrameBoundKind::kFollowing:
      // (n PRECEDING ending a frame that starts after the current row,
      // as the dialect rewriter passes it.)
      if (IsMarker(*b.offset, "__llkv_preceding") && b.offset->args.size() == 1) {
        return b.offset->args[0]->ToString() + " PRECEDING";
      }
      return b.offset->ToString() + " FOLLOWING";
    case FrameBoundKind::kUnboundedFollowing:
      return "UNBOUNDED FOLLOWING";
  }
  return "";
}

}  // namespace

std::string WindowSpec::ToString() const {
  std::vector<std::string> parts;
  if (!ref_name.empty()) parts.push_back(ref_name);
  if (!partition_by.empty()) parts.push_back("PARTITION BY " + List(partition_by));
  if (!order_by.empty()) parts.push_back("ORDER BY " + OrderList(order_by));
  if (has_frame) {
    std::string f = mode == FrameMode::kRows    ? "ROWS"
                    : mode == FrameMode::kRange ? "RANGE"
                                                : "GROUPS";
    f += " BETWEEN " + BoundText(start) + " AND " + BoundText(end);
    if (exclude == FrameExclude::kCurrentRow) f += " EXCLUDE CURRENT ROW";
    if (exclude == FrameExclude::kGroup) f += " EXCLUDE GROUP";
    if (exclude == FrameExclude::kTies) f += " EXCLUDE TIES";
    parts.push_back(std::move(f));
  }
  return Join(parts, " ");
}

std::string TypeName::ToString() const {
  std::string out = name;
  if (name == "map" && field_types.size() == 2) {
    out = "MAP(" + field_types[0].ToString() + ", " + field_types[1].ToString() + ")";
  } else if (!field_names.empty()) {
    out = "STRUCT(";
    for (size_t i = 0; i < field_names.size(); ++i)
      out += (i ? ", " : "") + field_names[i] + " " + field_types[i].ToString();
    out += ")";
  }
  if (!modifiers.empty()) {
    std::vector<std::string> m;
    for (auto v : modifiers)
      m.push_back(std::to_string(v));
    out += "(" + Join(m, ", ") + ")";
  }
  for (int i = 0; i < array_depth; ++i)
    out += "[]";
  return out;
}

std::string Expr::ToString() const {
  const std::string neg = negated ? "NOT " : "";
  switch (kind) {
    case ExprKind::kLiteral:
      switch (literal_kind) {
        case LiteralKind::kNull:
          return "NULL";
        case LiteralKind::kBool:
          return bool_value ? "TRUE" : "FALSE";
        case LiteralKind::kInteger:
          return std::to_string(int_value);
        case LiteralKind::kNumeric:
          return text;
        case LiteralKind::kString:
          return Quote(text);
        case LiteralKind::kBlob: {
          std::string hex = "X'";
          for (unsigned char c : text)
            hex += fmt::format("{:02X}", c);
          return hex + "'";
        }
      }
      return "?";
    case ExprKind::kColumnRef:
      return Join(names, ".");
    case ExprKind::kStar:
      return names.empty() ? "*" : Join(names, ".") + ".*";
    case ExprKind::kParameter:
      return "$" + std::to_string(parameter_index);
    case ExprKind::kUnaryOp:
      return op == "NOT" ? "(NOT " + args[0]->ToString() + ")"
                         : "(" + op + args[0]->ToString() + ")";
    case ExprKind::kBinaryOp: {
      if (op == "/" && args[1]->kind == ExprKind::kFunction && args[1]->names.size() == 1 &&
          args[1]->names[0] == "__llkv_intdiv" && args[1]->args.size() == 1) {
        return "(" + args[0]->ToString() + " // " + args[1]->args[0]->ToString() + ")";  // a // b
      }
      std::string out = "(" + args[0]->ToString() + " " + neg + op + " " + args[1]->ToString();
      if (args.size() > 2) out += " ESCAPE " + args[2]->ToString();
      return out + ")";
    }
    case ExprKind::kFunction: {
      if (names.size() == 1 && (names[0] == "__llkv_any" || names[0] == "__llkv_all")) {
        return "(" + args[0]->ToString() + " " + op +
               (names[0] == "__llkv_any" ? " ANY(" : " ALL(") + args[1]->ToString() + "))";
      }
      if (names.size() == 1 && names[0] == "__llkv_map_literal") {  // MAP {k: v, ...}
        std::vector<std::string> entries;
        for (size_t i = 0; i + 1 < args.size(); i += 2)
          entries.push_back(args[i]->ToString() + ": " + args[i + 1]->ToString());
        return "MAP {" + Join(entries, ", ") + "}";
      }
      std::string out = Join(names, ".") + "(";
      if (distinct) out += "DISTINCT ";
      // IGNORE NULLS arrives as a last argument (or ORDER BY term)
      // "__llkv_ignore_nulls"().
      const bool ignore_nulls = !args.empty() && IsMarker(*args.back(), "__llkv_ignore_nulls");
      const bool ordered_ignore_nulls =
          !order_by.empty() && IsMarker(*order_by.back().expr, "__llkv_ignore_nulls");
      std::vector<std::string> shown;
      for (size_t i = 0; i + (ignore_nulls ? 1 : 0) < args.size(); ++i) {
        const Expr& a = *args[i];
        if (IsMarker(a, "__llkv_no_args")) continue;  // f(ORDER BY k)
        shown.push_back(a.ToString());
      }
      out += star_arg ? "*" : Join(shown, ", ");
      if (!order_by.empty())
        out += (shown.empty() ? "ORDER BY " : " ORDER BY ") + OrderList(order_by);
      if (ignore_nulls || ordered_ignore_nulls) out += " IGNORE NULLS";
      out += ")";
      if (filter) out += " FILTER (WHERE " + filter->ToString() + ")";
      if (export_state) out += " EXPORT_STATE";
      if (window) out += " OVER (" + window->ToString() + ")";
      return out;
    }
    case ExprKind::kCollate:
      return args[0]->ToString() + " COLLATE " + text;
    case ExprKind::kCast:
      return std::string(try_cast ? "TRY_CAST(" : "CAST(") + args[0]->ToString() + " AS " +
             type.ToString() + ")";
    case ExprKind::kCase: {
      std::string out = "CASE";
      if (operand) out += " " + operand->ToString();
      for (size_t i = 0; i + 1 < args.size(); i += 2) {
        out += " WHEN " + args[i]->ToString() + " THEN " + args[i + 1]->ToString();
      }
      if (else_expr) out += " ELSE " + else_expr->ToString();
      return out + " END";
    }
    case ExprKind::kIsNull:
      return "(" + args[0]->ToString() + " IS " + neg + "NULL)";
    case ExprKind::kIsBool:
      return "(" + args[0]->ToString() + " IS " + neg + (bool_value ? "TRUE)" : "FALSE)");
    case ExprKind::kIsDistinctFrom:
      return "(" + args[0]->ToString() + " IS " + neg + "DISTINCT FROM " + args[1]->ToString() +
             ")";
    case ExprKind::kBetween:
      return "(" + args[0]->ToString() + " " + neg + "BETWEEN " + args[1]->ToString() + " AND " +
             args[2]->ToString() + ")";
    case ExprKind::kInList: {
      std::vector<std::string> items;
      for (size_t i = 1; i < args.size(); ++i)
        items.push_back(args[i]->ToString());
      return "(" + args[0]->ToString() + " " + neg + "IN (" + Join(items, ", ") + "))";
    }
    case ExprKind::kInSubquery:
      return "(" + args[0]->ToString() + " " + neg + "IN (" + subquery->ToString() + "))";
    case ExprKind::kQuantified:
      return "(" + args[0]->ToString() + " " + op + (all ? " ALL (" : " ANY (") +
             subquery->ToString() + "))";
    case ExprKind::kExists:
      return neg + "EXISTS (" + subquery->ToString() + ")";
    case ExprKind::kScalarSubquery:
      return "(" + subquery->ToString() + ")";
    case ExprKind::kCoalesce:
      return "COALESCE(" + List(args) + ")";
    case ExprKind::kNullIf:
      return "NULLIF(" + List(args) + ")";
    case ExprKind::kGreatestLeast:
      return op + "(" + List(args) + ")";
    case ExprKind::kDefault:
      return "DEFAULT";
  }
  return "?";
}

std::string TableRef::ToString() const {
  std::string out;
  switch (kind) {
    case TableRefKind::kBaseTable:
      out = Join(name, ".");
      break;
    case TableRefKind::kSubquery:
      out = (lateral ? "LATERAL (" : "(") + subquery->ToString() + ")";
      break;
    case TableRefKind::kFunction: {
      std::vector<std::string> args;
      for (const auto& a : function_args)
        args.push_back(a->ToString());
      out = Join(name, ".") + "(" + Join(args, ", ") + ")";
      break;
    }
    case TableRefKind::kJoin: {
      static const char* kNames[] = {"JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", "CROSS JOIN"};
      out = "(" + left->ToString() + (natural ? " NATURAL " : " ") +
            kNames[static_cast<int>(join_type)] + " " + right->ToString();
      if (on) out += " ON " + on->ToString();
      if (!using_columns.empty()) out += " USING (" + Join(using_columns, ", ") + ")";
      out += ")";
      break;
    }
  }
  if (!alias.empty()) out += " AS " + alias;
  if (!column_aliases.empty()) out += "(" + Join(column_aliases, ", ") + ")";
  return out;
}

std::string SelectStmt::ToString() const {
  std::string out;
  if (!ctes.empty()) {
    std::vector<std::string> parts;
    for (const auto& c : ctes) {
      std::string p = c.name;
      if (!c.column_names.empty()) p += "(" + Join(c.column_names, ", ") + ")";
      parts.push_back(p + " AS (" + (c.query ? c.query->ToString() : c.dml->text) + ")");
    }
    out += std::string(recursive ? "WITH RECURSIVE " : "WITH ") + Join(parts, ", ") + " ";
  }
  if (set_op != SetOpKind::kNone) {
    static const char* kOps[] = {"", "UNION", "INTERSECT", "EXCEPT"};
    out += "(" + left->ToString() + ") " + kOps[static_cast<int>(set_op)] +
           (set_all ? " ALL " : " ") + "(" + right->ToString() + ")";
  } else if (!values.empty()) {
    std::vector<std::string> rows;
    for (const auto& row : values)
      rows.push_back("(" + List(row) + ")");
    out += "VALUES " + Join(rows, ", ");
  } else {
    out += "SELECT ";
    if (distinct)
      out += distinct_on.empty() ? "DISTINCT " : "DISTINCT ON (" + List(distinct_on) + ") ";
    std::vector<std::string> items;
    for (const auto& item : select_list) {
      items.push_back(item.expr->ToString() + (item.alias.empty() ? "" : " AS " + item.alias));
    }
    out += Join(items, ", ");
    if (!from.empty()) {
      std::vector<std::string> refs;
      for (const auto& f : from)
        refs.push_back(f->ToString());
      out += " FROM " + Join(refs, ", ");
    }
    if (where) out += " WHERE " + where->ToString();
    if (!group_by.empty()) out += " GROUP BY " + List(group_by);
    if (having) out += " HAVING " + having->ToString();
  }
  if (!order_by.empty()) out += " ORDER BY " + OrderList(order_by);
  if (limit) out += " LIMIT " + limit->ToString();
  if (offset) out += " OFFSET " + offset->ToString();
  return out;
}

namespace {

std::string Ident(const std::string& name) {
  return Quote(name, '"');
}

// A catalog name ("t", or "s.t" for schema s) as SQL: s."t" reads back as it.
std::string TableIdent(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return Ident(name);
  return Ident(name.substr(0, dot)) + "." + Ident(name.substr(dot + 1));
}

std::string Idents(const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (const auto& n : names)
    parts.push_back(Ident(n));
  return Join(parts, ", ");
}

std::string References(const ForeignKeyRef& r) {
  std::string out = " REFERENCES " + TableIdent(r.table.back());
  if (!r.columns.empty()) out += "(" + Idents(r.columns) + ")";
  return out + " ON DELETE " + r.on_delete + " ON UPDATE " + r.on_update;
}

}  // namespace

bool MentionsColumn(const Expr& e, const std::string& column) {
  if (e.kind == ExprKind::kColumnRef && !e.names.empty()) {
    if (EqualsIgnoreCase(e.names.back(), column)) return true;
  }
  for (const auto& a : e.args) {
    if (a && MentionsColumn(*a, column)) return true;
  }
  for (const Expr* child : {e.operand.get(), e.else_expr.get(), e.filter.get()}) {
    if (child && MentionsColumn(*child, column)) return true;
  }
  return false;
}

std::string CreateTableSql(const CreateTableStatement& s) {
  std::vector<std::string> parts;
  for (const auto& c : s.columns) {
    std::string p = Ident(c.name) + " " + c.type.ToString();
    if (!c.collation.empty()) p += " COLLATE " + Ident(c.collation);
    if (c.not_null) p += " NOT NULL";
    if (c.primary_key) p += " PRIMARY KEY";
    if (c.unique) p += " UNIQUE";
    if (c.default_value) p += " DEFAULT (" + c.default_value->ToString() + ")";
    if (c.generated) p += " GENERATED ALWAYS AS (" + c.generated->ToString() + ") STORED";
    if (c.check) p += " CHECK (" + c.check->ToString() + ")";
    if (c.references) p += References(*c.references);
    parts.push_back(std::move(p));
  }
  for (const auto& tc : s.constraints) {
    std::string p = tc.name.empty() ? "" : "CONSTRAINT " + Ident(tc.name) + " ";
    switch (tc.kind) {
      case ConstraintKind::kPrimaryKey:
        p += "PRIMARY KEY (" + Idents(tc.columns) + ")";
        break;
      case ConstraintKind::kUnique:
        p += "UNIQUE (" + Idents(tc.columns) + ")";
        break;
      case ConstraintKind::kCheck:
        p += "CHECK (" + tc.check->ToString() + ")";
        break;
      case ConstraintKind::kForeignKey:
        p += "FOREIGN KEY (" + Idents(tc.columns) + ")" + References(*tc.references);
        break;
    }
    parts.push_back(std::move(p));
  }
  return "CREATE TABLE " + TableIdent(s.table.back()) + "(" + Join(parts, ", ") + ")";
}

}  // namespace llkv::sql
