// Package journal records which messages a batch run has processed, so
// that a run killed at any moment can be started again and goes on where
// it stopped, without processing a message twice.
//
// # Overview
//
// A Journal is one bbolt file. Each processed message is an Entry under its
// key (the Message-ID, or a content hash for mail without one). Entries and
// the committed length of each output file are written together in one
// transaction by Commit:
//
//	j, err := journal.Open("antwort.journal", nil)
//	done, err := j.Done("4711@kunde.example")     // skip it?
//	err = j.Commit(ctx, entries, map[string]int64{"/abs/decisions.jsonl": 81234})
//
// Two different messages can carry one Message-ID (by mistake, or to
// pre-empt a customer's mail). Each Entry therefore records a hash of its
// message's content too, and Check tells the three cases apart: New,
// Processed (same key and content: skip it), Reused (the key was used by a
// different message: process this one, and report the reused ID).
//
//	st, err := j.Check("4711@kunde.example", hash) // New, Processed or Reused
//
// A batch writes results to its output, syncs the output, then commits the
// entries with the output's new length. After a crash the output is cut
// back to the committed length (Offset) and the uncommitted messages are
// processed again, so the output holds every message exactly once.
//
// # Rate limit
//
// The journal also keeps, per sender, the times of the automatic answers
// a batch decided (LoadAnswers, SaveAnswers: a reply.AnswerStore), so that
// the per-sender rate limit holds across runs that use the same journal.
// Senders are stored as hashes, not addresses.
//
// # Concurrency and files
//
// A Journal is safe for concurrent use. Open takes the file's lock and
// never waits longer than Options.Timeout: a second batch run on the same
// journal gets ErrLocked naming the file. A meta bucket holds the schema
// version; a newer or foreign file is refused with ErrSchema.
package journal
