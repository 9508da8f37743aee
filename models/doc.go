// Package models is a versioned store of trained models in a single bbolt
// file.
//
// # Overview
//
// A [Store] keeps, per model name (for example "intent" or "sentiment"),
// numbered versions of an opaque encoded model (the blob) together with its
// metadata ([Info]: kind, training-data hash, label counts, metrics, the
// antwort build that saved it, …). The store never decodes blobs; encoding
// them is the caller's job, so this package imports no other antwort
// package (but internal/buildinfo, which imports none).
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
// Schema version 2 ([SchemaVersion]) lays out the bbolt file as follows.
// Versions and sequence numbers are stored as 8-byte big-endian unsigned
// integers, so cursors visit them in numeric order.
//
//	meta/                 bucket
//	  schema              "2" (schema version as a decimal string)
//	models/               bucket
//	  <name>/             bucket per model name
//	    active            version of the active model (absent if none)
//	    history           JSON array of previously active versions, most recent last (absent if empty)
//	    next              version the next Save assigns
//	    info/             bucket: version -> JSON-encoded Info (without "active")
//	    blob/             bucket: version -> encoded model bytes
//	audit/                bucket: seq -> JSON AuditEntry (who did what, when)      [schema 2]
//	feedback/             bucket: seq -> JSON Feedback (agents' verdicts)          [schema 2]
//	seen/                 bucket: message id -> JSON Seen (what antwort said)      [schema 2]
//	seenorder/            bucket: seq -> message id (for forgetting the oldest)    [schema 2]
//	data/                 bucket: key -> blob (training data by data hash)         [schema 2]
//	answers/              bucket: sender hash -> times of automatic answers        [created on first use]
//
// [Open] refuses a file whose schema is newer than this code knows
// ([ErrSchema]), a file that is not a bbolt database and a bbolt database
// without the "meta" bucket ([ErrInvalidFile]). A file with schema 1 is
// migrated to schema 2 inside the writable transaction of Open (the five
// log buckets are added, nothing else changes); opened read-only, it is
// read as is and its logs are empty.
//
// # Audit trail, feedback and training data
//
// Save, Activate, Rollback and Delete append an [AuditEntry] in the same
// transaction as the change, naming the actor set on the context with
// [WithActor] (default: the process's user@host). [Store.Audit] records
// other actions. [Store.AddFeedback] and [Store.FeedbackLog] keep the
// agents' feedback, [Store.AddSeen] and [Store.SeenMessage] the messages
// antwort answered (bounded: the oldest are forgotten), and
// [Store.SaveData] / [Store.Data] the training data of models, so a
// model can be retrained from the store alone. The store keeps texts as
// given: redacting personal data is the caller's job. [Store.LoadAnswers]
// and [Store.SaveAnswers] keep the per-sender count of a server's
// automatic answers (reply.NewStoredLimiter), so its rate limit holds
// across restarts.
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
