// Database: one open LLKV database — its pager, column store, system
// catalog and the tables it names — shared by every session on it.
//
// Design note.
//   * Opening a path opens (or creates) the LMDB file; ":memory:" uses a
//     MemPager. The catalog (table 0) is read once at open; tables are
//     kept by lower-cased name.
//   * DDL changes the system catalog and the in-memory maps together: the
//     catalog commit comes first, so a failure leaves both unchanged.
//   * Catalog objects are versioned like rows (runtime/catalog.cc). An
//     object records the transaction that created it and the one that
//     dropped it; lookups return the version the thread's scoped snapshot
//     sees (without one: the latest, pending creations included). So an
//     object created inside a transaction is invisible to others until it
//     commits and to snapshots older than that, and a DROP inside a
//     transaction hides the object from it alone, is undone by ROLLBACK,
//     and on COMMIT removes the catalog entry in the same durable commit.
//     The storage of a dropped object is reclaimed once no snapshot in use
//     can see it (by vacuum), or at the next open. Two transactions
//     creating or dropping one name conflict.
//   * Row versions carry the ids of the transactions that wrote them
//     (TxnIdManager); readers see what their snapshot allows
//     (table/snapshot.h). Transactions are runtime::Transaction.
//   * Durability (runtime/recovery.cc). A persistent database writes
//     through a BufferedPager: statements' column store commits collect in
//     memory, and a transaction's COMMIT flushes them with one atomic
//     commit of the pager below (LMDB: one fsync). Each flush also writes
//     the transaction state record (root key kTransactionStateKey): the
//     transactions still in progress and the catalog objects they created.
//     Flushes happen at COMMIT, when the buffer outgrows
//     checkpoint_bytes() between statements, and at close, so the file may
//     hold writes of transactions that never commit; the record names
//     them, and opening the database removes their row versions, clears
//     their delete marks and drops their objects before anything reads.
//     A transaction becomes visible to new snapshots only after its commit
//     is durable.
//
// Thread safety: catalog lookups and changes are guarded by a mutex.
// Statements on different tables may run concurrently.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "llkv/storage/buffered_pager.h"
#include "llkv/storage/pager.h"
#include "runtime/ordered_index.h"
#include "runtime/txn_id_manager.h"
#include "table/sys_catalog.h"
#include "table/table.h"

namespace llkv::runtime {

class Database {
 public:
  // Opens ":memory:" or a file path. Throws llkv::Error naming the file.
  static std::shared_ptr<Database> Open(const std::string& path);
  // Over any pager (an instrumented or fault-injecting one in tests);
  // `name` stands for the path in messages.
  static std::shared_ptr<Database> Open(const std::string& name, storage::PagerPtr pager);

  const std::string& path() const { return path_; }

  // The table named `name` (case-insensitive) that the scoped snapshot
  // sees, or null.
  std::shared_ptr<table::Table> FindTable(const std::string& name) const;
  // All tables the scoped snapshot sees, ordered by name.
  std::vector<std::shared_ptr<table::Table>> Tables() const;
  // The table with id `id`, whoever sees it (null if none).
  std::shared_ptr<table::Table> TableById(uint32_t id) const;

  // Create* and Drop* act for the transaction of the scoped snapshot (or,
  // without one, at once for everyone). Create* throw Catalog Error if the
  // name is taken and TransactionContext Error if another transaction in
  // progress created or dropped it; Drop* throw Catalog Error if the object
  // does not exist and TransactionContext Error on a concurrent drop.
  // Creates a table from `def` (its id is assigned here).
  std::shared_ptr<table::Table> CreateTable(table::TableDef def);
  // Drops a table with its indexes and, unless `keep_triggers` (the table
  // is being replaced by one of the same name: ALTER TABLE), its triggers.
  void DropTable(const std::string& name, bool keep_triggers = false);
  // The transaction that dropped (or replaced) table `table_id`, 0 if none.
  table::TxnId DroppedBy(uint32_t table_id) const;
  // Removes the object with catalog id `id` (any kind) and its storage at
  // once, whoever sees it: for undoing a creation. No-op if absent.
  void EraseObject(uint64_t id);

  // Views: SQL text kept in the catalog; `compiled` caches the SQL layer's
  // parse of it for as long as the database lives.
  struct View {
    uint64_t id = 0;
    std::string name;
    std::string sql;  // the whole CREATE VIEW statement
    mutable std::shared_ptr<const void> compiled;
  };
  std::shared_ptr<const View> FindView(const std::string& name) const;
  std::vector<std::shared_ptr<const View>> Views() const;
  // Throws Catalog Error if a table or view of that name exists.
  void CreateView(const std::string& name, const std::string& sql);
  void DropView(const std::string& name);

