// LLKV's SQL syntax tree: what the parser produces from PostgreSQL's parse
// tree (libpg_query) and the planner binds. Nothing of libpg_query or
// protobuf appears here.
//
// Nodes are plain structs owned through unique_ptr; a tree is built once
// and only read afterwards. `location` is a byte offset into the statement
// text (-1 when unknown); the parser turns it into line and column for
// messages. Names are as written, lower-cased unless quoted (PostgreSQL's
// rule, applied by its parser).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "execution/value.h"
#include "llkv/arrow/record_batch.h"

namespace llkv::sql {

// The values a prepared statement's $n parameters take, shared by the
// statement and its parameter nodes. Binding writes them; planning reads
// them. An unset (nullopt) parameter is an error when the statement runs.
struct ParameterSlots {
  std::vector<std::optional<execution::Value>> values;  // $1 is values[0]
};

struct SelectStmt;
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
using ExprList = std::vector<ExprPtr>;

// A type as written, e.g. {"decimal", {12, 2}} or {"varchar", {20}}.
struct TypeName {
  std::string name;  // lower-case; PostgreSQL's internal names mapped back
                     // to SQL ones ("int4" -> "integer", "float8" -> "double")
  std::vector<int64_t> modifiers;
  int array_depth = 0;  // INT[][]: 2 (a LIST of LISTs of INT)
  // STRUCT(a INT, b VARCHAR): name "struct", its fields' names and types.
  std::vector<std::string> field_names;
  std::vector<TypeName> field_types;
  std::string ToString() const;
};

enum class ExprKind {
  kLiteral,
  kColumnRef,       // names: [table.]column, possibly with schema
  kStar,            // names: empty for *, or the qualifier of t.*; DuckDB's
                    // EXCLUDE (star_exclude) and REPLACE (args, each named
                    // by star_replace)
  kParameter,       // $n (1-based parameter_index); '?' is numbered by the parser
  kUnaryOp,         // op: "-", "+", "NOT", "~"; args[0]
  kBinaryOp,        // op: arithmetic, comparison, "||", "AND", "OR", "LIKE",
                    // "ILIKE", "GLOB", "SIMILAR"; args[0], args[1] (args[2]:
                    // ESCAPE for the pattern operators); negated for NOT LIKE
  kFunction,        // names: function name; args; distinct; star_arg for f(*);
                    // filter: FILTER (WHERE ...); order_by inside the call
  kCast,            // args[0] AS type; try_cast for TRY_CAST
  kCase,            // operand (CASE x WHEN ...), whens/thens in args as pairs,
                    // else_expr
  kIsNull,          // args[0] IS [NOT] NULL (negated)
  kIsBool,          // args[0] IS [NOT] TRUE/FALSE: bool_value, negated
  kIsDistinctFrom,  // args[0] IS [NOT] DISTINCT FROM args[1] (negated = NOT)
  kBetween,         // args[0] [NOT] BETWEEN args[1] AND args[2]
  kInList,          // args[0] [NOT] IN (args[1..])
  kInSubquery,      // args[0] [NOT] IN (subquery)
  kQuantified,      // args[0] op ANY/ALL (subquery): op, all
  kExists,          // [NOT] EXISTS (subquery)
  kScalarSubquery,  // (subquery)
  kCoalesce,        // COALESCE(args...)
  kNullIf,          // NULLIF(args[0], args[1])
  kGreatestLeast,   // GREATEST/LEAST(args...): op is "greatest" or "least"
  kDefault,         // DEFAULT as a value (INSERT ... VALUES, UPDATE ... SET)
  kCollate,         // args[0] COLLATE text (the collation's name as written)
};

enum class LiteralKind { kNull, kBool, kInteger, kNumeric, kString, kBlob };

struct OrderItem;
struct WindowSpec;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  int location = -1;

  // kLiteral: kInteger uses int_value; kNumeric keeps its exact text (it may
  // be an integer too large for int64, or a decimal); kString its value;
  // kBlob its bytes (from X'hex').
  LiteralKind literal_kind = LiteralKind::kNull;
  bool bool_value = false;
  int64_t int_value = 0;
  std::string text;

