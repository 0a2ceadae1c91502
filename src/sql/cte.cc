#include "sql/cte.h"

#include <algorithm>
#include <unordered_set>

#include "llkv/arrow/builder.h"
#include "llkv/common/error.h"
#include "sql/binder.h"
#include "sql/collation.h"
#include "sql/keyed_union.h"

namespace llkv::sql::plan {

namespace {

thread_local CteFramePtr g_current;

bool Reads(const SelectStmt& q, const std::string& name);

bool Reads(const Expr& e, const std::string& name) {
  for (const auto& a : e.args)
    if (Reads(*a, name)) return true;
  if (e.operand && Reads(*e.operand, name)) return true;
  if (e.else_expr && Reads(*e.else_expr, name)) return true;
  if (e.filter && Reads(*e.filter, name)) return true;
  return e.subquery && Reads(*e.subquery, name);
}

bool Reads(const TableRef& ref, const std::string& name) {
  if (ref.kind == TableRefKind::kBaseTable && EqualsIgnoreCase(ref.name.back(), name) &&
      (ref.name.size() == 1 || EqualsIgnoreCase(ref.name[0], "recurring"))) {
    return true;
  }
  if (ref.subquery && Reads(*ref.subquery, name)) return true;
  if (ref.left && Reads(*ref.left, name)) return true;
  if (ref.right && Reads(*ref.right, name)) return true;
  return ref.on && Reads(*ref.on, name);
}

// Whether `q` reads a table named `name` anywhere (subqueries included).
bool Reads(const SelectStmt& q, const std::string& name) {
  for (const auto& cte : q.ctes) {
    if (EqualsIgnoreCase(cte.name, name)) return false;  // hidden below
    if (cte.query && Reads(*cte.query, name)) return true;
  }
  if (q.left && Reads(*q.left, name)) return true;
  if (q.right && Reads(*q.right, name)) return true;
  for (const auto& f : q.from)
    if (Reads(*f, name)) return true;
  for (const auto& item : q.select_list)
    if (Reads(*item.expr, name)) return true;
  if (q.where && Reads(*q.where, name)) return true;
  if (q.having && Reads(*q.having, name)) return true;
  return false;
}

// The identity of row i of `batch`, for UNION's duplicate elimination.
std::string RowKey(const arrow::RecordBatch& batch, int64_t i) {
  std::string key;
  for (int c = 0; c < batch.num_columns(); ++c)
    execution::EncodeValueKey(Value::FromArray(*batch.column(c), i), &key);
  return key;
}

}  // namespace

// One CTE of a WITH clause and, once computed, its rows.
//
// A statement's plans run on one thread, so its definitions need no lock.
class CteDefinition : public std::enable_shared_from_this<CteDefinition> {
 public:
  CteDefinition(const CommonTableExpr& cte, runtime::Database& db, OuterPtr outer, bool recursive)
      : cte_(cte),
        db_(db),
        outer_(std::move(outer)),
        recursive_(recursive),
        snapshot_(CurrentSnapshot(db)) {}

  const std::string& name() const { return cte_.name; }
  void set_term_reads_itself(bool reads) { term_reads_itself_ = reads; }

  // The frame its query plans under: the CTEs before it in its clause and
  // those of enclosing clauses (a recursive term sees the CTE itself too).
  void set_frame(CteFramePtr frame) { frame_ = std::move(frame); }

  CteScan Scan() {
    if (working_) {
      // A reference inside the recursive term: the previous round's rows.
      return {execution::MakeValues(keyed_ ? keyed_->working_schema() : schema_, *working_),
              Names()};
    }
    if (planning_) {
      Fail(ErrorKind::kBinder,
           "the recursive CTE \"{}\" may be read only in the recursive term of its UNION, not in "
           "its first (non-recursive) part",
           cte_.name);
    }
    if (cte_.dml) {
      // Run by the statement already: its RETURNING rows.
      const DmlCteRows& dml = *cte_.dml_rows;
      if (!schema_) {
        CheckColumnCount(*dml.schema);
        schema_ = dml.schema;
      }
      return {execution::MakeValues(schema_, dml.batches), Names()};
    }
    if (!schema_) Plan();
    return {std::make_unique<Reader>(shared_from_this(), schema_), Names()};
  }

