// The parser: libpg_query's protobuf parse tree transformed into LLKV's AST.
// This is the only file that sees protobuf or libpg_query types.
#include "sql/parser.h"

#include "common/ascii.h"

#include "sql/trigger.h"

#include <pg_query.h>

#include <charconv>

#include "llkv/common/error.h"
#include "pg_query.pb.h"
#include "sql/dialect.h"

#include <google/protobuf/io/coded_stream.h>
#include <pthread.h>

namespace llkv::sql {

namespace {

namespace pg = pg_query;
using NodeList = google::protobuf::RepeatedPtrField<pg::Node>;

// Maps PostgreSQL's internal type names back to the SQL ones users write.
std::string SqlTypeName(const std::string& internal) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"int2", "smallint"},
      {"int4", "integer"},
      {"int8", "bigint"},
      {"float4", "real"},
      {"float8", "double"},
      {"numeric", "decimal"},
      {"bool", "boolean"},
      {"bpchar", "char"},
      {"timestamptz", "timestamp with time zone"},
      {"timetz", "time with time zone"}};
  for (const auto& [from, to] : kNames) {
    if (internal == from) return to;
  }
  return internal;
}

// libpg_query writes its parse tree recursively, a stack frame per level
// of nesting: a chain like 1 + 1 + ... of a hundred thousand terms would
// overflow the caller's stack. The parse runs on a thread of its own with
// a 1 GiB stack (address space, committed only as it is used), which holds
// millions of levels; the tree's reader then refuses anything deeper than
// the rest of the pipeline handles. Text under 4 KiB cannot nest past about
// 2,000 levels, which any thread's stack holds: it is parsed in place, as
// a thread per statement would cost more than the parse (mapping and
// unmapping its stack).
PgQueryProtobufParseResult ParseOnLargeStack(const std::string& sql) {
  if (sql.size() < 4096) return pg_query_parse_protobuf(sql.c_str());
  struct Job {
    const std::string* sql;
    PgQueryProtobufParseResult result;
  } job{&sql, {}};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, size_t{1} << 30);
  pthread_t thread;
  const int rc = pthread_create(
      &thread, &attr,
      [](void* arg) -> void* {
        auto* j = static_cast<Job*>(arg);
        j->result = pg_query_parse_protobuf(j->sql->c_str());
        return nullptr;
      },
      &job);
  pthread_attr_destroy(&attr);
  if (rc != 0) return pg_query_parse_protobuf(sql.c_str());  // no thread: parse here
  pthread_join(thread, nullptr);
  return job.result;
}

class Transformer {
 public:
  Transformer(const std::string& original, const RewrittenSql& rewritten)
      : original_(original), text_(rewritten.text), rewritten_(rewritten) {}

  StatementPtr Statement(const pg::RawStmt& raw) {
    const size_t start = static_cast<size_t>(raw.stmt_location());
    const size_t len =
        raw.stmt_len() == 0 ? text_.size() - start : static_cast<size_t>(raw.stmt_len());
    statement_start_ = start;
    statement_end_ = start + len;
    max_parameter_ = 0;
    parameters_ = std::make_shared<ParameterSlots>();
    StatementPtr s = TransformStatement(raw.stmt());
    s->parameters = parameters_;
    s->location = static_cast<int>(rewritten_.OriginalOffset(start));
    s->text = RestoreStructTypes(text_.substr(start, len));
    const size_t first = s->text.find_first_not_of(" \t\r\n");
    s->text = first == std::string::npos ? "" : s->text.substr(first);
    s->parameter_count = max_parameter_;
    parameters_->values.resize(static_cast<size_t>(max_parameter_));
    if (s->kind == StatementKind::kPrepare) {
      // The prepared statement's parameters are its own.
      auto& p = static_cast<PrepareStatement&>(*s);
      p.statement->parameters = parameters_;
      p.statement->parameter_count = max_parameter_;
      p.statement->text = s->text;
      p.statement->location = s->location;
      s->parameters = std::make_shared<ParameterSlots>();
      s->parameter_count = 0;
    }
    return s;
  }

 private:
  [[noreturn]] void Unsupported(const std::string& what, int location = -1) const {
    if (location >= 0) {
      const auto [line, col] =
          LineAndColumn(original_, rewritten_.OriginalOffset(static_cast<size_t>(location)));
      Fail(ErrorKind::kNotImplemented, "{} is not supported (line {}, column {})", what, line, col);
    }
    Fail(ErrorKind::kNotImplemented, "{} is not supported", what);
  }

  // ------------------------------------------------------------ helpers

  static std::string Str(const pg::Node& n) {
    if (n.has_string()) return n.string().sval();
    if (n.has_a_star()) return "*";
    return "";
  }

  static std::vector<std::string> Names(const NodeList& list) {
    std::vector<std::string> out;
    for (const auto& n : list)
      out.push_back(Str(n));
    return out;
  }

  // A table, view or sequence name, as the catalog keys it: "name" for
  // main's objects (the default schema of DuckDB and SQLite), "schema.name"
  // for another schema's (runtime::Database::Schema). `from` keeps DuckDB's
  // recurring.t (a USING KEY CTE's table) as two names.
  static std::vector<std::string> RangeName(const pg::RangeVar& r, bool from = false) {
    if (from && r.catalogname().empty() && EqualsIgnoreCase(r.schemaname(), "recurring"))
      return {r.schemaname(), r.relname()};
    return {QualifiedName(r.catalogname(), r.schemaname(), r.relname())};
  }

  static std::string QualifiedName(const std::string& catalog, const std::string& schema,
                                   const std::string& name) {
    if (!catalog.empty() && !EqualsIgnoreCase(catalog, "main") &&
        !EqualsIgnoreCase(catalog, "memory")) {
      Fail(ErrorKind::kCatalog,
           "Catalog with name {} does not exist! (in {}.{}.{}: LLKV has one database)", catalog,
           catalog, schema, name);
    }
    if (name.find('.') != std::string::npos) {
      Fail(ErrorKind::kCatalog,
           "the name \"{}\" holds a dot, which LLKV's catalog reads as schema.name", name);
    }
    if (schema.empty() || EqualsIgnoreCase(schema, "main")) return name;
    return schema + "." + name;
  }

  // `text` (of the rewritten statement) with its STRUCT types spelled out
  // again: statement text is kept (views, CREATE TABLE) and parsed anew.
  std::string RestoreStructTypes(std::string text) const {
    return ReplaceStructTypeNames(std::move(text), rewritten_.struct_types.size(),
                                  [&](size_t j) { return rewritten_.struct_types[j]; });
  }