  std::vector<std::string> names;
  std::string op;
  ExprList args;
  // kFunction: each argument's name (name := value), or empty when none is
  // named.
  std::vector<std::string> arg_names;
  bool negated = false;
  bool distinct = false;
  bool star_arg = false;
  bool all = false;
  bool try_cast = false;
  bool export_state = false;  // kFunction: agg(...) EXPORT_STATE (DuckDB): the aggregate's state
  int parameter_index = 0;
  std::shared_ptr<ParameterSlots> parameters;  // kParameter: where its value is
  TypeName type;
  ExprPtr operand;
  ExprPtr else_expr;
  ExprPtr filter;
  std::vector<OrderItem> order_by;
  std::unique_ptr<SelectStmt> subquery;
  std::unique_ptr<WindowSpec> window;  // kFunction with OVER: a window function
  // kStar: columns left out ([qualifier.]name each)
  std::vector<std::vector<std::string>> star_exclude;
  std::vector<std::string> star_replace;  // kStar: the columns args[i] replace
  // kStar with * [NOT] LIKE | ILIKE | GLOB | SIMILAR TO 'pattern': the
  // operator ("like", "not ilike", "similar", ...), the pattern, the ESCAPE
  // character (empty: none) and SIMILAR TO's AS 'rename' (empty: none).
  std::string star_filter_op, star_filter_pattern, star_filter_escape, star_rename;
  // kStar: DuckDB's RENAME (a AS b, t.c AS d): each column (maybe
  // qualified) and its new name.
  std::vector<std::pair<std::vector<std::string>, std::string>> star_renames;

  Expr();
  ~Expr();
  Expr(Expr&&) noexcept;
  Expr& operator=(Expr&&) noexcept;
  // SQL-like text, for messages, column names and tests.
  std::string ToString() const;
};

enum class NullOrder { kDefault, kFirst, kLast };

struct OrderItem {
  ExprPtr expr;
  bool all = false;  // DuckDB's ORDER BY ALL: every output column, left to right
  bool descending = false;
  bool direction_given = false;  // ASC or DESC written (else the session's default_order)
  NullOrder nulls = NullOrder::kDefault;
};

// A window: OVER (name PARTITION BY ... ORDER BY ... frame) or OVER name.
enum class FrameMode { kRows, kRange, kGroups };
enum class FrameBoundKind {
  kUnboundedPreceding,
  kPreceding,
  kCurrentRow,
  kFollowing,
  kUnboundedFollowing
};
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kUnboundedPreceding;
  ExprPtr offset;  // kPreceding, kFollowing
};
enum class FrameExclude { kNoOthers, kCurrentRow, kGroup, kTies };

struct WindowSpec {
  std::string ref_name;     // a WINDOW clause's window it extends ("" for none)
  bool copies_ref = false;  // OVER (w ...), which copies w, rather than OVER w
  ExprList partition_by;
  std::vector<OrderItem> order_by;
  bool has_frame = false;  // else the default frame
  FrameMode mode = FrameMode::kRange;
  FrameBound start, end;
  FrameExclude exclude = FrameExclude::kNoOthers;
  std::string ToString() const;
};

// kSemi / kAnti: DuckDB's SEMI JOIN and ANTI JOIN (the left side's rows
// with / without a match; only its columns).
enum class JoinType { kInner, kLeft, kRight, kFull, kCross, kSemi, kAnti };

enum class TableRefKind { kBaseTable, kSubquery, kJoin, kFunction };

struct TableRef {
  TableRefKind kind = TableRefKind::kBaseTable;
  int location = -1;
  std::vector<std::string> name;  // kBaseTable: [schema.]table; kFunction: the function
  ExprList function_args;         // kFunction
  std::string alias;
  std::vector<std::string> column_aliases;
  std::unique_ptr<SelectStmt> subquery;  // kSubquery
  bool lateral = false;
  // kJoin
  JoinType join_type = JoinType::kInner;
  bool asof = false;  // DuckDB's ASOF join: `on` (or using_columns) holds its inequality
  std::unique_ptr<TableRef> left, right;
  ExprPtr on;
  std::vector<std::string> using_columns;
  bool natural = false;

  TableRef();
  ~TableRef();
  std::string ToString() const;
};
using TableRefPtr = std::unique_ptr<TableRef>;

struct SelectItem {
  ExprPtr expr;
  std::string alias;  // empty when none was given
};

struct Statement;

// What a data-modifying CTE's statement returned: its RETURNING rows or,
// without RETURNING, no columns and a row per row changed (DuckDB).
struct DmlCteRows {
  arrow::SchemaPtr schema;
  std::vector<arrow::RecordBatchPtr> batches;
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_names;
  std::unique_ptr<SelectStmt> query;  // null for a data-modifying CTE
  // WITH RECURSIVE t USING KEY (k, agg(v) [AS c], ...) (DuckDB): key
  // columns and the aggregates that combine the rows of a key (see cte.h).
  std::vector<SelectItem> using_key;
  // A data-modifying CTE (PostgreSQL's and DuckDB's): INSERT, UPDATE or
  // DELETE, run before the statement's query, which reads its RETURNING
  // rows under the CTE's name and sees its changes.
  std::shared_ptr<const Statement> dml;
  mutable std::shared_ptr<const DmlCteRows> dml_rows;  // set when the statement runs it
};