  // recurring.name: the whole union table of a USING KEY CTE, from its
  // recursive term.
  CteScan ScanRecurring() {
    if (!keyed_ || !working_) {
      Fail(ErrorKind::kBinder,
           "recurring.{} may be read only in the recursive term of a USING KEY CTE", cte_.name);
    }
    return {execution::MakeValues(schema_, keyed_->Rows()), Names()};
  }

 private:
  // Streams the materialized rows, computing them at the first Next().
  class Reader final : public execution::Operator {
   public:
    Reader(std::shared_ptr<CteDefinition> def, arrow::SchemaPtr schema)
        : def_(std::move(def)), schema_(std::move(schema)) {}
    arrow::SchemaPtr schema() const override { return schema_; }
    execution::ExplainInfo Explain() const override {
      // The CTE's plan is shown under each reference, though it runs once
      // per statement (at the first read); of a recursive CTE, its anchor.
      const Operator* plan = def_->plan_.get();
      return {"CteScan",
              def_->cte_.name + (def_->recursive_ ? " (recursive; the anchor below)" : ""),
              plan ? execution::EstimatedRows(*plan) : 0.0,
              plan ? std::vector<const Operator*>{plan} : std::vector<const Operator*>{}};
    }
    arrow::RecordBatchPtr NextBatch() override {
      if (!rows_) rows_ = &def_->Rows();
      while (next_ < rows_->size()) {
        const auto& batch = (*rows_)[next_++];
        if (batch->num_rows() > 0) return batch;
      }
      return nullptr;
    }

   private:
    std::shared_ptr<CteDefinition> def_;
    arrow::SchemaPtr schema_;
    const std::vector<arrow::RecordBatchPtr>* rows_ = nullptr;
    size_t next_ = 0;
  };

  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (int i = 0; i < schema_->num_fields(); ++i) {
      names.push_back(static_cast<size_t>(i) < cte_.column_names.size()
                          ? cte_.column_names[static_cast<size_t>(i)]
                          : schema_->field(i)->name());
    }
    return names;
  }

  void CheckColumnCount(const arrow::Schema& schema) const {
    if (cte_.column_names.size() > static_cast<size_t>(schema.num_fields())) {
      Fail(ErrorKind::kBinder, "table \"{}\" has {} columns available but {} columns specified",
           cte_.name, schema.num_fields(), cte_.column_names.size());
    }
  }

  // Under the definition's own frame, outer query and snapshot.
  template <typename F>
  auto InContext(F&& f, CteFramePtr frame = nullptr) {
    CteScope ctes(frame ? std::move(frame) : frame_);
    SnapshotScope reads(snapshot_);
    return f();
  }

  // Plans the CTE: the query for an ordinary one; the
  // anchor, and the recursive term once to settle the column types, for a
  // recursive one.
  void Plan() {
    if (!recursive_) {
      plan_ = InContext([&] { return PlanSelect(*cte_.query, db_, outer_); });
      CheckColumnCount(*plan_->schema());
      schema_ = plan_->schema();
      return;
    }
    const SelectStmt& q = *cte_.query;
    planning_ = true;
    plan_ = InContext([&] { return PlanSelect(*q.left, db_, outer_); });
    planning_ = false;
    schema_ = plan_->schema();
    CheckColumnCount(*schema_);
    if (!cte_.using_key.empty()) {
      // USING KEY: the anchor's types, named as the CTE's columns.
      std::vector<arrow::FieldPtr> fields;
      const std::vector<std::string> names = Names();
      for (int i = 0; i < schema_->num_fields(); ++i) {
        fields.push_back(arrow::field(names[static_cast<size_t>(i)], schema_->field(i)->type(),
                                      true, schema_->field(i)->metadata()));
      }
      keyed_ = std::make_unique<KeyedUnion>(std::make_shared<arrow::Schema>(std::move(fields)),
                                            cte_.using_key, !q.set_all, db_);
      schema_ = keyed_->schema();
      EndRound end{working_};
      OperatorPtr term = PlanRound({});  // the term must plan, with as many columns
      if (term->schema()->num_fields() != schema_->num_fields()) {
        Fail(ErrorKind::kBinder,
             "Set operations can only apply to expressions with the same number of result "
             "columns");
      }
      return;
    }
    // The recursive term over no rows gives its types.
    EndRound end{working_};
    OperatorPtr term = PlanRound({});
    const auto& ts = *term->schema();
    if (ts.num_fields() != schema_->num_fields()) {
      Fail(ErrorKind::kBinder,
           "Set operations can only apply to expressions with the same number of result columns");
    }
    std::vector<arrow::FieldPtr> fields;
    for (int i = 0; i < schema_->num_fields(); ++i) {
      const arrow::TypePtr common =
          Binder::CommonTypeOf({schema_->field(i)->type(), ts.field(i)->type()});
      // The anchor's collation, else the recursive term's.
      const arrow::Field& collated =
          FieldCollation(*schema_->field(i)).empty() ? *ts.field(i) : *schema_->field(i);
      fields.push_back(arrow::field(schema_->field(i)->name(), common, true, collated.metadata()));
    }
    schema_ = std::make_shared<arrow::Schema>(std::move(fields));
    plan_ = CastTo(std::move(plan_));
  }

