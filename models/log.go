package models

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Buckets added by schema version 2.
var (
	bucketAudit     = []byte("audit")
	bucketFeedback  = []byte("feedback")
	bucketSeen      = []byte("seen")
	bucketSeenOrder = []byte("seenorder")
	bucketData      = []byte("data")
)

// logBuckets are the buckets schema version 2 adds to version 1.
func logBuckets() [][]byte {
	return [][]byte{bucketAudit, bucketFeedback, bucketSeen, bucketSeenOrder, bucketData}
}

// createLogBuckets creates the schema 2 buckets that are missing.
func (s *Store) createLogBuckets(tx *bolt.Tx) error {
	for _, b := range logBuckets() {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return fmt.Errorf("models: open %s: create %q bucket: %w", s.path, b, err)
		}
	}
	return nil
}

// migrate brings an older schema up to SchemaVersion inside the writable
// transaction of Open. checkSchema has run before.
func (s *Store) migrate(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	v, _ := strconv.Atoi(string(meta.Get(keySchema)))
	if v >= SchemaVersion {
		return nil
	}
	// 1 -> 2: the log buckets; the model buckets are unchanged.
	if err := s.createLogBuckets(tx); err != nil {
		return err
	}
	if err := meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
		return fmt.Errorf("models: open %s: migrate schema %d to %d: %w", s.path, v, SchemaVersion, err)
	}
	return nil
}

// Audit actions recorded by the Store itself. Callers may record others
// (for example "retrain" or "kb-import") with [Store.Audit].
const (
	AuditSave     = "save"
	AuditActivate = "activate"
	AuditRollback = "rollback"
	AuditDelete   = "delete"
)

// AuditEntry is one line of the audit trail: who did what, when.
type AuditEntry struct {
	Seq    int64     `json:"seq"`   // assigned by the store, increasing
	Time   time.Time `json:"time"`  // set by the store if zero; UTC
	Actor  string    `json:"actor"` // see WithActor
	Action string    `json:"action"`
	// Name and Version are the model concerned, if any; Previous is the
	// version that was active before an activation or rollback.
	Name     string `json:"name,omitempty"`
	Version  int    `json:"version,omitempty"`
	Previous int    `json:"previous,omitempty"`
	Note     string `json:"note,omitempty"`
	// Detail is free-form JSON, for example a retraining report.
	Detail json.RawMessage `json:"detail,omitempty"`
}

type actorKey struct{}

// WithActor returns a context under which the Store's writing methods
// record actor as the one who acted ("token:ticket-system",
// "cli:anna@host"). Without it, the store records the process's user
// and host name.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor set with WithActor, or "".
func ActorFrom(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}

// LocalActor names the user and host the process runs as: "anna@build-7"
// (the user's uid, "uid 1000@build-7", when it has no name). A Store
// records it when the context names no actor; the CLI records
// "cli:"+LocalActor().
func LocalActor() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "uid " + strconv.Itoa(os.Getuid())
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		name += "@" + h
	}
	return name
}