enum class SetOpKind { kNone, kUnion, kIntersect, kExcept };

// One SELECT, VALUES list or set operation, with its WITH clause,
// ORDER BY and LIMIT.
struct SelectStmt {
  std::vector<CommonTableExpr> ctes;
  bool recursive = false;

  // A set operation when set_op != kNone: left and right hold the operands.
  SetOpKind set_op = SetOpKind::kNone;
  bool set_all = false;
  std::unique_ptr<SelectStmt> left, right;

  // A VALUES list when non-empty (and then no select list or FROM).
  std::vector<ExprList> values;

  bool distinct = false;
  ExprList distinct_on;
  std::vector<SelectItem> select_list;
  std::vector<TableRefPtr> from;  // comma-separated items
  ExprPtr where;
  ExprList group_by;
  // DuckDB's GROUP BY ALL: grouped by every select item that holds no
  // aggregate (group_by is then empty).
  bool group_by_all = false;
  // GROUPING SETS / ROLLUP / CUBE: the sets, each a list of positions in
  // group_by (empty: plain GROUP BY, every expression in the one set).
  std::vector<std::vector<size_t>> grouping_sets;
  ExprPtr having;
  std::vector<OrderItem> order_by;
  ExprPtr limit;
  ExprPtr offset;
  // WINDOW name AS (...), in order; QUALIFY (filters on window functions).
  std::vector<std::pair<std::string, WindowSpec>> windows;
  ExprPtr qualify;

  SelectStmt();
  ~SelectStmt();
  std::string ToString() const;
};

// ---------------------------------------------------------------- statements

enum class StatementKind {
  kSelect,
  kInsert,
  kUpdate,
  kDelete,
  kCreateTable,
  kCreateView,
  kCreateIndex,
  kDrop,
  kTransaction,
  kExplain,
  kReindex,
  kVacuum,
  kCreateTrigger,
  kAlterTable,
  kSet,
  kShow,
  kCopy,
  kPrepare,
  kExecute,
  kDeallocate,
  kCreateSequence,
  kCreateSchema,
};

struct Statement {
  explicit Statement(StatementKind k) : kind(k) {}
  virtual ~Statement() = default;
  StatementKind kind;
  std::string text;  // the statement's own SQL text (after dialect rewriting)
  int location = 0;  // byte offset of the statement in the script
  // Number of $n / ? parameters the statement uses (the highest n), and
  // their values once bound.
  int parameter_count = 0;
  std::shared_ptr<ParameterSlots> parameters = std::make_shared<ParameterSlots>();
};
using StatementPtr = std::unique_ptr<Statement>;

struct SelectStatement : Statement {
  SelectStatement() : Statement(StatementKind::kSelect) {}
  std::unique_ptr<SelectStmt> query;
};

enum class ConflictAction { kNone, kNothing, kUpdate, kReplace };

struct SetItem {
  std::string column;
  ExprPtr value;
  int location = -1;
};

struct InsertStatement : Statement {
  InsertStatement() : Statement(StatementKind::kInsert) {}
  std::vector<std::string> table;
  std::string alias;
  std::vector<std::string> columns;    // empty: all, in table order
  std::unique_ptr<SelectStmt> source;  // VALUES or a query; null for DEFAULT VALUES
  // ON CONFLICT / INSERT OR REPLACE / INSERT OR IGNORE
  ConflictAction on_conflict = ConflictAction::kNone;
  std::vector<std::string> conflict_columns;
  std::vector<SetItem> conflict_set;
  ExprPtr conflict_where;
  std::vector<SelectItem> returning;
};

struct UpdateStatement : Statement {
  UpdateStatement() : Statement(StatementKind::kUpdate) {}
  std::vector<std::string> table;
  std::string alias;
  std::vector<SetItem> set;
  std::vector<TableRefPtr> from;
  ExprPtr where;
  std::vector<SelectItem> returning;
  // WITH ... UPDATE / DELETE: a query holding only the WITH clause.
  std::unique_ptr<SelectStmt> with;
};