  // `plan`'s columns cast to the CTE's types (to `schema` when given).
  OperatorPtr CastTo(OperatorPtr plan, const arrow::SchemaPtr& schema = nullptr) const {
    const arrow::Schema& to = schema ? *schema : *schema_;
    const auto& in = *plan->schema();
    if (in.Equals(to)) return plan;
    std::vector<BoundExprPtr> exprs;
    std::vector<std::string> names;
    for (int i = 0; i < in.num_fields(); ++i) {
      exprs.push_back(
          execution::CastTo(execution::ColumnRef(i, in.field(i)->type()), to.field(i)->type()));
      exprs.back()->collation = FieldCollation(*to.field(i));
      names.push_back(to.field(i)->name());
    }
    return execution::MakeProject(std::move(plan), std::move(exprs), std::move(names));
  }

  // The recursive term planned over `previous` as the CTE's rows.
  // The recursive term planned over `previous` as the CTE's rows. They stay
  // the CTE's rows until the caller's EndRound: subqueries of the term are
  // planned while it runs, and must read them too.
  OperatorPtr PlanRound(std::vector<arrow::RecordBatchPtr> previous) {
    working_ = std::move(previous);
    // The term sees the CTE itself (the frame is made per round, so that
    // no frame the definition keeps refers back to it).
    auto self = std::make_shared<CteFrame>();
    self->defs.push_back(shared_from_this());
    self->parent = frame_;
    return InContext([&] { return PlanSelect(*cte_.query->right, db_, outer_); }, self);
  }
  // Ends the round PlanRound began, when it goes out of scope.
  struct EndRound {
    std::optional<std::vector<arrow::RecordBatchPtr>>& working;
    ~EndRound() { working.reset(); }
  };

  const std::vector<arrow::RecordBatchPtr>& Rows() {
    if (computed_) return rows_;
    if (!recursive_) {
      rows_ = InContext([&] { return execution::Collect(*plan_); });
      computed_ = true;
      return rows_;
    }
    if (keyed_) {
      std::vector<arrow::RecordBatchPtr> round =
          keyed_->Apply(InContext([&] { return execution::Collect(*plan_); }));
      while (!round.empty()) {
        EndRound end{working_};
        OperatorPtr term = CastTo(PlanRound(std::move(round)), keyed_->input_schema());
        round = keyed_->Apply(InContext([&] { return execution::Collect(*term); }));
        if (!term_reads_itself_) break;  // the same rows each round: once
      }
      rows_ = keyed_->Rows();
      computed_ = true;
      return rows_;
    }
    const bool distinct = !cte_.query->set_all;
    std::unordered_set<std::string> seen;
    // Keeps the rows of `batches` not produced before (UNION), else all.
    auto fresh = [&](std::vector<arrow::RecordBatchPtr> batches) {
      if (!distinct) return batches;
      std::vector<arrow::RecordBatchPtr> out;
      for (const auto& b : batches) {
        arrow::BooleanBuilder keep;
        bool any = false;
        for (int64_t i = 0; i < b->num_rows(); ++i) {
          const bool is_new = seen.insert(RowKey(*b, i)).second;
          keep.Append(is_new);
          any = any || is_new;
        }
        if (any) out.push_back(execution::FilterBatch(*b, *keep.Finish()));
      }
      return out;
    };
    std::vector<arrow::RecordBatchPtr> round =
        fresh(InContext([&] { return execution::Collect(*plan_); }));
    while (!round.empty()) {
      rows_.insert(rows_.end(), round.begin(), round.end());
      EndRound end{working_};
      OperatorPtr term = CastTo(PlanRound(round));
      round = fresh(InContext([&] { return execution::Collect(*term); }));
      round.erase(std::remove_if(round.begin(), round.end(),
                                 [](const auto& b) { return b->num_rows() == 0; }),
                  round.end());
    }
    computed_ = true;
    return rows_;
  }