  // DuckDB's STRUCT(a INT, b VARCHAR) and MAP(INT, VARCHAR), which the
  // dialect rewriter passes on as the name "__llkv_struct_<i>" of type i of
  // RewrittenSql::struct_types: `body` is what the parentheses hold, and
  // each field's type is parsed on its own (a MAP's fields are unnamed).
  void StructFields(const std::string& body, TypeName* out, int location) {
    const bool named = out->name != "map";
    std::vector<std::string> parts;
    int depth = 0;
    char quote = 0;
    std::string cur;
    for (char c : body) {
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '(' || c == '[') {
        ++depth;
      } else if (c == ')' || c == ']') {
        --depth;
      } else if (c == ',' && depth == 0) {
        parts.push_back(std::move(cur));
        cur.clear();
        continue;
      }
      cur += c;
    }
    parts.push_back(std::move(cur));
    for (std::string& part : parts) {
      const size_t start = part.find_first_not_of(" \t\r\n");
      if (start == std::string::npos) Unsupported("a STRUCT type without a field", location);
      size_t end = start;
      std::string name;
      if (!named) {
        // (the whole part is the type)
      } else if (part[start] == '"') {
        end = start + 1;
        while (end < part.size() &&
               !(part[end] == '"' && (end + 1 >= part.size() || part[end + 1] != '"'))) {
          if (part[end] == '"') ++end;
          name += part[end++];
        }
        ++end;
      } else {
        while (end < part.size() && !std::isspace(static_cast<unsigned char>(part[end])))
          name += part[end++];
      }
      const std::string type_text = part.substr(std::min(end, part.size()));
      std::vector<StatementPtr> parsed = ParseSql("SELECT CAST(NULL AS " + type_text + ")");
      const SelectStmt* select = parsed.size() == 1 && parsed[0]->kind == StatementKind::kSelect
                                     ? static_cast<const SelectStatement&>(*parsed[0]).query.get()
                                     : nullptr;
      if (!select || select->select_list.size() != 1 ||
          select->select_list[0].expr->kind != ExprKind::kCast) {
        Unsupported(std::string(named ? "the STRUCT field type " : "the MAP type ") + type_text,
                    location);
      }
      out->field_names.push_back(name);
      out->field_types.push_back(select->select_list[0].expr->type);
    }
  }

  TypeName Type(const pg::TypeName& t) {
    TypeName out;
    std::vector<std::string> names = Names(t.names());
    if (names.size() == 2 && names[0] == "pg_catalog") names.erase(names.begin());
    if (names.empty()) Unsupported("an unnamed type", t.location());
    static constexpr std::string_view kStruct = "__llkv_struct_";
    if (names.back().starts_with(kStruct)) {
      size_t index = rewritten_.struct_types.size();
      const std::string digits = names.back().substr(kStruct.size());
      std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (index >= rewritten_.struct_types.size()) Unsupported("a STRUCT type", t.location());
      const std::string& text = rewritten_.struct_types[index];
      const size_t open = text.find('(');
      out.name = AsciiLower(text.substr(0, open));
      StructFields(text.substr(open + 1, text.size() - open - 2), &out, t.location());
      if (out.name == "map" && out.field_types.size() != 2) {
        Fail(ErrorKind::kParser, "MAP({}) needs two types, the key's and the value's",
             text.substr(open + 1, text.size() - open - 2));
      }
      out.array_depth = t.array_bounds_size();
      return out;
    }
    out.name = SqlTypeName(names.back());
    // PostgreSQL gives BIT a length (1 when none is written); DuckDB's BIT
    // has none.
    if (out.name == "bit") {
      out.array_depth = t.array_bounds_size();
      return out;
    }
    const bool decimal = out.name == "decimal" || out.name == "numeric";
    if (decimal && t.typmods_size() > 2) {
      Fail(ErrorKind::kBinder, "DECIMAL type can take at most two type modifiers, width and scale");
    }
    for (const auto& m : t.typmods()) {
      if (m.has_a_const() && m.a_const().has_ival()) {
        out.modifiers.push_back(m.a_const().ival().ival());
      } else if (decimal) {
        Fail(ErrorKind::kBinder, "DECIMAL type {} must be an integral type",
             out.modifiers.empty() ? "width" : "scale");
      } else {
        Unsupported("a non-integer type modifier", t.location());
      }
    }
    // PostgreSQL encodes INTERVAL's field restrictions (INTERVAL '90' DAY)
    // as a typmod mask; the binder reads it as the unit of a bare number.
    out.array_depth = t.array_bounds_size();
    return out;
  }

  ExprPtr Make(ExprKind kind, int location) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->location = location;
    return e;
  }

  ExprList Exprs(const NodeList& list) {
    ExprList out;
    for (const auto& n : list)
      out.push_back(Expression(n));
    return out;
  }

  ExprPtr Optional(const pg::Node& n, bool present) { return present ? Expression(n) : nullptr; }

  // ------------------------------------------------------------ expressions

  ExprPtr Constant(const pg::A_Const& c) {
    auto e = Make(ExprKind::kLiteral, c.location());
    if (c.isnull()) return e;
    switch (c.val_case()) {
      case pg::A_Const::kIval:
        e->literal_kind = LiteralKind::kInteger;
        e->int_value = c.ival().ival();
        break;
      case pg::A_Const::kFval: {
        const std::string& f = c.fval().fval();
        int64_t v = 0;
        auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
        if (ec == std::errc() && end == f.data() + f.size()) {
          e->literal_kind = LiteralKind::kInteger;  // an int64 beyond int32
          e->int_value = v;
        } else {
          e->literal_kind = LiteralKind::kNumeric;
          e->text = f;
        }
        break;
      }
      case pg::A_Const::kBoolval:
        e->literal_kind = LiteralKind::kBool;
        e->bool_value = c.boolval().boolval();
        break;
      case pg::A_Const::kSval:
        e->literal_kind = LiteralKind::kString;
        e->text = c.sval().sval();
        break;
      case pg::A_Const::kBsval: {
        // PostgreSQL reads X'..' as a hex bit string ("x..."); it is a blob.
        const std::string& b = c.bsval().bsval();
        if (b.empty() || (b[0] != 'x' && b[0] != 'X') || b.size() % 2 != 1) {
          Unsupported("a binary bit-string constant", c.location());
        }
        e->literal_kind = LiteralKind::kBlob;
        for (size_t i = 1; i + 1 < b.size(); i += 2) {
          e->text += static_cast<char>(std::stoi(b.substr(i, 2), nullptr, 16));
        }
        break;
      }
      default:
        Unsupported("this constant", c.location());
    }
    return e;
  }

  ExprPtr Binary(std::string op, ExprPtr l, ExprPtr r, int location) {
    auto e = Make(ExprKind::kBinaryOp, location);
    e->op = std::move(op);
    e->args.push_back(std::move(l));
    e->args.push_back(std::move(r));
    return e;
  }

  ExprPtr AExpr(const pg::A_Expr& a) {
    const int loc = a.location();
    std::string op = a.name_size() > 0 ? Str(a.name(a.name_size() - 1)) : "";
    switch (a.kind()) {
      case pg::AEXPR_OP: {
        if (!a.has_lexpr()) {  // prefix operator
          auto e = Make(ExprKind::kUnaryOp, loc);
          e->op = op;
          e->args.push_back(Expression(a.rexpr()));
          return e;
        }
        if (op == "~~" || op == "!~~" || op == "~~*" || op == "!~~*") {
          auto e = Binary(op.find('*') != std::string::npos ? "ILIKE" : "LIKE",
                          Expression(a.lexpr()), Expression(a.rexpr()), loc);
          e->negated = op[0] == '!';
          return e;
        }
        return Binary(op, Expression(a.lexpr()), Expression(a.rexpr()), loc);
      }
      case pg::AEXPR_OP_ANY:
      case pg::AEXPR_OP_ALL: {
        // x op ANY (list) / ALL (list): "__llkv_any"(x, list) with the op.
        auto e = Make(ExprKind::kFunction, loc);
        e->names = {a.kind() == pg::AEXPR_OP_ANY ? "__llkv_any" : "__llkv_all"};
        e->op = op;
        e->args.push_back(Expression(a.lexpr()));
        e->args.push_back(Expression(a.rexpr()));
        return e;
      }
      case pg::AEXPR_DISTINCT:
      case pg::AEXPR_NOT_DISTINCT: {
        auto e = Make(ExprKind::kIsDistinctFrom, loc);
        e->negated = a.kind() == pg::AEXPR_NOT_DISTINCT;
        e->args.push_back(Expression(a.lexpr()));
        e->args.push_back(Expression(a.rexpr()));
        return e;
      }
      case pg::AEXPR_NULLIF: {
        auto e = Make(ExprKind::kNullIf, loc);
        e->args.push_back(Expression(a.lexpr()));
        e->args.push_back(Expression(a.rexpr()));
        return e;
      }
      case pg::AEXPR_IN: {
        auto e = Make(ExprKind::kInList, loc);
        e->negated = op == "<>";
        e->args.push_back(Expression(a.lexpr()));
        for (auto& item : Exprs(a.rexpr().list().items()))
          e->args.push_back(std::move(item));
        return e;
      }
      case pg::AEXPR_LIKE:
      case pg::AEXPR_ILIKE:
      case pg::AEXPR_SIMILAR: {
        // The pattern may be like_escape(pattern, escape) or, for SIMILAR,
        // similar_to_escape(pattern[, escape]).
        const char* name = a.kind() == pg::AEXPR_LIKE    ? "LIKE"
                           : a.kind() == pg::AEXPR_ILIKE ? "ILIKE"
                                                         : "SIMILAR";
        ExprPtr pattern, escape;
        const pg::Node& r = a.rexpr();
        if (r.has_func_call() && r.func_call().funcname_size() > 0 &&
            (Str(r.func_call().funcname(r.func_call().funcname_size() - 1)) == "like_escape" ||
             Str(r.func_call().funcname(r.func_call().funcname_size() - 1)) ==
                 "similar_to_escape")) {
          const auto& args = r.func_call().args();
          pattern = Expression(args[0]);
          if (args.size() > 1) escape = Expression(args[1]);
        } else {
          pattern = Expression(r);
        }
        auto e = Binary(name, Expression(a.lexpr()), std::move(pattern), loc);
        if (escape) e->args.push_back(std::move(escape));
        e->negated = op.rfind("!", 0) == 0;
        return e;
      }
      case pg::AEXPR_BETWEEN:
      case pg::AEXPR_NOT_BETWEEN:
      case pg::AEXPR_BETWEEN_SYM:
      case pg::AEXPR_NOT_BETWEEN_SYM: {
        if (a.kind() == pg::AEXPR_BETWEEN_SYM || a.kind() == pg::AEXPR_NOT_BETWEEN_SYM) {
          Unsupported("BETWEEN SYMMETRIC", loc);
        }
        auto e = Make(ExprKind::kBetween, loc);
        e->negated = a.kind() == pg::AEXPR_NOT_BETWEEN;
        e->args.push_back(Expression(a.lexpr()));
        for (auto& bound : Exprs(a.rexpr().list().items()))
          e->args.push_back(std::move(bound));
        return e;
      }
      default:
        Unsupported("this operator form", loc);
    }
  }

  // x[i] (list_extract), x[a:b] (list_slice) and
  // x.field (struct_extract), applied left to right.
  ExprPtr Indirection(const pg::A_Indirection& ind) {
    ExprPtr base = Expression(ind.arg());
    const int loc = base->location;
    for (const auto& el : ind.indirection()) {
      auto call = Make(ExprKind::kFunction, loc);
      call->args.push_back(std::move(base));
      if (el.has_a_indices()) {
        const auto& idx = el.a_indices();
        // An omitted bound is the first (1) or the last (the largest
        // index) element; a NULL bound makes the slice NULL.
        auto bound = [&](bool has, const pg::Node& node, int64_t omitted) {
          if (has) return Expression(node);
          auto e = Make(ExprKind::kLiteral, loc);
          e->literal_kind = LiteralKind::kInteger;
          e->int_value = omitted;
          e->text = std::to_string(omitted);
          return e;
        };
        if (idx.is_slice()) {
          call->names = {"list_slice"};
          call->args.push_back(bound(idx.has_lidx(), idx.lidx(), 1));
          call->args.push_back(bound(idx.has_uidx(), idx.uidx(), INT64_MAX));
        } else {
          call->names = {"list_extract"};
          call->args.push_back(Expression(idx.uidx()));
        }
      } else if (el.has_string()) {
        call->names = {"struct_extract"};
        auto name = Make(ExprKind::kLiteral, loc);
        name->literal_kind = LiteralKind::kString;
        name->text = el.string().sval();
        call->args.push_back(std::move(name));
      } else {
        Unsupported("this subscript", loc);
      }
      base = std::move(call);
    }
    return base;
  }

  ExprPtr Function(const pg::FuncCall& f) {
    const int loc = f.location();
    auto e = Make(ExprKind::kFunction, loc);
    if (f.agg_within_group()) {
      // percentile_cont(f) WITHIN GROUP (ORDER BY x): quantile_cont(x, f)
      // (and percentile_disc, mode() likewise), as DuckDB reads them.
      const std::vector<std::string> names = Names(f.funcname());
      const std::string name = names.empty() ? "" : names.back();
      if (f.agg_order_size() != 1 ||
          (name != "percentile_cont" && name != "percentile_disc" && name != "mode") ||
          (name == "mode") != (f.args_size() == 0) || f.args_size() > 1) {
        Unsupported("WITHIN GROUP on " + name + "()", loc);
      }
      OrderItem order = Sort(f.agg_order(0).sort_by());
      e->names = {name == "percentile_cont"   ? "quantile_cont"
                  : name == "percentile_disc" ? "quantile_disc"
                                              : "mode"};
      e->args.push_back(Expression(f.agg_order(0).sort_by().node()));
      // DESC: the fraction counts from the other end (quantile(x, f ORDER
      // BY x DESC), which the binder reads so).
      if (order.descending && name != "mode") e->order_by.push_back(std::move(order));
      if (f.args_size() == 1) e->args.push_back(Expression(f.args(0)));
      if (f.has_agg_filter()) e->filter = Expression(f.agg_filter());
      if (f.has_over()) e->window = std::make_unique<WindowSpec>(Window(f.over()));
      return e;
    }
    if (f.has_over()) e->window = std::make_unique<WindowSpec>(Window(f.over()));
    e->names = Names(f.funcname());
    if (e->names.size() == 2 && e->names[0] == "pg_catalog") e->names.erase(e->names.begin());
    for (const auto& a : f.args()) {
      if (a.has_named_arg_expr()) {  // name := value (struct_pack's fields)
        e->arg_names.resize(e->args.size());
        e->arg_names.push_back(a.named_arg_expr().name());
        e->args.push_back(Expression(a.named_arg_expr().arg()));
      } else {
        e->args.push_back(Expression(a));
        if (!e->arg_names.empty()) e->arg_names.emplace_back();
      }
    }
    e->distinct = f.agg_distinct();
    e->star_arg = f.agg_star();
    if (f.has_agg_filter()) e->filter = Expression(f.agg_filter());
    for (const auto& s : f.agg_order())
      e->order_by.push_back(Sort(s.sort_by()));
    // mod(a, b) is the % operator; add, subtract, multiply and divide
    // (DuckDB's names) are +, -, * and /.
    static const std::pair<const char*, const char*> kOperators[] = {
        {"mod", "%"}, {"add", "+"}, {"subtract", "-"}, {"multiply", "*"}, {"divide", "/"}};
    for (const auto& [fn, op] : kOperators) {
      if (e->names.size() == 1 && e->names[0] == fn && e->args.size() == 2 && !e->window &&
          !e->filter && !e->distinct && !e->star_arg && e->order_by.empty()) {
        ExprPtr a = std::move(e->args[0]);
        ExprPtr b = std::move(e->args[1]);
        return Binary(op, std::move(a), std::move(b), loc);
      }
    }
    // PostgreSQL spells some SQL syntax as function calls.
    const std::string& name = e->names.back();
    if (e->names.size() == 1 && (name == "date_part" || name == "substring" || name == "position" ||
                                 name == "overlay" || name == "trim" || name == "btrim" ||
                                 name == "ltrim" || name == "rtrim" || name == "timezone")) {
      if (name == "btrim") e->names.back() = "trim";
    }
    return e;
  }

  // PostgreSQL's FRAMEOPTION_* bits (nodes/parsenodes.h).
  enum FrameBits {
    kFrameNonDefault = 0x1,
    kFrameRange = 0x2,
    kFrameRows = 0x4,
    kFrameGroups = 0x8,
    kStartUnboundedPreceding = 0x20,
    kEndUnboundedPreceding = 0x40,
    kStartUnboundedFollowing = 0x80,
    kEndUnboundedFollowing = 0x100,
    kStartCurrentRow = 0x200,
    kEndCurrentRow = 0x400,
    kStartOffsetPreceding = 0x800,
    kEndOffsetPreceding = 0x1000,
    kStartOffsetFollowing = 0x2000,
    kEndOffsetFollowing = 0x4000,
    kExcludeCurrentRow = 0x8000,
    kExcludeGroup = 0x10000,
    kExcludeTies = 0x20000,
  };

  WindowSpec Window(const pg::WindowDef& w) {
    WindowSpec out;
    out.ref_name = !w.refname().empty() ? w.refname() : w.name();
    out.copies_ref = !w.refname().empty();
    out.partition_by = Exprs(w.partition_clause());
    for (const auto& s : w.order_clause())
      out.order_by.push_back(Sort(s.sort_by()));
    const int f = w.frame_options();
    if (f & kFrameNonDefault) {
      out.has_frame = true;
      out.mode = (f & kFrameRows)     ? FrameMode::kRows
                 : (f & kFrameGroups) ? FrameMode::kGroups
                                      : FrameMode::kRange;
      auto bound = [&](bool start, FrameBound* b) {
        const int unbounded_preceding = start ? kStartUnboundedPreceding : kEndUnboundedPreceding;
        const int unbounded_following = start ? kStartUnboundedFollowing : kEndUnboundedFollowing;
        const int current = start ? kStartCurrentRow : kEndCurrentRow;
        const int preceding = start ? kStartOffsetPreceding : kEndOffsetPreceding;
        const int following = start ? kStartOffsetFollowing : kEndOffsetFollowing;
        if (f & unbounded_preceding) {
          b->kind = FrameBoundKind::kUnboundedPreceding;
        } else if (f & unbounded_following) {
          b->kind = FrameBoundKind::kUnboundedFollowing;
        } else if (f & current) {
          b->kind = FrameBoundKind::kCurrentRow;
        } else if (f & (preceding | following)) {
          b->kind = (f & preceding) ? FrameBoundKind::kPreceding : FrameBoundKind::kFollowing;
          b->offset = Expression(start ? w.start_offset() : w.end_offset());
        } else {
          b->kind = start ? FrameBoundKind::kUnboundedPreceding : FrameBoundKind::kCurrentRow;
        }
      };
      bound(true, &out.start);
      bound(false, &out.end);
      if (f & kExcludeCurrentRow) out.exclude = FrameExclude::kCurrentRow;
      if (f & kExcludeGroup) out.exclude = FrameExclude::kGroup;
      if (f & kExcludeTies) out.exclude = FrameExclude::kTies;
    }
    return out;
  }

  ExprPtr SubLink(const pg::SubLink& s) {
    const int loc = s.location();
    auto query = Select(s.subselect().select_stmt());
    switch (s.sub_link_type()) {
      case pg::EXISTS_SUBLINK: {
        auto e = Make(ExprKind::kExists, loc);
        e->subquery = std::move(query);
        return e;
      }
      case pg::EXPR_SUBLINK: {
        auto e = Make(ExprKind::kScalarSubquery, loc);
        e->subquery = std::move(query);
        return e;
      }
      case pg::ANY_SUBLINK:
      case pg::ALL_SUBLINK: {
        const std::string op =
            s.oper_name_size() > 0 ? Str(s.oper_name(s.oper_name_size() - 1)) : "=";
        const bool all = s.sub_link_type() == pg::ALL_SUBLINK;
        if (!all && s.oper_name_size() == 0) {  // x IN (subquery)
          auto e = Make(ExprKind::kInSubquery, loc);
          e->args.push_back(Expression(s.testexpr()));
          e->subquery = std::move(query);
          return e;
        }
        auto e = Make(ExprKind::kQuantified, loc);
        e->op = op;
        e->all = all;
        e->args.push_back(Expression(s.testexpr()));
        e->subquery = std::move(query);
        return e;
      }
      default:
        Unsupported("this kind of subquery", loc);
    }
  }

  ExprPtr Expression(const pg::Node& n) {
    switch (n.node_case()) {
      case pg::Node::kAConst:
        return Constant(n.a_const());
      case pg::Node::kColumnRef: {
        const auto& c = n.column_ref();
        std::vector<std::string> names = Names(c.fields());
        if (!names.empty() && names.back() == "*") {
          auto e = Make(ExprKind::kStar, c.location());
          names.pop_back();
          e->names = std::move(names);
          return e;
        }
        auto e = Make(ExprKind::kColumnRef, c.location());
        e->names = std::move(names);
        return e;
      }
      case pg::Node::kParamRef: {
        auto e = Make(ExprKind::kParameter, n.param_ref().location());
        e->parameter_index = n.param_ref().number();
        if (e->parameter_index <= 0) Unsupported("parameter $0", e->location);
        e->parameters = parameters_;
        max_parameter_ = std::max(max_parameter_, e->parameter_index);
        return e;
      }
      case pg::Node::kAExpr:
        return AExpr(n.a_expr());
      case pg::Node::kBoolExpr: {
        const auto& b = n.bool_expr();
        if (b.boolop() == pg::NOT_EXPR) {
          auto e = Make(ExprKind::kUnaryOp, b.location());
          e->op = "NOT";
          e->args.push_back(Expression(b.args(0)));
          return e;
        }
        // AND/OR with n arguments: a left-deep chain.
        const std::string op = b.boolop() == pg::AND_EXPR ? "AND" : "OR";
        ExprPtr acc = Expression(b.args(0));
        for (int i = 1; i < b.args_size(); ++i) {
          acc = Binary(op, std::move(acc), Expression(b.args(i)), b.location());
        }
        return acc;
      }
      case pg::Node::kNullTest: {
        auto e = Make(ExprKind::kIsNull, n.null_test().location());
        e->negated = n.null_test().nulltesttype() == pg::IS_NOT_NULL;
        e->args.push_back(Expression(n.null_test().arg()));
        return e;
      }
      case pg::Node::kBooleanTest: {
        const auto& t = n.boolean_test();
        auto e = Make(ExprKind::kIsBool, t.location());
        e->args.push_back(Expression(t.arg()));
        switch (t.booltesttype()) {
          case pg::IS_TRUE:
            e->bool_value = true;
            break;
          case pg::IS_NOT_TRUE:
            e->bool_value = true;
            e->negated = true;
            break;
          case pg::IS_FALSE:
            e->bool_value = false;
            break;
          case pg::IS_NOT_FALSE:
            e->bool_value = false;
            e->negated = true;
            break;
          case pg::IS_UNKNOWN:
          case pg::IS_NOT_UNKNOWN: {
            auto null_test = Make(ExprKind::kIsNull, t.location());
            null_test->negated = t.booltesttype() == pg::IS_NOT_UNKNOWN;
            null_test->args = std::move(e->args);
            return null_test;
          }
          default:
            Unsupported("this boolean test", t.location());
        }
        return e;
      }
      case pg::Node::kFuncCall:
        return Function(n.func_call());
      case pg::Node::kGroupingFunc: {
        // GROUPING(a, ...): which of its arguments a grouping set leaves out.
        const auto& g = n.grouping_func();
        auto e = Make(ExprKind::kFunction, g.location());
        e->names = {"grouping"};
        e->args = Exprs(g.args());
        return e;
      }
      case pg::Node::kTypeCast: {
        const auto& c = n.type_cast();
        // agg(x) EXPORT_STATE, as the dialect marked it (a cast to a type
        // no one can name).
        if (const std::vector<std::string> t = Names(c.type_name().names());
            t.size() == 1 && t[0] == "__llkv_export_state") {
          ExprPtr call = Expression(c.arg());
          if (call->kind != ExprKind::kFunction || call->window) {
            const auto [line, col] = LineAndColumn(
                original_, rewritten_.OriginalOffset(static_cast<size_t>(c.location())));
            Fail(ErrorKind::kParser,
                 "EXPORT_STATE must follow an aggregate function call, not {} (line {}, column {})",
                 call->ToString(), line, col);
          }
          call->export_state = true;
          return call;
        }
        // A typed literal such as DATE '2024-01-01' or a '::' cast.
        auto e = Make(ExprKind::kCast, c.location());
        e->args.push_back(Expression(c.arg()));
        e->type = Type(c.type_name());
        e->try_cast =
            c.location() >= 0 && rewritten_.try_casts.contains(static_cast<size_t>(c.location()));
        return e;
      }
      case pg::Node::kCollateClause: {
        const auto& c = n.collate_clause();
        auto e = Make(ExprKind::kCollate, c.location());
        e->args.push_back(Expression(c.arg()));
        const std::vector<std::string> collation = Names(c.collname());
        e->text = collation.empty() ? "" : collation.back();
        return e;
      }
      case pg::Node::kCaseExpr: {
        const auto& c = n.case_expr();
        auto e = Make(ExprKind::kCase, c.location());
        if (c.has_arg()) e->operand = Expression(c.arg());
        for (const auto& w : c.args()) {
          e->args.push_back(Expression(w.case_when().expr()));
          e->args.push_back(Expression(w.case_when().result()));
        }
        if (c.has_defresult()) e->else_expr = Expression(c.defresult());
        return e;
      }
      case pg::Node::kSubLink:
        return SubLink(n.sub_link());
      case pg::Node::kCoalesceExpr: {
        auto e = Make(ExprKind::kCoalesce, n.coalesce_expr().location());
        e->args = Exprs(n.coalesce_expr().args());
        return e;
      }
      case pg::Node::kSetToDefault:
        return Make(ExprKind::kDefault, n.set_to_default().location());
      case pg::Node::kMinMaxExpr: {
        auto e = Make(ExprKind::kGreatestLeast, n.min_max_expr().location());
        e->op = n.min_max_expr().op() == pg::IS_GREATEST ? "greatest" : "least";
        e->args = Exprs(n.min_max_expr().args());
        return e;
      }
      case pg::Node::kSqlvalueFunction: {
        const auto& f = n.sqlvalue_function();
        auto e = Make(ExprKind::kFunction, f.location());
        switch (f.op()) {
          case pg::SVFOP_CURRENT_DATE:
            e->names = {"current_date"};
            break;
          case pg::SVFOP_CURRENT_TIME:
          case pg::SVFOP_CURRENT_TIME_N:
            e->names = {"current_time"};
            break;
          case pg::SVFOP_CURRENT_TIMESTAMP:
          case pg::SVFOP_CURRENT_TIMESTAMP_N:
            e->names = {"current_timestamp"};
            break;
          case pg::SVFOP_LOCALTIMESTAMP:
          case pg::SVFOP_LOCALTIMESTAMP_N:
            e->names = {"localtimestamp"};
            break;
          default:
            Unsupported("this SQL value function", f.location());
        }
        return e;
      }
      case pg::Node::kAStar:
        return Make(ExprKind::kStar, -1);
      case pg::Node::kAArrayExpr: {  // ARRAY[a, b] and DuckDB's [a, b]: a LIST
        auto e = Make(ExprKind::kFunction, n.a_array_expr().location());
        e->names = {"list_value"};
        e->args = Exprs(n.a_array_expr().elements());
        return e;
      }
      case pg::Node::kAIndirection:
        return Indirection(n.a_indirection());
      case pg::Node::kRowExpr: {  // ROW(a, b) and (a, b): a row (an unnamed STRUCT)
        auto e = Make(ExprKind::kFunction, n.row_expr().location());
        e->names = {"row"};
        e->args = Exprs(n.row_expr().args());
        return e;
      }
      default:
        Unsupported(fmt::format("expression node {}",
                                pg::Node::descriptor()->FindFieldByNumber(n.node_case())->name()),
                    -1);
    }
  }

  // ------------------------------------------------------------ queries

  OrderItem Sort(const pg::SortBy& s) {
    OrderItem o;
    o.expr = Expression(s.node());
    o.all = o.expr->kind == ExprKind::kLiteral && o.expr->location >= 0 &&
            rewritten_.order_by_all.contains(static_cast<size_t>(o.expr->location));
    if (s.sortby_dir() == pg::SORTBY_USING) Unsupported("ORDER BY ... USING", s.location());
    o.descending = s.sortby_dir() == pg::SORTBY_DESC;
    o.direction_given = s.sortby_dir() == pg::SORTBY_DESC || s.sortby_dir() == pg::SORTBY_ASC;
    o.nulls = s.sortby_nulls() == pg::SORTBY_NULLS_FIRST  ? NullOrder::kFirst
              : s.sortby_nulls() == pg::SORTBY_NULLS_LAST ? NullOrder::kLast
                                                          : NullOrder::kDefault;
    return o;
  }

  void ApplyAlias(TableRef& t, const pg::Alias& a) {
    t.alias = a.aliasname();
    t.column_aliases = Names(a.colnames());
  }

  TableRefPtr FromItem(const pg::Node& n) {
    auto t = std::make_unique<TableRef>();
    switch (n.node_case()) {
      case pg::Node::kRangeVar: {
        const auto& r = n.range_var();
        t->kind = TableRefKind::kBaseTable;
        t->location = r.location();
        t->name = RangeName(r, /*from=*/true);
        if (r.has_alias()) ApplyAlias(*t, r.alias());
        return t;
      }
      case pg::Node::kRangeSubselect: {
        const auto& r = n.range_subselect();
        t->kind = TableRefKind::kSubquery;
        t->lateral = r.lateral();
        t->subquery = Select(r.subquery().select_stmt());
        if (r.has_alias()) ApplyAlias(*t, r.alias());
        return t;
      }
      case pg::Node::kJoinExpr: {
        const auto& j = n.join_expr();
        t->kind = TableRefKind::kJoin;
        t->natural = j.is_natural();
        t->left = FromItem(j.larg());
        t->right = FromItem(j.rarg());
        t->using_columns = Names(j.using_clause());
        if (j.has_quals()) t->on = Expression(j.quals());
        switch (j.jointype()) {
          case pg::JOIN_INNER:
            t->join_type = (!j.has_quals() && t->using_columns.empty() && !t->natural)
                               ? JoinType::kCross
                               : JoinType::kInner;
            break;
          case pg::JOIN_LEFT:
            t->join_type = JoinType::kLeft;
            break;
          case pg::JOIN_RIGHT:
            t->join_type = JoinType::kRight;
            break;
          case pg::JOIN_FULL:
            t->join_type = JoinType::kFull;
            break;
          default:
            Unsupported("this join type");
        }
        // ASOF joins, marked by the dialect rewriter.
        if (t->on && t->on->kind == ExprKind::kFunction && t->on->names.size() == 1 &&
            (t->on->names[0] == "__llkv_asof" || t->on->names[0] == "__llkv_asof_using")) {
          t->asof = true;
          if (t->on->names[0] == "__llkv_asof") {
            ExprPtr condition = std::move(t->on->args.at(0));
            t->on = std::move(condition);
          } else {
            for (const auto& a : t->on->args)
              t->using_columns.push_back(a->text);
            t->on = nullptr;
          }
        }
        // SEMI / ANTI JOIN, marked by the dialect rewriter.
        if (t->on && t->on->kind == ExprKind::kFunction && t->on->names.size() == 1 &&
            (t->on->names[0] == "__llkv_semi" || t->on->names[0] == "__llkv_anti") &&
            t->on->args.size() == 1 && t->join_type == JoinType::kInner) {
          t->join_type = t->on->names[0] == "__llkv_semi" ? JoinType::kSemi : JoinType::kAnti;
          ExprPtr condition = std::move(t->on->args[0]);
          t->on = std::move(condition);
        }
        if (j.has_alias()) ApplyAlias(*t, j.alias());
        return t;
      }
      case pg::Node::kRangeFunction: {
        const auto& r = n.range_function();
        if (r.ordinality()) Unsupported("WITH ORDINALITY");
        if (r.is_rowsfrom() || r.functions_size() != 1) Unsupported("ROWS FROM");
        if (r.coldeflist_size() > 0) Unsupported("a column definition list");
        const auto& items = r.functions(0).list().items();
        if (items.empty() || !items[0].has_func_call()) Unsupported("this table function");
        const auto& call = items[0].func_call();
        t->kind = TableRefKind::kFunction;
        t->location = call.location();
        t->name = Names(call.funcname());
        t->function_args = Exprs(call.args());
        // A table function over columns (range(t.n)) is lateral, as in
        // DuckDB: it becomes LATERAL (SELECT * FROM f(...)) named as f.
        const bool reads_columns = std::any_of(t->function_args.begin(), t->function_args.end(),
                                               [](const ExprPtr& a) { return NamesColumn(*a); });
        if (r.lateral() || reads_columns) {
          auto inner = std::make_unique<TableRef>();
          inner->kind = TableRefKind::kFunction;
          inner->location = t->location;
          inner->name = t->name;
          inner->function_args = std::move(t->function_args);
          auto star = SelectItem{};
          star.expr = Make(ExprKind::kStar, t->location);
          auto query = std::make_unique<SelectStmt>();
          query->select_list.push_back(std::move(star));
          query->from.push_back(std::move(inner));
          t->kind = TableRefKind::kSubquery;
          t->subquery = std::move(query);
          t->lateral = true;
          t->alias = t->name.back();
        }
        if (r.has_alias()) ApplyAlias(*t, r.alias());
        return t;
      }
      default:
        Unsupported("this FROM item");
    }
  }

  // Whether `e` names a column (outside any subquery of it).
  static bool NamesColumn(const Expr& e) {
    if (e.kind == ExprKind::kColumnRef) return true;
    for (const auto& a : e.args) {
      if (NamesColumn(*a)) return true;
    }
    return (e.operand && NamesColumn(*e.operand)) || (e.else_expr && NamesColumn(*e.else_expr));
  }

  // The position in q->group_by of `e` (added when new).
  size_t GroupExpr(const pg::Node& n, SelectStmt* q) {
    ExprPtr e = Expression(n);
    const std::string text = e->ToString();
    for (size_t i = 0; i < q->group_by.size(); ++i) {
      if (q->group_by[i]->ToString() == text) return i;
    }
    q->group_by.push_back(std::move(e));
    return q->group_by.size() - 1;
  }

  // The grouping sets one GROUP BY element stands for.
  std::vector<std::vector<size_t>> GroupingSets(const pg::Node& g, SelectStmt* q) {
    auto unit = [&](const pg::Node& n) {  // (a, b) is one element of ROLLUP / CUBE
      std::vector<size_t> out;
      if (n.has_row_expr()) {
        for (const auto& a : n.row_expr().args())
          out.push_back(GroupExpr(a, q));
      } else {
        out.push_back(GroupExpr(n, q));
      }
      return out;
    };
    if (!g.has_grouping_set()) return {unit(g)};
    const auto& set = g.grouping_set();
    std::vector<std::vector<size_t>> units;
    switch (set.kind()) {
      case pg::GROUPING_SET_EMPTY:
        return {{}};
      case pg::GROUPING_SET_SIMPLE: {
        std::vector<size_t> all;
        for (const auto& c : set.content())
          for (size_t i : unit(c))
            all.push_back(i);
        return {all};
      }
      case pg::GROUPING_SET_ROLLUP: {
        for (const auto& c : set.content())
          units.push_back(unit(c));
        std::vector<std::vector<size_t>> out;
        for (size_t k = units.size() + 1; k-- > 0;) {
          std::vector<size_t> prefix;
          for (size_t u = 0; u < k; ++u)
            prefix.insert(prefix.end(), units[u].begin(), units[u].end());
          out.push_back(prefix);
        }
        return out;
      }
      case pg::GROUPING_SET_CUBE: {
        for (const auto& c : set.content())
          units.push_back(unit(c));
        if (units.size() > 12) Unsupported("CUBE of more than 12 elements", set.location());
        std::vector<std::vector<size_t>> out;
        const size_t n = units.size();
        for (size_t mask = (size_t{1} << n); mask-- > 0;) {
          std::vector<size_t> subset;
          for (size_t u = 0; u < n; ++u) {
            if (mask & (size_t{1} << (n - 1 - u)))
              subset.insert(subset.end(), units[u].begin(), units[u].end());
          }
          out.push_back(subset);
        }
        return out;
      }
      case pg::GROUPING_SET_SETS: {
        std::vector<std::vector<size_t>> out;
        for (const auto& c : set.content()) {
          for (auto& inner : GroupingSets(c, q))
            out.push_back(std::move(inner));
        }
        return out;
      }
      default:
        Unsupported("this kind of grouping set", set.location());
    }
  }

  // GROUP BY: plain expressions, or grouping sets (several elements
  // combine as their cross product).
  void GroupBy(const NodeList& clause, SelectStmt* q) {
    bool any_set = false;
    for (const auto& g : clause)
      any_set = any_set || g.has_grouping_set();
    if (!any_set) {
      for (const auto& g : clause)
        q->group_by.push_back(Expression(g));
      if (q->group_by.size() == 1 && q->group_by[0]->kind == ExprKind::kLiteral &&
          q->group_by[0]->location >= 0 &&
          rewritten_.group_by_all.contains(static_cast<size_t>(q->group_by[0]->location))) {
        q->group_by.clear();
        q->group_by_all = true;
      }
      return;
    }
    std::vector<std::vector<size_t>> sets{{}};
    for (const auto& g : clause) {
      std::vector<std::vector<size_t>> next;
      for (const auto& left : sets) {
        for (const auto& right : GroupingSets(g, q)) {
          std::vector<size_t> both = left;
          for (size_t i : right) {
            if (std::find(both.begin(), both.end(), i) == both.end()) both.push_back(i);
          }
          next.push_back(std::move(both));
        }
      }
      sets = std::move(next);
      if (sets.size() > 4096) Unsupported("more than 4096 grouping sets");
    }
    q->grouping_sets = std::move(sets);
  }

  std::unique_ptr<SelectStmt> Select(const pg::SelectStmt& s) {
    auto out = std::make_unique<SelectStmt>();
    if (s.has_with_clause()) {
      out->recursive = s.with_clause().recursive();
      for (const auto& c : s.with_clause().ctes()) {
        const auto& cte = c.common_table_expr();
        if (cte.ctename() == "__llkv_using_key") {  // USING KEY of the CTE before (dialect.h)
          if (out->ctes.empty() || !out->recursive || !out->ctes.back().query) {
            Fail(ErrorKind::kParser, "USING KEY needs a recursive CTE (WITH RECURSIVE)");
          }
          std::unique_ptr<SelectStmt> keys = Select(cte.ctequery().select_stmt());
          out->ctes.back().using_key = std::move(keys->select_list);
          continue;
        }
        CommonTableExpr e;
        e.name = cte.ctename();
        e.column_names = Names(cte.aliascolnames());
        const pg::Node& body = cte.ctequery();
        if (body.has_select_stmt()) {
          e.query = Select(body.select_stmt());
        } else if (body.has_insert_stmt() || body.has_update_stmt() || body.has_delete_stmt()) {
          if (out->recursive) {
            Fail(ErrorKind::kParser,
                 "Recursive CTEs with DML statements are not supported (CTE \"{}\")", e.name);
          }
          StatementPtr dml = TransformStatement(body);
          dml->text = e.name;  // for ToString; the statement is not run by its text
          e.dml = std::move(dml);
        } else {
          Fail(ErrorKind::kParser,
               "A CTE body must be a SELECT, INSERT, UPDATE or DELETE statement (CTE \"{}\")",
               e.name);
        }
        out->ctes.push_back(std::move(e));
      }
    }
    if (s.has_into_clause()) Unsupported("SELECT INTO");
    if (s.locking_clause_size() > 0) Unsupported("FOR UPDATE/SHARE");
    for (const auto& w : s.window_clause()) {
      if (w.window_def().name() == "__llkv_qualify") {  // QUALIFY (see dialect.h)
        out->qualify = Expression(w.window_def().partition_clause(0));
        continue;
      }
      WindowSpec spec = Window(w.window_def());
      spec.ref_name = w.window_def().refname();  // `name` is its own name here
      spec.copies_ref = !spec.ref_name.empty();
      // Each name once; a window builds only on one defined before it
      // (PostgreSQL's rules).
      const std::string& name = w.window_def().name();
      bool ref_found = spec.ref_name.empty();
      for (const auto& [earlier, _] : out->windows) {
        if (EqualsIgnoreCase(earlier, name)) {
          Fail(ErrorKind::kBinder, "window \"{}\" is already defined", name);
        }
        ref_found = ref_found || EqualsIgnoreCase(earlier, spec.ref_name);
      }
      if (!ref_found) {
        Fail(ErrorKind::kBinder,
             "window \"{}\" does not exist (a window may build only on one "
             "defined before it)",
             spec.ref_name);
      }
      out->windows.emplace_back(name, std::move(spec));
    }
    switch (s.op()) {
      case pg::SETOP_UNION:
        out->set_op = SetOpKind::kUnion;
        break;
      case pg::SETOP_INTERSECT:
        out->set_op = SetOpKind::kIntersect;
        break;
      case pg::SETOP_EXCEPT:
        out->set_op = SetOpKind::kExcept;
        break;
      default:
        break;
    }
    if (out->set_op != SetOpKind::kNone) {
      out->set_all = s.all();
      out->left = Select(s.larg());
      out->right = Select(s.rarg());
    } else if (s.values_lists_size() > 0) {
      for (const auto& row : s.values_lists())
        out->values.push_back(Exprs(row.list().items()));
    } else {
      for (const auto& d : s.distinct_clause()) {
        out->distinct = true;
        if (d.node_case() != pg::Node::NODE_NOT_SET) out->distinct_on.push_back(Expression(d));
      }
      for (const auto& t : s.target_list()) {
        const auto& r = t.res_target();
        if (StarModifier(r.val(), out->select_list)) continue;
        SelectItem item;
        item.expr = Expression(r.val());
        item.alias = r.name();
        out->select_list.push_back(std::move(item));
      }
      for (const auto& f : s.from_clause())
        out->from.push_back(FromItem(f));
      if (s.has_where_clause()) out->where = Expression(s.where_clause());
      GroupBy(s.group_clause(), out.get());
      if (s.group_distinct()) Unsupported("GROUP BY DISTINCT");
      if (s.has_having_clause()) out->having = Expression(s.having_clause());
    }
    for (const auto& o : s.sort_clause())
      out->order_by.push_back(Sort(o.sort_by()));
    if (s.has_limit_count()) out->limit = Expression(s.limit_count());
    if (s.has_limit_offset()) out->offset = Expression(s.limit_offset());
    if (s.limit_option() == pg::LIMIT_OPTION_WITH_TIES) Unsupported("FETCH ... WITH TIES");
    return out;
  }

  // A select-list call "__llkv_star_exclude"(a, ...) or
  // "__llkv_star_replace"(e, a, ...) (see dialect.h): folded into the star
  // before it; false for any other item.
  bool StarModifier(const pg::Node& n, std::vector<SelectItem>& list) {
    if (n.node_case() != pg::Node::kFuncCall) return false;
    const auto& call = n.func_call();
    const std::vector<std::string> name = Names(call.funcname());
    if (name.size() != 1 || (name[0] != "__llkv_star_exclude" && name[0] != "__llkv_star_replace" &&
                             name[0] != "__llkv_star_filter" && name[0] != "__llkv_star_rename")) {
      return false;
    }
    if (name[0] == "__llkv_star_rename") {
      if (list.empty() || list.back().expr->kind != ExprKind::kStar) {
        Unsupported("RENAME after something other than *", call.location());
      }
      Expr& star = *list.back().expr;
      ExprList args = Exprs(call.args());
      for (size_t i = 0; i < args.size(); i += 2) {
        if (i + 1 >= args.size() || args[i]->kind != ExprKind::kColumnRef ||
            args[i + 1]->kind != ExprKind::kColumnRef || args[i + 1]->names.size() != 1) {
          Fail(ErrorKind::kParser, "RENAME takes a list of column AS new_name");
        }
        for (const auto& [seen, to] : star.star_renames) {
          if (EqualsIgnoreCase(seen.back(), args[i]->names.back())) {
            Fail(ErrorKind::kParser, "Duplicate entry \"{}\" in RENAME list", seen.back());
          }
        }
        star.star_renames.emplace_back(args[i]->names, args[i + 1]->names[0]);
      }
      return true;
    }
    if (name[0] == "__llkv_star_filter") {
      if (list.empty() || list.back().expr->kind != ExprKind::kStar) {
        Fail(ErrorKind::kParser, "a LIKE / SIMILAR TO column filter must follow *");
      }
      Expr& star = *list.back().expr;
      ExprList args = Exprs(call.args());
      auto text = [&](size_t i, const char* what) -> std::string {
        const Expr& a = *args[i];
        if (a.kind == ExprKind::kLiteral && a.literal_kind == LiteralKind::kNull) return "";
        if (a.kind != ExprKind::kLiteral || a.literal_kind != LiteralKind::kString) {
          Fail(ErrorKind::kBinder,
               "the {} of a star's column filter must be a constant string, not {}", what,
               a.ToString());
        }
        return a.text;
      };
      if (!star.star_replace.empty()) {
        Fail(ErrorKind::kBinder, "Replace list cannot be combined with a filtering operation");
      }
      star.star_filter_op = args[0]->text;
      star.star_filter_pattern = text(1, "pattern");
      star.star_filter_escape = text(2, "ESCAPE");
      if (args.size() > 3) star.star_rename = text(3, "rename");
      return true;
    }
    const bool exclude = name[0] == "__llkv_star_exclude";
    if (list.empty() || list.back().expr->kind != ExprKind::kStar) {
      Unsupported(
          exclude ? "EXCLUDE after something other than *" : "REPLACE after something other than *",
          call.location());
    }
    Expr& star = *list.back().expr;
    ExprList args = Exprs(call.args());
    if (exclude) {
      for (const auto& a : args) {
        std::vector<std::string> name;
        if (a->kind == ExprKind::kColumnRef) {
          name = a->names;
        } else if (a->kind == ExprKind::kLiteral && a->literal_kind == LiteralKind::kString) {
          name = {a->text};  // EXCLUDE ('i')
        } else {
          Fail(ErrorKind::kParser, "EXCLUDE takes column names, not {}", a->ToString());
        }
        for (const auto& seen : star.star_exclude) {
          const bool same_qualifier =
              seen.size() < 2 || name.size() < 2 ||
              EqualsIgnoreCase(seen[seen.size() - 2], name[name.size() - 2]);
          if (EqualsIgnoreCase(seen.back(), name.back()) && same_qualifier) {
            Fail(ErrorKind::kParser, "Duplicate entry \"{}\" in EXCLUDE list", name.back());
          }
        }
        star.star_exclude.push_back(std::move(name));
      }
      return true;
    }
    if (!star.star_filter_op.empty()) {
      Fail(ErrorKind::kBinder, "Replace list cannot be combined with a filtering operation");
    }
    if (args.size() % 2 != 0) Fail(ErrorKind::kParser, "REPLACE takes a list of expr AS column");
    for (size_t i = 0; i < args.size(); i += 2) {
      if (args[i + 1]->kind != ExprKind::kColumnRef || args[i + 1]->names.size() != 1) {
        Fail(ErrorKind::kParser, "REPLACE takes a list of expr AS column");
      }
      star.star_replace.push_back(args[i + 1]->names[0]);
      star.args.push_back(std::move(args[i]));
    }
    return true;
  }

  std::vector<SelectItem> Returning(const NodeList& list) {
    std::vector<SelectItem> out;
    for (const auto& t : list) {
      if (StarModifier(t.res_target().val(), out)) continue;
      SelectItem item;
      item.expr = Expression(t.res_target().val());
      item.alias = t.res_target().name();
      out.push_back(std::move(item));
    }
    return out;
  }

  std::vector<SetItem> SetList(const NodeList& list) {
    std::vector<SetItem> out;
    for (const auto& t : list) {
      const auto& r = t.res_target();
      if (r.indirection_size() > 0) Unsupported("assignment to a field or element", r.location());
      if (r.val().has_multi_assign_ref()) Unsupported("multi-column assignment", r.location());
      out.push_back({r.name(), Expression(r.val()), r.location()});
    }
    return out;
  }

  // ------------------------------------------------------------ statements

  // A WITH clause of INSERT, UPDATE or DELETE, as a query holding only it.
  std::unique_ptr<SelectStmt> WithClause(const pg::WithClause& w) {
    pg::SelectStmt with;
    *with.mutable_with_clause() = w;
    return Select(with);
  }

  StatementPtr Insert(const pg::InsertStmt& s) {
    auto out = std::make_unique<InsertStatement>();
    out->table = RangeName(s.relation());
    if (s.relation().has_alias()) out->alias = s.relation().alias().aliasname();
    for (const auto& c : s.cols())
      out->columns.push_back(c.res_target().name());
    if (s.has_select_stmt()) out->source = Select(s.select_stmt().select_stmt());
    // INSERT INTO t WITH x AS (INSERT ...) SELECT ...: the WITH belongs to
    // the query, not the statement (PostgreSQL's rule; WITH x AS (INSERT
    // ...) INSERT INTO t ... is the form that runs it).
    if (out->source) {
      for (const auto& c : out->source->ctes) {
        if (c.dml) {
          Fail(ErrorKind::kBinder,
               "WITH clause containing a data-modifying statement must be at the top level "
               "(CTE \"{}\"): write WITH ... INSERT INTO",
               c.name);
        }
      }
    }
    if (s.has_with_clause()) {
      // WITH ... INSERT INTO t SELECT ...: the CTEs are the source query's
      // (they come before any it has of its own).
      if (!out->source) Unsupported("WITH in INSERT ... DEFAULT VALUES");
      std::unique_ptr<SelectStmt> ctes = WithClause(s.with_clause());
      if (!out->source->ctes.empty() && ctes->recursive != out->source->recursive) {
        Unsupported("WITH RECURSIVE on both INSERT and its query");
      }
      out->source->recursive = out->source->recursive || ctes->recursive;
      for (auto& c : out->source->ctes)
        ctes->ctes.push_back(std::move(c));
      out->source->ctes = std::move(ctes->ctes);
    }
    // INSERT OR REPLACE / OR IGNORE / REPLACE INTO, recorded by the rewriter
    // at the INSERT keyword of this statement.
    auto action = rewritten_.insert_actions.lower_bound(statement_start_);
    if (action != rewritten_.insert_actions.end() && action->first < statement_end_) {
      out->on_conflict = action->second;
    }
    if (s.has_on_conflict_clause()) {
      if (out->on_conflict != ConflictAction::kNone) {
        Fail(ErrorKind::kParser,
             "You can not provide both OR REPLACE|IGNORE and an ON CONFLICT clause: INSERT OR "
             "REPLACE / INSERT OR IGNORE already says what a conflict does");
      }
      const auto& c = s.on_conflict_clause();
      out->on_conflict =
          c.action() == pg::ONCONFLICT_UPDATE ? ConflictAction::kUpdate : ConflictAction::kNothing;
      if (c.has_infer()) {
        if (!c.infer().conname().empty()) Unsupported("ON CONFLICT ON CONSTRAINT", c.location());
        for (const auto& e : c.infer().index_elems()) {
          // A column named twice is the same target: (a, b, a) is (a, b).
          const std::string& name = e.index_elem().name();
          bool repeated = false;
          for (const auto& existing : out->conflict_columns)
            repeated = repeated || EqualsIgnoreCase(existing, name);
          if (!repeated) out->conflict_columns.push_back(name);
        }
      }
      out->conflict_set = SetList(c.target_list());
      if (c.has_where_clause()) out->conflict_where = Expression(c.where_clause());
    }
    out->returning = Returning(s.returning_list());
    return out;
  }

  // Whether the statement being transformed was CREATE OR REPLACE TABLE.
  bool TableOrReplace() const {
    auto flag = rewritten_.table_or_replace.lower_bound(statement_start_);
    return flag != rewritten_.table_or_replace.end() && *flag < statement_end_;
  }

  std::unique_ptr<ForeignKeyRef> ForeignKey(const pg::Constraint& c) {
    auto fk = std::make_unique<ForeignKeyRef>();
    fk->table = RangeName(c.pktable());
    fk->columns = Names(c.pk_attrs());
    auto action = [](const std::string& code) -> std::string {
      switch (code.empty() ? 'a' : code[0]) {
        case 'r':
          return "restrict";
        case 'c':
          return "cascade";
        case 'n':
          return "set null";
        case 'd':
          return "set default";
        default:
          return "no action";
      }
    };
    fk->on_delete = action(c.fk_del_action());
    fk->on_update = action(c.fk_upd_action());
    return fk;
  }

  ColumnDef ColumnDefinition(const pg::ColumnDef& d) {
    ColumnDef col;
    col.name = d.colname();
    col.type = Type(d.type_name());
    col.location = d.location();
    col.not_null = d.is_not_null();
    // COLLATE on the column; its name is checked when the table is created
    // (sql/collation.h), so a stored definition always reads back.
    if (d.has_coll_clause()) {
      const std::vector<std::string> collation = Names(d.coll_clause().collname());
      if (!collation.empty()) col.collation = collation.back();
    }
    if (d.has_raw_default()) col.default_value = Expression(d.raw_default());
    for (const auto& cn : d.constraints()) {
      const auto& c = cn.constraint();
      switch (c.contype()) {
        case pg::CONSTR_NULL:
          break;
        case pg::CONSTR_NOTNULL:
          col.not_null = true;
          break;
        case pg::CONSTR_DEFAULT:
          col.default_value = Expression(c.raw_expr());
          break;
        case pg::CONSTR_CHECK:
          col.check = Expression(c.raw_expr());
          break;
        case pg::CONSTR_PRIMARY:
          col.primary_key = true;
          break;
        case pg::CONSTR_UNIQUE:
          col.unique = true;
          break;
        case pg::CONSTR_FOREIGN:
          col.references = ForeignKey(c);
          break;
        case pg::CONSTR_GENERATED:
          col.generated = Expression(c.raw_expr());
          break;
        case pg::CONSTR_ATTR_DEFERRABLE:
        case pg::CONSTR_ATTR_NOT_DEFERRABLE:
        case pg::CONSTR_ATTR_DEFERRED:
        case pg::CONSTR_ATTR_IMMEDIATE:
          break;
        default:
          Unsupported("this column constraint", c.location());
      }
    }
    return col;
  }

  StatementPtr AlterTable(const pg::AlterTableStmt& s) {
    if (s.objtype() != pg::OBJECT_TABLE) Unsupported("ALTER of this kind of object");
    auto out = std::make_unique<AlterTableStatement>();
    out->table = RangeName(s.relation());
    out->if_exists = s.missing_ok();
    for (const auto& node : s.cmds()) {
      const auto& c = node.alter_table_cmd();
      AlterAction a;
      a.column = c.name();
      a.missing_ok = c.missing_ok();
      switch (c.subtype()) {
        case pg::AT_AddColumn:
          a.kind = AlterKind::kAddColumn;
          a.definition = ColumnDefinition(c.def().column_def());
          break;
        case pg::AT_DropColumn:
          a.kind = AlterKind::kDropColumn;
          break;
        case pg::AT_AlterColumnType: {
          a.kind = AlterKind::kAlterType;
          const auto& d = c.def().column_def();
          a.definition.name = c.name();
          a.definition.type = Type(d.type_name());
          if (d.has_raw_default()) a.expr = Expression(d.raw_default());
          break;
        }
        case pg::AT_ColumnDefault:
          a.kind = c.has_def() ? AlterKind::kSetDefault : AlterKind::kDropDefault;
          if (c.has_def()) a.expr = Expression(c.def());
          break;
        case pg::AT_SetNotNull:
          a.kind = AlterKind::kSetNotNull;
          break;
        case pg::AT_DropNotNull:
          a.kind = AlterKind::kDropNotNull;
          break;
        default:
          Unsupported("this ALTER TABLE action");
      }
      out->actions.push_back(std::move(a));
    }
    return out;
  }

  StatementPtr Rename(const pg::RenameStmt& s) {
    auto out = std::make_unique<AlterTableStatement>();
    AlterAction a;
    a.new_name = s.newname();
    if (s.rename_type() == pg::OBJECT_TABLE) {
      a.kind = AlterKind::kRenameTable;
      // The table stays in its schema.
      a.new_name = QualifiedName("", s.relation().schemaname(), s.newname());
    } else if (s.rename_type() == pg::OBJECT_COLUMN && s.relation_type() == pg::OBJECT_TABLE) {
      a.kind = AlterKind::kRenameColumn;
      a.column = s.subname();
    } else {
      Unsupported("renaming this kind of object");
    }
    out->table = RangeName(s.relation());
    out->if_exists = s.missing_ok();
    out->actions.push_back(std::move(a));
    return out;
  }

  StatementPtr CreateTable(const pg::CreateStmt& s) {
    auto out = std::make_unique<CreateTableStatement>();
    out->table = RangeName(s.relation());
    out->if_not_exists = s.if_not_exists();
    out->temporary = s.relation().relpersistence() == "t";
    if (s.inh_relations_size() > 0) Unsupported("INHERITS");
    for (const auto& elt : s.table_elts()) {
      if (elt.has_column_def()) {
        ColumnDef col = ColumnDefinition(elt.column_def());
        out->columns.push_back(std::move(col));
      } else if (elt.has_constraint()) {
        const auto& c = elt.constraint();
        TableConstraint tc;
        tc.name = c.conname();
        switch (c.contype()) {
          case pg::CONSTR_PRIMARY:
            tc.kind = ConstraintKind::kPrimaryKey;
            tc.columns = Names(c.keys());
            break;
          case pg::CONSTR_UNIQUE:
            tc.kind = ConstraintKind::kUnique;
            tc.columns = Names(c.keys());
            break;
          case pg::CONSTR_CHECK:
            tc.kind = ConstraintKind::kCheck;
            tc.check = Expression(c.raw_expr());
            break;
          case pg::CONSTR_FOREIGN:
            tc.kind = ConstraintKind::kForeignKey;
            tc.columns = Names(c.fk_attrs());
            tc.references = ForeignKey(c);
            break;
          default:
            Unsupported("this table constraint", c.location());
        }
        out->constraints.push_back(std::move(tc));
      } else {
        Unsupported("this table element (LIKE?)");
      }
    }
    return out;
  }

  StatementPtr Copy(const pg::CopyStmt& s) {
    if (s.is_program()) Unsupported("COPY to or from a program");
    if (s.has_where_clause()) Unsupported("COPY ... WHERE");
    if (s.filename().empty()) Unsupported("COPY to or from STDIN/STDOUT");
    auto out = std::make_unique<CopyStatement>();
    if (s.has_relation()) out->table = RangeName(s.relation());
    if (s.has_query()) out->query = Select(s.query().select_stmt());
    out->columns = Names(s.attlist());
    out->from = s.is_from();
    out->file = s.filename();
    for (const auto& o : s.options()) {
      const auto& d = o.def_elem();
      CopyOption option;
      option.name = AsciiLower(d.defname());
      if (!d.has_arg()) {
        option.value = execution::Value::Bool(true);
      } else if (d.arg().has_string()) {
        option.value = execution::Value::String(d.arg().string().sval());
      } else if (d.arg().has_integer()) {
        option.value = execution::Value::Int64(d.arg().integer().ival());
      } else if (d.arg().has_boolean()) {
        option.value = execution::Value::Bool(d.arg().boolean().boolval());
      } else if (d.arg().has_a_const()) {
        ExprPtr c = Constant(d.arg().a_const());
        if (c->literal_kind == LiteralKind::kBool) {
          option.value = execution::Value::Bool(c->bool_value);
        } else if (c->literal_kind == LiteralKind::kInteger) {
          option.value = execution::Value::Int64(c->int_value);
        } else {
          option.value = execution::Value::String(c->text);
        }
      } else if (d.arg().has_list() && d.arg().list().items_size() > 0) {
        // (FORCE_QUOTE (a, b)) and the like: the names, comma-separated.
        option.value = execution::Value::String(
            fmt::format("{}", fmt::join(Names(d.arg().list().items()), ",")));
      } else {
        Unsupported(fmt::format("the value of COPY option {}", d.defname()), d.location());
      }
      out->options.push_back(std::move(option));
    }
    return out;
  }

  StatementPtr TransformStatement(const pg::Node& n) {
    switch (n.node_case()) {
      case pg::Node::kSelectStmt: {
        auto out = std::make_unique<SelectStatement>();
        out->query = Select(n.select_stmt());
        return out;
      }
      case pg::Node::kInsertStmt:
        return Insert(n.insert_stmt());
      case pg::Node::kAlterTableStmt:
        return AlterTable(n.alter_table_stmt());
      case pg::Node::kVariableSetStmt: {
        const auto& v = n.variable_set_stmt();
        auto out = std::make_unique<SetStatement>();
        out->name = v.name();
        if (v.kind() == pg::VAR_SET_VALUE) {
          if (v.args_size() != 1) Unsupported("SET with a list of values");
          out->value = Expression(v.args(0));
        } else if (v.kind() == pg::VAR_SET_DEFAULT || v.kind() == pg::VAR_RESET) {
          out->reset = true;
        } else {
          Unsupported("this form of SET or RESET");
        }
        return out;
      }
      case pg::Node::kVariableShowStmt: {
        auto out = std::make_unique<ShowStatement>();
        out->name = n.variable_show_stmt().name();
        return out;
      }
      case pg::Node::kRenameStmt:
        return Rename(n.rename_stmt());
      case pg::Node::kCopyStmt:
        return Copy(n.copy_stmt());
      case pg::Node::kTruncateStmt: {
        // TRUNCATE t is DELETE FROM t (transactional, as every write).
        const auto& s = n.truncate_stmt();
        if (s.relations_size() != 1) Unsupported("TRUNCATE of several tables at once");
        if (s.restart_seqs()) Unsupported("TRUNCATE ... RESTART IDENTITY");
        auto out = std::make_unique<DeleteStatement>();
        out->table = RangeName(s.relations(0).range_var());
        return out;
      }
      case pg::Node::kUpdateStmt: {
        const auto& s = n.update_stmt();
        auto out = std::make_unique<UpdateStatement>();
        if (s.has_with_clause()) out->with = WithClause(s.with_clause());
        out->table = RangeName(s.relation());
        if (s.relation().has_alias()) out->alias = s.relation().alias().aliasname();
        out->set = SetList(s.target_list());
        for (const auto& f : s.from_clause())
          out->from.push_back(FromItem(f));
        if (s.has_where_clause()) out->where = Expression(s.where_clause());
        out->returning = Returning(s.returning_list());
        return out;
      }
      case pg::Node::kDeleteStmt: {
        const auto& s = n.delete_stmt();
        auto out = std::make_unique<DeleteStatement>();
        if (s.has_with_clause()) out->with = WithClause(s.with_clause());
        out->table = RangeName(s.relation());
        if (s.relation().has_alias()) out->alias = s.relation().alias().aliasname();
        for (const auto& f : s.using_clause())
          out->using_tables.push_back(FromItem(f));
        if (s.has_where_clause()) out->where = Expression(s.where_clause());
        out->returning = Returning(s.returning_list());
        return out;
      }
      case pg::Node::kCreateStmt: {
        auto out = CreateTable(n.create_stmt());
        static_cast<CreateTableStatement&>(*out).or_replace = TableOrReplace();
        return out;
      }
      case pg::Node::kCreateTableAsStmt: {
        const auto& s = n.create_table_as_stmt();
        if (s.objtype() != pg::OBJECT_TABLE) Unsupported("CREATE MATERIALIZED VIEW");
        auto out = std::make_unique<CreateTableStatement>();
        out->or_replace = TableOrReplace();
        out->table = RangeName(s.into().rel());
        out->if_not_exists = s.if_not_exists();
        out->as_select = Select(s.query().select_stmt());
        for (const auto& name : Names(s.into().col_names())) {
          ColumnDef c;
          c.name = name;
          out->columns.push_back(std::move(c));
        }
        return out;
      }
      case pg::Node::kViewStmt: {
        const auto& s = n.view_stmt();
        auto out = std::make_unique<CreateViewStatement>();
        out->view = RangeName(s.view());
        out->column_names = Names(s.aliases());
        out->or_replace = s.replace();
        auto flag = rewritten_.view_if_not_exists.lower_bound(statement_start_);
        out->if_not_exists = flag != rewritten_.view_if_not_exists.end() && *flag < statement_end_;
        out->query = Select(s.query().select_stmt());
        return out;
      }
      case pg::Node::kIndexStmt: {
        const auto& s = n.index_stmt();
        auto out = std::make_unique<CreateIndexStatement>();
        out->index = s.idxname();
        out->table = RangeName(s.relation());
        out->unique = s.unique();
        out->if_not_exists = s.if_not_exists();
        if (s.has_where_clause()) Unsupported("partial indexes");
        for (const auto& p : s.index_params()) {
          const auto& e = p.index_elem();
          OrderItem key;
          if (e.has_expr()) {
            key.expr = Expression(e.expr());
          } else {
            key.expr = Make(ExprKind::kColumnRef, -1);
            key.expr->names = {e.name()};
          }
          key.descending = e.ordering() == pg::SORTBY_DESC;
          out->keys.push_back(std::move(key));
        }
        return out;
      }
      case pg::Node::kDropStmt: {
        const auto& s = n.drop_stmt();
        auto out = std::make_unique<DropStatement>();
        switch (s.remove_type()) {
          case pg::OBJECT_TABLE:
            out->object = ObjectKind::kTable;
            break;
          case pg::OBJECT_VIEW:
            out->object = ObjectKind::kView;
            break;
          case pg::OBJECT_INDEX:
            out->object = ObjectKind::kIndex;
            break;
          case pg::OBJECT_SCHEMA:
            out->object = ObjectKind::kSchema;
            break;
          case pg::OBJECT_SEQUENCE:
            out->object = ObjectKind::kSequence;
            break;
          default:
            Unsupported("DROP of this object type");
        }
        for (const auto& o : s.objects()) {
          if (o.has_list())
            out->names.push_back(Names(o.list().items()));
          else
            out->names.push_back({Str(o)});
          auto& names = out->names.back();
          if (names.size() >= 2 && out->object != ObjectKind::kSchema) {
            names = {QualifiedName(names.size() >= 3 ? names[names.size() - 3] : "",
                                   names[names.size() - 2], names.back())};
          }
        }
        out->if_exists = s.missing_ok();
        out->cascade = s.behavior() == pg::DROP_CASCADE;
        return out;
      }
      case pg::Node::kTransactionStmt: {
        const auto& s = n.transaction_stmt();
        auto out = std::make_unique<TransactionStatement>();
        switch (s.kind()) {
          case pg::TRANS_STMT_BEGIN:
          case pg::TRANS_STMT_START:
            out->op = TransactionOp::kBegin;
            for (const auto& o : s.options()) {
              const auto& d = o.def_elem();
              if (d.defname() == "transaction_read_only" && d.arg().has_a_const()) {
                out->read_only = d.arg().a_const().ival().ival() != 0;
              }
            }
            break;
          case pg::TRANS_STMT_COMMIT:
            out->op = TransactionOp::kCommit;
            break;
          case pg::TRANS_STMT_ROLLBACK:
            out->op = TransactionOp::kRollback;
            break;
          case pg::TRANS_STMT_SAVEPOINT:
            out->op = TransactionOp::kSavepoint;
            break;
          case pg::TRANS_STMT_RELEASE:
            out->op = TransactionOp::kRelease;
            break;
          case pg::TRANS_STMT_ROLLBACK_TO:
            out->op = TransactionOp::kRollbackTo;
            break;
          default:
            Unsupported("two-phase commit");
        }
        out->savepoint = s.savepoint_name();
        return out;
      }
      case pg::Node::kCreateSchemaStmt: {
        const auto& s = n.create_schema_stmt();
        if (s.schema_elts_size() > 0) Unsupported("CREATE SCHEMA with objects in it");
        auto out = std::make_unique<CreateSchemaStatement>();
        out->name = s.schemaname();
        out->if_not_exists = s.if_not_exists();
        return out;
      }
      case pg::Node::kCreateSeqStmt: {
        const auto& s = n.create_seq_stmt();
        auto out = std::make_unique<CreateSequenceStatement>();
        out->name = RangeName(s.sequence()).back();
        out->if_not_exists = s.if_not_exists();
        for (const auto& o : s.options()) {
          const auto& d = o.def_elem();
          const std::string& name = d.defname();
          auto number = [&]() -> std::optional<int64_t> {
            if (!d.has_arg()) return std::nullopt;  // NO MINVALUE / NO MAXVALUE
            if (d.arg().has_integer()) return d.arg().integer().ival();
            if (d.arg().has_float_()) {
              int64_t v = 0;
              const std::string& f = d.arg().float_().fval();
              const auto r = std::from_chars(f.data(), f.data() + f.size(), v);
              if (r.ec == std::errc() && r.ptr == f.data() + f.size()) return v;
            }
            Unsupported("the sequence option " + name + " with this value", d.location());
          };
          if (name == "start") {
            out->start = number();
          } else if (name == "increment") {
            out->increment = number();
          } else if (name == "minvalue") {
            out->min = number();
          } else if (name == "maxvalue") {
            out->max = number();
          } else if (name == "cycle") {
            out->cycle = d.has_arg() && d.arg().has_boolean() && d.arg().boolean().boolval();
          } else if (name == "cache") {
            // A performance hint only: values are handed out one at a time.
          } else {
            Unsupported("the sequence option " + name, d.location());
          }
        }
        return out;
      }
      case pg::Node::kPrepareStmt: {
        const auto& s = n.prepare_stmt();
        if (s.argtypes_size() > 0) Unsupported("PREPARE with parameter types");
        auto out = std::make_unique<PrepareStatement>();
        out->name = AsciiLower(s.name());
        out->statement = TransformStatement(s.query());
        return out;
      }
      case pg::Node::kExecuteStmt: {
        const auto& s = n.execute_stmt();
        auto out = std::make_unique<ExecuteStatement>();
        out->name = AsciiLower(s.name());
        out->values = Exprs(s.params());
        return out;
      }
      case pg::Node::kDeallocateStmt: {
        auto out = std::make_unique<DeallocateStatement>();
        out->name = AsciiLower(n.deallocate_stmt().name());
        return out;
      }
      case pg::Node::kExplainStmt: {
        const auto& s = n.explain_stmt();
        auto out = std::make_unique<ExplainStatement>();
        for (const auto& o : s.options()) {
          const auto& option = o.def_elem();
          if (option.defname() == "analyze") {
            out->analyze = true;
          } else if (option.defname() == "format") {
            const std::string format =
                option.has_arg() && option.arg().has_string() ? option.arg().string().sval() : "";
            if (!EqualsIgnoreCase(format, "text")) {
              Unsupported(fmt::format("EXPLAIN (FORMAT {}) (plans are shown as text)", format));
            }
          } else {
            Unsupported("the EXPLAIN option " + option.defname());
          }
        }
        out->inner = TransformStatement(s.query());
        return out;
      }
      case pg::Node::kVacuumStmt: {
        const auto& s = n.vacuum_stmt();
        auto out = std::make_unique<VacuumStatement>();
        out->vacuum = s.is_vacuumcmd();
        for (const auto& r : s.rels()) {
          if (r.vacuum_relation().va_cols_size() > 0) Unsupported("VACUUM/ANALYZE of columns");
          out->tables.push_back(RangeName(r.vacuum_relation().relation()));
        }
        return out;
      }
      case pg::Node::kReindexStmt: {
        const auto& s = n.reindex_stmt();
        auto out = std::make_unique<ReindexStatement>();
        if (s.has_relation())
          out->name = RangeName(s.relation());
        else if (!s.name().empty())
          out->name = {s.name()};
        return out;
      }
      default: {
        const auto* field = pg::Node::descriptor()->FindFieldByNumber(n.node_case());
        Unsupported(fmt::format("the statement {}", field ? field->name() : "?"));
      }
    }
  }

  const std::string& original_;
  const std::string& text_;
  const RewrittenSql& rewritten_;
  size_t statement_start_ = 0;
  size_t statement_end_ = 0;
  int max_parameter_ = 0;
  std::shared_ptr<ParameterSlots> parameters_;
};

}  // namespace