// audit appends e to the audit trail inside tx. The actor comes from ctx,
// else the store's default.
func (s *Store) audit(ctx context.Context, tx *bolt.Tx, e AuditEntry) error {
	b := tx.Bucket(bucketAudit)
	if b == nil {
		return fmt.Errorf("no %q bucket", bucketAudit)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e.Seq = int64(seq)
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Time = e.Time.UTC().Round(0)
	if e.Actor == "" {
		e.Actor = ActorFrom(ctx)
	}
	if e.Actor == "" {
		e.Actor = s.actor
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode audit entry: %w", err)
	}
	return b.Put(versionKey(int(seq)), data)
}

// Audit appends e to the audit trail and returns it with Seq, Time and
// Actor filled in. Save, Activate, Rollback and Delete record their own
// entries in the same transaction as the change.
func (s *Store) Audit(ctx context.Context, e AuditEntry) (AuditEntry, error) {
	op := "audit " + strconv.Quote(e.Action)
	if err := s.checkWrite(ctx, op, "audit"); err != nil {
		return AuditEntry{}, err
	}
	if e.Action == "" {
		return AuditEntry{}, newError(ErrInvalidName, nil, "%s: empty action", op)
	}
	err := s.update(op, func(tx *bolt.Tx) error {
		if err := s.audit(ctx, tx, e); err != nil {
			return err
		}
		// Read back what audit stored (Seq, Time, Actor).
		_, v := tx.Bucket(bucketAudit).Cursor().Last()
		return json.Unmarshal(v, &e)
	})
	if err != nil {
		return AuditEntry{}, err
	}
	return e, nil
}

// AuditQuery selects audit entries.
type AuditQuery struct {
	Name string // only entries about this model name ("" = all)
	Last int    // only the last Last matching entries (0 = all)
}

// AuditLog returns the audit entries q selects, oldest first. A store
// with schema version 1 opened read-only has none.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	out := []AuditEntry{}
	if err := checkCtx(ctx, "audit log"); err != nil {
		return nil, err
	}
	err := s.view("audit log", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAudit)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("decode audit entry %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if q.Name != "" && e.Name != q.Name {
				continue
			}
			out = append(out, e)
			if q.Last > 0 && len(out) == q.Last {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Feedback is an agent's verdict on one message antwort classified or
// answered. The store keeps it as given; redacting the text is the
// caller's job (the server redacts by default).
type Feedback struct {
	Seq   int64     `json:"seq"`             // assigned by AddFeedback
	Time  time.Time `json:"time"`            // set by AddFeedback if zero; UTC
	Actor string    `json:"actor,omitempty"` // who sent it (WithActor)
	Agent string    `json:"agent,omitempty"` // the agent, as the client names them

	MessageID string `json:"message_id"`
	// Known is true when the message id was seen (classified or answered)
	// before; Flags lists what is odd about the entry ("unknown_message",
	// "no_text", "new_intent", "unknown_article").
	Known bool     `json:"known"`
	Flags []string `json:"flags,omitempty"`

	Subject string `json:"subject,omitempty"`
	Text    string `json:"text,omitempty"`
	Lang    string `json:"lang,omitempty"`
	Channel string `json:"channel,omitempty"`

	// Predicted* are what antwort said; Intent and Sentiment the agent's
	// labels (empty: no correction given).
	PredictedIntent    string `json:"predicted_intent,omitempty"`
	Intent             string `json:"intent,omitempty"`
	PredictedSentiment string `json:"predicted_sentiment,omitempty"`
	Sentiment          string `json:"sentiment,omitempty"`
	Model              string `json:"model,omitempty"` // "intent@3"

	// Suggested is the article antwort proposed first; AnswerUsed the one
	// the agent sent ("" = none); Edited whether they changed it and
	// EditRatio how much (0..1, 0 = not given); Declined lists articles
	// the agent rejected.
	Suggested  string   `json:"suggested,omitempty"`
	AnswerUsed string   `json:"answer_used,omitempty"`
	Edited     bool     `json:"edited,omitempty"`
	EditRatio  float64  `json:"edit_ratio,omitempty"`
	Declined   []string `json:"declined,omitempty"`
	Comment    string   `json:"comment,omitempty"`
}

// AddFeedback appends f to the feedback log and returns it with Seq, Time
// and (if empty) Actor filled in.
func (s *Store) AddFeedback(ctx context.Context, f Feedback) (Feedback, error) {
	const op = "add feedback"
	if err := s.checkWrite(ctx, op, "feedback"); err != nil {
		return Feedback{}, err
	}
	if f.Time.IsZero() {
		f.Time = time.Now()
	}
	f.Time = f.Time.UTC().Round(0)
	if f.Actor == "" {
		f.Actor = ActorFrom(ctx)
	}
	err := s.update(op, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeedback)
		if b == nil {
			return fmt.Errorf("no %q bucket", bucketFeedback)
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		f.Seq = int64(seq)
		data, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("encode feedback: %w", err)
		}
		return b.Put(versionKey(int(seq)), data)
	})
	if err != nil {
		return Feedback{}, err
	}
	return f, nil
}

// FeedbackQuery selects feedback entries.
type FeedbackQuery struct {
	After int64 // only entries with Seq > After
	Last  int   // only the last Last entries (0 = all)
}