  // Schemas besides main, the one that always exists: names in the catalog.
  // An object in schema s is named "s.name" in the catalog (a plain name is
  // in main), which the SQL layer spells s.name. Versioned like views.
  struct Schema {
    uint64_t id = 0;
    std::string name;
  };
  bool HasSchema(const std::string& name) const;
  std::vector<std::shared_ptr<const Schema>> Schemas() const;
  // Throws Catalog Error if it exists.
  void CreateSchema(const std::string& name);
  // Drops the schema alone: the caller has dropped (or refused to drop)
  // what is in it.
  void DropSchema(const std::string& name);

  // Sequences (runtime/sequence.cc): counters stored in the catalog. Their
  // values are not transactional, as in PostgreSQL and DuckDB: a value
  // nextval handed out is never handed out again, rolled back or not.
  struct Sequence {
    uint64_t id = 0;
    std::string name;
    int64_t start = 1, increment = 1, min = 1, max = INT64_MAX;
    bool cycle = false;
    int64_t last = 0;     // the last value handed out
    bool called = false;  // whether nextval has handed one out
  };
  // Throws Catalog Error if a sequence of that name exists (unless
  // `if_not_exists`), Invalid Input for inconsistent bounds.
  void CreateSequence(Sequence s, bool if_not_exists);
  // Throws Catalog Error if there is none (unless `if_exists`).
  void DropSequence(const std::string& name, bool if_exists);
  bool HasSequence(const std::string& name) const;
  // Every sequence's name, in order.
  std::vector<std::string> SequenceNames() const;
  // The sequence's next `n` values, durably recorded (one catalog write
  // and one flush) before they are returned. Throws Catalog Error for an
  // unknown name, Out of Range past its bounds (without CYCLE).
  std::vector<int64_t> NextVals(const std::string& name, size_t n);
  // The last value nextval returned; Invalid Input before the first.
  int64_t CurrVal(const std::string& name) const;

  // Indexes: a name, a table and columns, optionally UNIQUE. PRIMARY KEY
  // and UNIQUE constraints are unique indexes too (named "<table>_pkey",
  // "<table>_unique_<n>"). Uniqueness is enforced by the statements that
  // write rows (runtime/constraints.h) through the index's entries, which
  // the planner also uses for equality and range lookups.
  struct Index {
    uint64_t id = 0;
    std::string name;
    uint32_t table_id = 0;
    std::vector<uint32_t> field_ids;  // the table's columns, by field id
    bool unique = false;
    mutable std::shared_ptr<OrderedIndex> data;  // built on first use
  };
  // The index's entries, built from the table on first use and kept
  // current from then on.
  std::shared_ptr<OrderedIndex> IndexData(const Index& index);
  // Drops the built entries of the index named `name`, of the table named
  // `name`'s indexes, or (empty name) of every index; they are rebuilt from
  // the live rows on next use.
  void Reindex(const std::string& name);
  // Positions in `t`'s columns of the index's fields.
  static std::vector<size_t> IndexColumns(const table::Table& t, const Index& index);
  std::shared_ptr<const Index> FindIndex(const std::string& name) const;
  std::vector<std::shared_ptr<const Index>> IndexesOf(uint32_t table_id) const;
  // Throws Catalog Error if an index of that name exists.
  void CreateIndex(Index index);
  void DropIndex(const std::string& name);

  // Triggers: SQL text kept in the catalog, attached to a table and dropped
  // with it; `compiled` caches the SQL layer's parse.
  struct Trigger {
    uint64_t id = 0;
    std::string name;
    std::string table;  // as the table is named
    std::string sql;    // the whole CREATE TRIGGER statement
    mutable std::shared_ptr<const void> compiled;
  };
  std::shared_ptr<const Trigger> FindTrigger(const std::string& name) const;
  // The table's triggers, in creation order.
  std::vector<std::shared_ptr<const Trigger>> TriggersOf(const std::string& table) const;
  // Throws Catalog Error if a trigger of that name exists or the table does not.
  void CreateTrigger(const std::string& name, const std::string& table, const std::string& sql);
  void DropTrigger(const std::string& name);

  TxnIdManager& txn_ids() { return *txn_ids_; }

  // Ends transaction `id`. CommitTransaction makes its writes durable and
  // then visible; if the write fails it throws and the transaction stays
  // in progress (the caller rolls it back). AbortTransaction is for after
  // its writes were undone.
  void CommitTransaction(table::TxnId id);
  void AbortTransaction(table::TxnId id);
  // How many objects transaction `id` has dropped so far; RevertDropsFrom
  // undoes its drops after the first `from` of them (ROLLBACK TO SAVEPOINT).
  size_t PendingDrops(table::TxnId id) const;
  void RevertDropsFrom(table::TxnId id, size_t from);
  // A key an insert of transaction `id` shares with a row another
  // transaction in progress wrote: checked again at its commit
  // (runtime/constraints.h).
  struct DeferredKey {
    uint32_t table_id = 0;
    uint64_t index_id = 0;
    std::string key;
  };
  void DeferUniqueCheck(table::TxnId id, uint32_t table_id, uint64_t index_id, std::string key);