namespace {

std::vector<StatementPtr> ParsePostgres(std::string_view sql) {
  const std::string original(sql);
  RewrittenSql rewritten = RewriteDialect(sql);
  PgQueryProtobufParseResult result = ParseOnLargeStack(rewritten.text);
  struct Free {
    PgQueryProtobufParseResult* r;
    ~Free() { pg_query_free_protobuf_parse_result(*r); }
  } free_result{&result};
  if (result.error != nullptr) {
    const PgQueryError& e = *result.error;
    const size_t at = e.cursorpos > 0 ? static_cast<size_t>(e.cursorpos - 1) : 0;
    const auto [line, column] = LineAndColumn(original, rewritten.OriginalOffset(at));
    Fail(ErrorKind::kParser, "{} (line {}, column {})", e.message, line, column);
  }
  // Deeply nested expressions (a + b + ... of a hundred terms) nest the
  // message deeper than protobuf's default limit of 100; a limit that
  // stays well within the stack of the recursive steps that follow.
  constexpr int kMaxNesting = 10000;
  pg::ParseResult tree;
  google::protobuf::io::CodedInputStream input(
      reinterpret_cast<const uint8_t*>(result.parse_tree.data),
      static_cast<int>(result.parse_tree.len));
  input.SetRecursionLimit(kMaxNesting);
  if (!tree.ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
    // (The reader's only failure on the parser's own output is the
    // nesting limit.)
    Fail(ErrorKind::kParser,
         "the statement nests too deeply to be read (expressions of more than about {} levels)",
         kMaxNesting / 3);
  }
  Transformer t(original, rewritten);
  std::vector<StatementPtr> out;
  for (const auto& raw : tree.stmts())
    out.push_back(t.Statement(raw));
  return out;
}

}  // namespace