// FeedbackLog returns the feedback entries q selects, oldest first.
func (s *Store) FeedbackLog(ctx context.Context, q FeedbackQuery) ([]Feedback, error) {
	out := []Feedback{}
	if err := checkCtx(ctx, "feedback log"); err != nil {
		return nil, err
	}
	err := s.view("feedback log", func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFeedback)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			seq := int64(binary.BigEndian.Uint64(k))
			if seq <= q.After {
				break
			}
			var f Feedback
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("decode feedback %d: %w", seq, err)
			}
			out = append(out, f)
			if q.Last > 0 && len(out) == q.Last {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Seen records a message antwort classified or answered, so that later
// feedback naming only its id can be tied to its text and to what antwort
// said. The store keeps it as given; redaction is the caller's job.
type Seen struct {
	ID         string    `json:"id"`
	Seq        int64     `json:"seq"` // assigned by AddSeen
	Time       time.Time `json:"time"`
	Subject    string    `json:"subject,omitempty"`
	Text       string    `json:"text,omitempty"`
	Lang       string    `json:"lang,omitempty"`
	Channel    string    `json:"channel,omitempty"`
	Intent     string    `json:"intent,omitempty"`
	Confidence float64   `json:"confidence,omitempty"`
	Sentiment  string    `json:"sentiment,omitempty"`
	Answers    []string  `json:"answers,omitempty"` // article ids offered, best first
	Action     string    `json:"action,omitempty"`  // the policy's decision
	Model      string    `json:"model,omitempty"`   // "intent@3"
}

// AddSeen records msgs in one transaction (a later record for the same id
// replaces the earlier one) and then forgets the oldest records beyond
// the newest keep (keep <= 0: keep all).
func (s *Store) AddSeen(ctx context.Context, msgs []Seen, keep int) error {
	const op = "add seen"
	if err := s.checkWrite(ctx, op, "seen"); err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	return s.update(op, func(tx *bolt.Tx) error {
		ids, order := tx.Bucket(bucketSeen), tx.Bucket(bucketSeenOrder)
		if ids == nil || order == nil {
			return fmt.Errorf("no %q bucket", bucketSeen)
		}
		for _, m := range msgs {
			if m.ID == "" {
				continue
			}
			seq, err := order.NextSequence()
			if err != nil {
				return err
			}
			m.Seq = int64(seq)
			if m.Time.IsZero() {
				m.Time = time.Now()
			}
			m.Time = m.Time.UTC().Round(0)
			data, err := json.Marshal(m)
			if err != nil {
				return fmt.Errorf("encode seen %q: %w", m.ID, err)
			}
			if err := ids.Put([]byte(m.ID), data); err != nil {
				return err
			}
			if err := order.Put(versionKey(int(seq)), []byte(m.ID)); err != nil {
				return err
			}
		}
		if keep <= 0 {
			return nil
		}
		// Entries are only ever removed from the front, so the keys are
		// first..Sequence() without holes.
		k, _ := order.Cursor().First()
		if k == nil {
			return nil
		}
		excess := int64(order.Sequence()) - int64(binary.BigEndian.Uint64(k)) + 1 - int64(keep)
		type pair struct {
			seq int64
			id  []byte
		}
		var drop []pair
		c := order.Cursor()
		for k, v := c.First(); k != nil && int64(len(drop)) < excess; k, v = c.Next() {
			drop = append(drop, pair{int64(binary.BigEndian.Uint64(k)), append([]byte(nil), v...)})
		}
		for _, d := range drop {
			if data := ids.Get(d.id); data != nil {
				var old Seen
				if err := json.Unmarshal(data, &old); err != nil || old.Seq == d.seq {
					if err := ids.Delete(d.id); err != nil {
						return err
					}
				}
			}
			if err := order.Delete(versionKey(int(d.seq))); err != nil {
				return err
			}
		}
		return nil
	})
}

// SeenMessage returns the record of message id and whether there is one.
func (s *Store) SeenMessage(ctx context.Context, id string) (Seen, bool, error) {
	var m Seen
	found := false
	if err := checkCtx(ctx, "seen"); err != nil {
		return m, false, err
	}
	err := s.view("seen "+strconv.Quote(id), func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSeen)
		if b == nil || id == "" {
			return nil
		}
		data := b.Get([]byte(id))
		if data == nil {
			return nil
		}
		found = true
		return json.Unmarshal(data, &m)
	})
	if err != nil {
		return Seen{}, false, err
	}
	return m, found, nil
}