  // Records that transaction `id` created the catalog object `object_id`:
  // should the process die before the transaction ends, opening the
  // database drops the object.
  void NoteCreated(table::TxnId id, uint64_t object_id);
  // Flushes buffered writes (of transactions in progress) once more than
  // checkpoint_bytes() are buffered; Checkpoint flushes whatever is
  // buffered. Call between statements.
  static constexpr size_t kCheckpointBytes = size_t{64} << 20;
  void MaybeCheckpoint();
  size_t checkpoint_bytes() const { return checkpoint_bytes_; }
  void set_checkpoint_bytes(size_t bytes) { checkpoint_bytes_ = bytes; }
  // Vacuum (runtime/vacuum.cc): removes the row versions of `table` that no
  // snapshot in use or to come can see (deleted by a transaction that
  // committed below TxnIdManager::VacuumHorizon()); their index entries
  // go with them. Returns how many were removed.
  size_t Vacuum(table::Table& table);
  // Counts `n` versions of table `table_id` marked deleted by a committed
  // transaction; MaybeVacuum vacuums the tables where such versions reach
  // a quarter of the stored ones (at least kAutoVacuumRows). Call
  // MaybeVacuum between statements, when no snapshot of the statement that
  // just ended is held any more.
  static constexpr uint64_t kAutoVacuumRows = 1024;
  void NoteDeleted(uint32_t table_id, uint64_t n);
  void MaybeVacuum();

  // Transactions cut off by a crash that opening this database undid.
  size_t recovered_transactions() const { return recovered_; }
  void Checkpoint();

  Database(std::string path, storage::PagerPtr pager);
  ~Database();

 private:
  void Load();
  // Undoes the transactions the state record names (after a crash).
  void Recover();
  // Flushes the buffer with the state record of the transactions in
  // progress other than `committing` (0: none). Requires commit_mu_.
  void FlushLocked(table::TxnId committing);
  static std::vector<uint8_t> EncodeIndex(const Index& index);
  static Index DecodeIndex(const table::CatalogEntry& entry, const std::string& what);

  std::string path_;
  storage::PagerPtr pager_;
  // The write buffer over a persistent pager (pager_ itself), or null.
  std::shared_ptr<storage::BufferedPager> buffered_;
  std::atomic<size_t> checkpoint_bytes_{kCheckpointBytes};
  size_t recovered_ = 0;
  std::mutex vacuum_mu_;
  std::map<uint32_t, uint64_t> deleted_since_vacuum_;  // by table id; vacuum_mu_
  std::mutex commit_mu_;
  std::map<table::TxnId, std::vector<uint64_t>> created_;      // guarded by commit_mu_
  std::map<table::TxnId, std::vector<DeferredKey>> deferred_;  // guarded by commit_mu_
  std::set<table::TxnId> recorded_;  // in the last flushed state record; commit_mu_
  std::shared_ptr<table::ColumnStore> store_;
  std::unique_ptr<table::SysCatalog> catalog_;
  mutable std::mutex mu_;
  // One version of a catalog object: created by a transaction (0: before
  // any this process knows) and dropped by one (0: not dropped).
  template <typename T>
  struct Version {
    T object;
    table::TxnId created_by = 0;
    table::TxnId dropped_by = 0;
  };
  template <typename T>
  using VersionMap = std::map<std::string, std::vector<Version<T>>>;  // by lower-case name
  VersionMap<std::shared_ptr<table::Table>> tables_;                  // guarded by mu_
  VersionMap<std::shared_ptr<const View>> views_;                     // guarded by mu_
  VersionMap<std::shared_ptr<const Schema>> schemas_;                 // guarded by mu_
  VersionMap<std::shared_ptr<const Index>> indexes_;                  // guarded by mu_
  VersionMap<std::shared_ptr<const Trigger>> triggers_;               // guarded by mu_
  std::map<std::string, Sequence> sequences_;                         // guarded by mu_
  void LoadSequence(const table::CatalogEntry& entry);
  void CreateSequenceLocked(Sequence s, bool if_not_exists);  // takes mu_ itself
  // Objects a transaction in progress dropped, and dropped objects whose
  // storage waits for vacuum: catalog ids.
  std::map<table::TxnId, std::vector<uint64_t>> pending_drops_;  // guarded by mu_
  std::map<uint64_t, table::TxnId> dropped_;                     // guarded by mu_

  // Catalog internals (runtime/catalog.cc), with mu_ held.
  template <typename T>
  void DropVersionLocked(VersionMap<T>& map, const std::string& name, const char* what,
                         bool keep_triggers = false);
  void EraseLocked(uint64_t id);
  // Removes the storage of columns no catalog table owns (a crash between a
  // dropped table's commit and the reclaiming of its storage).
  void DropOrphanColumns();
  // At commit: the catalog entries of `id`'s drops go; at abort they stay.
  std::vector<table::CatalogEntry> FinishDrops(table::TxnId id);
  void RevertDrops(table::TxnId id);
  // Reclaims dropped objects no snapshot can see any more.
  void ReclaimDropped();
  std::unique_ptr<TxnIdManager> txn_ids_;
};

}  // namespace llkv::runtime