struct DeleteStatement : Statement {
  DeleteStatement() : Statement(StatementKind::kDelete) {}
  std::vector<std::string> table;
  std::string alias;
  std::vector<TableRefPtr> using_tables;
  ExprPtr where;
  std::vector<SelectItem> returning;
  // WITH ... UPDATE / DELETE: a query holding only the WITH clause.
  std::unique_ptr<SelectStmt> with;
};

struct ForeignKeyRef {
  std::vector<std::string> table;
  std::vector<std::string> columns;     // empty: the referenced primary key
  std::string on_delete = "no action";  // "no action", "restrict", "cascade",
  std::string on_update = "no action";  // "set null", "set default"
};

struct ColumnDef {
  std::string name;
  TypeName type;
  int location = -1;
  std::string collation;  // COLLATE name as written (empty: none)
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  ExprPtr default_value;
  ExprPtr check;
  std::unique_ptr<ForeignKeyRef> references;
  ExprPtr generated;  // GENERATED ALWAYS AS (expr) [STORED | VIRTUAL]
};

enum class ConstraintKind { kPrimaryKey, kUnique, kCheck, kForeignKey };

struct TableConstraint {
  ConstraintKind kind = ConstraintKind::kPrimaryKey;
  std::string name;
  std::vector<std::string> columns;
  ExprPtr check;
  std::unique_ptr<ForeignKeyRef> references;
};

struct CreateTableStatement : Statement {
  CreateTableStatement() : Statement(StatementKind::kCreateTable) {}
  std::vector<std::string> table;
  bool if_not_exists = false;
  bool or_replace = false;
  bool temporary = false;
  std::vector<ColumnDef> columns;
  std::vector<TableConstraint> constraints;
  std::unique_ptr<SelectStmt> as_select;  // CREATE TABLE ... AS SELECT
};

struct CreateSchemaStatement : Statement {
  CreateSchemaStatement() : Statement(StatementKind::kCreateSchema) {}
  std::string name;
  bool if_not_exists = false;
};

struct CreateViewStatement : Statement {
  CreateViewStatement() : Statement(StatementKind::kCreateView) {}
  std::vector<std::string> view;
  std::vector<std::string> column_names;
  bool or_replace = false;
  bool if_not_exists = false;
  std::unique_ptr<SelectStmt> query;
};

struct CreateIndexStatement : Statement {
  CreateIndexStatement() : Statement(StatementKind::kCreateIndex) {}
  std::string index;
  std::vector<std::string> table;
  bool unique = false;
  bool if_not_exists = false;
  std::vector<OrderItem> keys;
};

enum class ObjectKind { kTable, kView, kIndex, kSchema, kTrigger, kSequence };

enum class TriggerTiming { kBefore, kAfter, kInsteadOf };
enum class TriggerEvent { kInsert, kUpdate, kDelete };

// CREATE TRIGGER (SQLite's syntax; libpg_query does not parse it). The WHEN
// condition and the body statements are kept as text: they are parsed with
// NEW.x and OLD.x replaced by each row's values when the trigger fires.
struct CreateTriggerStatement : Statement {
  CreateTriggerStatement() : Statement(StatementKind::kCreateTrigger) {}
  std::string name;
  bool if_not_exists = false;
  bool temporary = false;
  TriggerTiming timing = TriggerTiming::kBefore;
  TriggerEvent event = TriggerEvent::kInsert;
  std::vector<std::string> update_columns;  // UPDATE OF a, b
  std::string table;
  std::string when;               // empty: always
  std::vector<std::string> body;  // one statement's text each
};

// SET name = value, SET name TO DEFAULT / RESET name (value null, reset).
struct SetStatement : Statement {
  SetStatement() : Statement(StatementKind::kSet) {}
  std::string name;
  ExprPtr value;
  bool reset = false;
};

// SHOW name: the setting's value as one row.
struct ShowStatement : Statement {
  ShowStatement() : Statement(StatementKind::kShow) {}
  std::string name;
};

// One option of COPY: `name value` (a bare `name` is true).
struct CopyOption {
  std::string name;  // lower-case
  execution::Value value;
};

// COPY table [(columns)] FROM 'file' [(options)] and
// COPY table [(columns)] | (query) TO 'file' [(options)].
struct CopyStatement : Statement {
  CopyStatement() : Statement(StatementKind::kCopy) {}
  std::vector<std::string> table;     // empty when copying a query
  std::vector<std::string> columns;   // empty: all, in table order
  std::unique_ptr<SelectStmt> query;  // COPY (query) TO
  bool from = true;                   // FROM a file (else TO one)
  std::string file;
  std::vector<CopyOption> options;
};