// RecentSeen returns up to n of the most recently recorded messages,
// oldest first (n <= 0: all).
func (s *Store) RecentSeen(ctx context.Context, n int) ([]Seen, error) {
	out := []Seen{}
	if err := checkCtx(ctx, "recent seen"); err != nil {
		return nil, err
	}
	err := s.view("recent seen", func(tx *bolt.Tx) error {
		ids, order := tx.Bucket(bucketSeen), tx.Bucket(bucketSeenOrder)
		if ids == nil || order == nil {
			return nil
		}
		c := order.Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			data := ids.Get(v)
			if data == nil {
				continue
			}
			var m Seen
			if err := json.Unmarshal(data, &m); err != nil {
				return fmt.Errorf("decode seen %q: %w", v, err)
			}
			if m.Seq != int64(binary.BigEndian.Uint64(k)) {
				continue // replaced by a later record
			}
			out = append(out, m)
			if n > 0 && len(out) == n {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// SaveData stores blob (for example the encoded training examples of a
// model) under key, typically the Info.DataHash it hashes to. Saving the
// same key again replaces the blob.
func (s *Store) SaveData(ctx context.Context, key string, blob []byte) error {
	op := "save data " + strconv.Quote(key)
	if err := s.checkWrite(ctx, op, "data"); err != nil {
		return err
	}
	if key == "" {
		return newError(ErrInvalidName, nil, "%s: empty key", op)
	}
	return s.update(op, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketData)
		if b == nil {
			return fmt.Errorf("no %q bucket", bucketData)
		}
		return b.Put([]byte(key), blob)
	})
}

// Data returns a copy of the blob saved under key, or an error wrapping
// ErrNotFound.
func (s *Store) Data(ctx context.Context, key string) ([]byte, error) {
	op := "data " + strconv.Quote(key)
	if err := checkCtx(ctx, op); err != nil {
		return nil, err
	}
	var out []byte
	err := s.view(op, func(tx *bolt.Tx) error {
		var v []byte
		if b := tx.Bucket(bucketData); b != nil && key != "" {
			v = b.Get([]byte(key))
		}
		if v == nil {
			return newError(ErrNotFound, nil, "%s: no such data in %s", op, s.path)
		}
		out = append([]byte(nil), v...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// bucketAnswers holds the times of the automatic answers per sender (see
// LoadAnswers). It is created by the first SaveAnswers; older versions
// of this package ignore it.
var bucketAnswers = []byte("answers")

// LoadAnswers returns the automatic answers recorded for the sender key
// (see reply.NewStoredLimiter); nil when there are none. With
// SaveAnswers it makes a Store a reply.AnswerStore, so that the
// per-sender rate limit of a server holds across restarts.
func (s *Store) LoadAnswers(key string) ([]byte, error) {
	var out []byte
	err := s.view("load answers", func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketAnswers); b != nil {
			out = bytes.Clone(b.Get([]byte(key)))
		}
		return nil
	})
	return out, err
}

// SaveAnswers writes put (a nil value deletes its key) in one
// transaction and, when drop is not nil, deletes every other sender
// whose value drop reports as expired. See LoadAnswers.
func (s *Store) SaveAnswers(put map[string][]byte, drop func(value []byte) bool) error {
	const op = "save answers"
	if s.readOnly {
		return newError(ErrReadOnly, nil, "%s: %s was opened read-only", op, s.path)
	}
	return s.update(op, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketAnswers)
		if err != nil {
			return err
		}
		var old [][]byte
		if drop != nil {
			_ = b.ForEach(func(k, v []byte) error {
				if _, ok := put[string(k)]; !ok && drop(v) {
					old = append(old, bytes.Clone(k))
				}
				return nil
			})
		}
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		for k, v := range put {
			if v == nil {
				err = b.Delete([]byte(k))
			} else {
				err = b.Put([]byte(k), v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