  const CommonTableExpr& cte_;  // owned by the statement, which outlives its plans
  runtime::Database& db_;
  OuterPtr outer_;
  bool recursive_;
  table::SnapshotPtr snapshot_;
  CteFramePtr frame_;

  arrow::SchemaPtr schema_;
  OperatorPtr plan_;
  bool planning_ = false;  // planning a recursive CTE's anchor
  std::optional<std::vector<arrow::RecordBatchPtr>> working_;
  std::unique_ptr<KeyedUnion> keyed_;  // USING KEY: the union table
  bool term_reads_itself_ = true;
  bool computed_ = false;
  std::vector<arrow::RecordBatchPtr> rows_;
};

const CteFramePtr& CurrentCtes() {
  return g_current;
}

CteScope::CteScope(CteFramePtr frame) : before_(std::move(g_current)) {
  g_current = std::move(frame);
}

CteScope::~CteScope() {
  g_current = std::move(before_);
}

CteFramePtr DefineCtes(const SelectStmt& q, runtime::Database& db, const OuterPtr& outer,
                       size_t count) {
  CteFramePtr frame = g_current;
  for (size_t i = 0; i < std::min(count, q.ctes.size()); ++i) {
    const CommonTableExpr& cte = q.ctes[i];
    for (size_t j = 0; j < i; ++j) {
      if (EqualsIgnoreCase(q.ctes[j].name, cte.name)) {
        Fail(ErrorKind::kParser, "Duplicate CTE name \"{}\"", cte.name);
      }
    }
    if (cte.dml && !cte.dml_rows) {
      Fail(ErrorKind::kBinder,
           "WITH clause containing a data-modifying statement must be at the top level (CTE "
           "\"{}\")",
           cte.name);
    }
    const bool self_reference = cte.query && q.recursive && Reads(*cte.query, cte.name);
    if (!cte.using_key.empty() && (cte.query->set_op != SetOpKind::kUnion || !q.recursive)) {
      Fail(ErrorKind::kBinder,
           "USING KEY needs a recursive CTE: WITH RECURSIVE \"{}\" AS (anchor UNION [ALL] term)",
           cte.name);
    }
    if (self_reference) {
      const SelectStmt& body = *cte.query;
      if (body.set_op != SetOpKind::kUnion || Reads(*body.left, cte.name) ||
          !body.order_by.empty() || body.limit || body.offset) {
        Fail(ErrorKind::kBinder,
             "recursive CTE \"{}\" must be a UNION [ALL] of a part that does not read it and a "
             "part that does",
             cte.name);
      }
    }
    // (A USING KEY CTE whose term does not read it keys the anchor's and
    // the term's rows once.)
    auto def =
        std::make_shared<CteDefinition>(cte, db, outer, self_reference || !cte.using_key.empty());
    def->set_term_reads_itself(self_reference);
    auto next = std::make_shared<CteFrame>();
    next->defs.push_back(def);
    next->parent = frame;
    def->set_frame(frame);
    frame = std::move(next);
  }
  return frame;
}

std::shared_ptr<CteDefinition> FindCte(const std::string& name) {
  for (const CteFrame* f = g_current.get(); f != nullptr; f = f->parent.get()) {
    for (const auto& d : f->defs) {
      if (EqualsIgnoreCase(d->name(), name)) return d;
    }
  }
  return nullptr;
}

CteScan ScanCte(const std::shared_ptr<CteDefinition>& def, bool recurring) {
  return recurring ? def->ScanRecurring() : def->Scan();
}

}  // namespace llkv::sql::plan
