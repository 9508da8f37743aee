// Package models is a versioned store of trained models in a single bbolt
// file.
//
// # Overview
//
// A [Store] keeps, per model name (for example "intent" or "sentiment"),
// numbered versions of an opaque encoded model (the blob) together with its
// metadata ([Info]: kind, training-data hash, label counts, metrics, code
// version, …). The store never decodes blobs; encoding them is the caller's
// job, so this package imports no other antwort package.
//
//	s, err := models.Open("antwort.db", &models.Options{Timeout: 2 * time.Second})
//	if err != nil { … }
//	defer s.Close()
//	info, err := s.Save(ctx, "intent", models.Info{Kind: "nb", DataHash: h}, blob)
//	err = s.Activate(ctx, "intent", info.Version)
//	info, blob, err = s.Load(ctx, "intent", 0) // 0 = the active version
//
// [Store.Save] assigns the next version number (1, 2, 3, … per name).
// Numbers are never reused, not even after [Store.Delete]. Saving does not
// activate: one version per name is active, chosen by [Store.Activate].
// Every activation pushes the previously active version on a per-name
// history, and [Store.Rollback] pops it, skipping versions deleted since.
// The active version cannot be deleted.
//
// Errors wrap the sentinels in errors.go; branch on them with [errors.Is].
//
// # File layout
//
// Schema version 1 ([SchemaVersion]) lays out the bbolt file as follows.
// Versions are stored as 8-byte big-endian unsigned integers, so cursors
// visit them in numeric order.
//
//	meta/                 bucket
//	  schema              "1" (schema version as a decimal string)
//	models/               bucket
//	  <name>/             bucket per model name
//	    active            version of the active model (absent if none)
//	    history           JSON array of previously active versions, most recent last (absent if empty)
//	    next              version the next Save assigns
//	    info/             bucket: version -> JSON-encoded Info (without "active")
//	    blob/             bucket: version -> encoded model bytes
//
// [Open] refuses a file whose schema is newer than this code knows
// ([ErrSchema]), a file that is not a bbolt database and a bbolt database
// without the "meta" bucket ([ErrInvalidFile]). A file with an older schema
// would be migrated inside the writable transaction of Open; schema 1 is the
// first, so there is nothing to migrate yet.
//
// # Concurrency
//
// A *Store is safe for concurrent use by multiple goroutines. Writes
// (Save, Activate, Rollback, Delete) run in serialised bbolt write
// transactions, and reads run in read transactions that see a consistent
// snapshot. Load returns a copy of the blob, so it stays valid after the
// transaction ends and after Close.
//
// There is one writer process per file. Open takes an exclusive file lock
// for a read-write store and a shared lock for [Options.ReadOnly], so any
// number of read-only stores can share a file, but only while no
// read-write store holds it. Processes that only serve models (workers)
// should open read-only; a trainer that needs to write while they run
// should write a new file and let them reopen it, or route writes through
// the one process that owns the file.
//
// # Caveats
//
// The lock is a flock on the open file, not on the process: a second Open
// of the same file in the same process conflicts with the first exactly as
// another process would. Keep one *Store per file and share it.
//
// Open waits at most [Options.Timeout] (default [DefaultTimeout]) for the
// lock and then fails with [ErrLocked]; it never blocks forever. bbolt does
// not support contexts, so a ctx only stops a call before it starts: each
// method checks ctx.Err() first, but a started transaction runs to the end.
//
// A blob is held in memory in full by Save and Load and must stay below
// bbolt's maximum value size (about 2 GiB). Deleting versions frees pages
// for reuse inside the file but does not shrink it.
package models