std::vector<StatementPtr> ParseSql(std::string_view sql) {
  // Trigger statements (SQLite's syntax) are parsed apart; the rest of the
  // script goes to PostgreSQL's parser with them blanked out, so offsets,
  // lines and columns stay those of the whole script.
  bool maybe_trigger = false;
  for (size_t i = 0; i + 7 <= sql.size() && !maybe_trigger; ++i) {
    maybe_trigger = true;
    for (size_t k = 0; k < 7 && maybe_trigger; ++k) {
      maybe_trigger = std::tolower(static_cast<unsigned char>(sql[i + k])) == "trigger"[k];
    }
  }
  if (!maybe_trigger) return ParsePostgres(sql);
  std::vector<StatementPtr> triggers;
  const auto spans = FindTriggerStatements(sql, &triggers);
  if (spans.empty()) return ParsePostgres(sql);
  std::string blanked(sql);
  for (const auto& [begin, end] : spans) {
    for (size_t i = begin; i < end; ++i) {
      if (blanked[i] != '\n') blanked[i] = ' ';
    }
  }
  std::vector<StatementPtr> others = ParsePostgres(blanked);
  std::vector<StatementPtr> out;
  size_t a = 0, b = 0;
  while (a < triggers.size() || b < others.size()) {
    if (b == others.size() || (a < triggers.size() && triggers[a]->location < others[b]->location))
      out.push_back(std::move(triggers[a++]));
    else
      out.push_back(std::move(others[b++]));
  }
  return out;
}

}  // namespace llkv::sql