// One action of ALTER TABLE.
enum class AlterKind {
  kRenameTable,   // RENAME TO new_name
  kRenameColumn,  // RENAME [COLUMN] column TO new_name
  kAddColumn,     // ADD [COLUMN] [IF NOT EXISTS] definition
  kDropColumn,    // DROP [COLUMN] [IF EXISTS] column
  kAlterType,     // ALTER [COLUMN] column [SET DATA] TYPE definition.type [USING expr]
  kSetDefault,    // ALTER [COLUMN] column SET DEFAULT expr
  kDropDefault,   // ALTER [COLUMN] column DROP DEFAULT
  kSetNotNull,    // ALTER [COLUMN] column SET NOT NULL
  kDropNotNull,   // ALTER [COLUMN] column DROP NOT NULL
};

struct AlterAction {
  AlterKind kind = AlterKind::kRenameTable;
  std::string column;       // the column acted on
  std::string new_name;     // kRenameTable, kRenameColumn
  ColumnDef definition;     // kAddColumn; kAlterType: its type
  ExprPtr expr;             // kSetDefault: the default; kAlterType: USING
  bool missing_ok = false;  // ADD ... IF NOT EXISTS, DROP ... IF EXISTS
};

struct AlterTableStatement : Statement {
  AlterTableStatement() : Statement(StatementKind::kAlterTable) {}
  std::vector<std::string> table;
  bool if_exists = false;
  std::vector<AlterAction> actions;
};

// Whether `e` references a column named `column` (any qualifier; not
// looking into subqueries).
bool MentionsColumn(const Expr& e, const std::string& column);

// CREATE TABLE text for `s` (columns and constraints; not AS SELECT) that
// parses back to the same definition.
std::string CreateTableSql(const CreateTableStatement& s);

struct DropStatement : Statement {
  DropStatement() : Statement(StatementKind::kDrop) {}
  ObjectKind object = ObjectKind::kTable;
  std::vector<std::vector<std::string>> names;
  bool if_exists = false;
  bool cascade = false;
};

enum class TransactionOp { kBegin, kCommit, kRollback, kSavepoint, kRelease, kRollbackTo };

struct TransactionStatement : Statement {
  TransactionStatement() : Statement(StatementKind::kTransaction) {}
  TransactionOp op = TransactionOp::kBegin;
  std::string savepoint;
  bool read_only = false;  // BEGIN TRANSACTION READ ONLY
};

// CREATE SEQUENCE name [INCREMENT n] [MINVALUE n] [MAXVALUE n] [START n]
// [[NO] CYCLE]: options not given are left unset (the runtime's defaults,
// which depend on the increment's sign).
struct CreateSequenceStatement : Statement {
  CreateSequenceStatement() : Statement(StatementKind::kCreateSequence) {}
  std::string name;
  std::optional<int64_t> start, increment, min, max;
  bool cycle = false;
  bool if_not_exists = false;
};

// PREPARE name AS statement: kept by the session; EXECUTE name(values)
// runs it with its parameters ($1, ?) bound to the values; DEALLOCATE
// [PREPARE] name (or ALL) forgets it.
struct PrepareStatement : Statement {
  PrepareStatement() : Statement(StatementKind::kPrepare) {}
  std::string name;  // lower-case
  std::shared_ptr<Statement> statement;
};

struct ExecuteStatement : Statement {
  ExecuteStatement() : Statement(StatementKind::kExecute) {}
  std::string name;  // lower-case
  ExprList values;
};

struct DeallocateStatement : Statement {
  DeallocateStatement() : Statement(StatementKind::kDeallocate) {}
  std::string name;  // lower-case; empty: all
};

struct ExplainStatement : Statement {
  ExplainStatement() : Statement(StatementKind::kExplain) {}
  bool analyze = false;
  StatementPtr inner;
};

// VACUUM [table, ...] (reclaims dead row versions) and ANALYZE [table, ...]
// (statistics are kept current by every write, so it only checks names).
struct VacuumStatement : Statement {
  VacuumStatement() : Statement(StatementKind::kVacuum) {}
  bool vacuum = true;                            // false: ANALYZE
  std::vector<std::vector<std::string>> tables;  // empty: all
};

struct ReindexStatement : Statement {
  ReindexStatement() : Statement(StatementKind::kReindex) {}
  std::vector<std::string> name;  // an index or a table; empty for all
};

}  // namespace llkv::sql
