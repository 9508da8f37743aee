package natsq

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
)

// ManifestFormat is the manifest layout this code writes and the highest
// it reads.
const ManifestFormat = 1

// Manifest describes one push: the model versions and the knowledge base
// every worker is to run. It is the object ManifestObject in ModelsBucket,
// written after the objects it names, so a worker that sees a manifest
// finds everything it refers to.
type Manifest struct {
	Format  int       `json:"format"`
	ID      string    `json:"id"` // "20261202T015500Z-3f2a9c1b": time and content hash
	Created time.Time `json:"created"`
	// Origin names the store pushed from ("host:/path/antwort.db").
	Origin string `json:"origin,omitempty"`
	// Schema is the model store schema (models.SchemaVersion) of the
	// antwort that pushed; a worker that knows an older one refuses the
	// push. ModelFormat likewise for the model encoding.
	Schema      int           `json:"store_schema"`
	ModelFormat int           `json:"model_format"`
	Code        string        `json:"code_version,omitempty"`
	Models      []PushedModel `json:"models"`
	KB          *PushedKB     `json:"kb,omitempty"`
}

// PushedModel is one model version in a push.
type PushedModel struct {
	Name    string      `json:"name"`
	Version int         `json:"version"`
	Object  string      `json:"object"`
	Size    int         `json:"size"`
	SHA256  string      `json:"sha256"`
	Info    models.Info `json:"info"`
}

// PushedKB is the knowledge-base export in a push: JSONL, one article per
// line.
type PushedKB struct {
	Object   string `json:"object"`
	Articles int    `json:"articles"`
	Size     int    `json:"size"`
	SHA256   string `json:"sha256"`
}

// Versions returns the model versions of the push as Engine.Versions
// names them ("intent@3", "sentiment@1", or "lexicon" without a sentiment
// model).
func (m *Manifest) Versions() []string {
	v := []string{}
	sentiment := false
	for _, pm := range m.Models {
		v = append(v, fmt.Sprintf("%s@%d", pm.Name, pm.Version))
		sentiment = sentiment || pm.Name == "sentiment"
	}
	if !sentiment {
		v = append(v, "lexicon")
	}
	return v
}

// ModelBlob is a model version to push: its Info from the store and its
// encoded blob.
type ModelBlob struct {
	Info models.Info
	Blob []byte
}

// PushInput is what Push distributes.
type PushInput struct {
	// Models are the model versions, at least the intent model.
	Models []ModelBlob
	// Articles is the knowledge base; nil pushes none (workers keep
	// theirs).
	Articles []kb.Article
	// Origin and Code are recorded in the manifest.
	Origin, Code string
	// Now is the push time (default time.Now).
	Now time.Time
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Push stores the models and the knowledge base of in in ModelsBucket and
// then the manifest naming them, which workers watch. Objects already
// there with the same content are not uploaded again. Objects that
// neither this push nor the one before it name are removed afterwards.
func Push(ctx context.Context, js jetstream.JetStream, in PushInput) (*Manifest, error) {
	if !slices.ContainsFunc(in.Models, func(m ModelBlob) bool { return m.Info.Name == "intent" }) {
		return nil, fmt.Errorf("%w: no intent model", ErrBadPush)
	}
	obs, err := js.ObjectStore(ctx, ModelsBucket)
	if err != nil {
		return nil, fmt.Errorf("natsq: object store %s: %w", ModelsBucket, err)
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	m := &Manifest{Format: ManifestFormat, Created: now.UTC().Round(time.Millisecond), Origin: in.Origin,
		Schema: models.SchemaVersion, ModelFormat: classifier.FormatVersion, Code: in.Code}
	put := func(name string, data []byte) error {
		if info, err := obs.GetInfo(ctx, name); err == nil && info.Size == uint64(len(data)) {
			return nil // same name = same content hash: already there
		}
		if _, err := obs.PutBytes(ctx, name, data); err != nil {
			return fmt.Errorf("natsq: push %s: %w", name, err)
		}
		return nil
	}
	for _, mb := range in.Models {
		d := digest(mb.Blob)
		name := fmt.Sprintf("model/%s@%d-%s", mb.Info.Name, mb.Info.Version, d[:16])
		if err := put(name, mb.Blob); err != nil {
			return nil, err
		}
		info := mb.Info
		info.Active = true
		m.Models = append(m.Models, PushedModel{Name: info.Name, Version: info.Version, Object: name, Size: len(mb.Blob), SHA256: d, Info: info})
	}
	if in.Articles != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		for _, a := range in.Articles {
			if err := enc.Encode(a); err != nil {
				return nil, err
			}
		}
		d := digest(buf.Bytes())
		name := "kb/" + d[:32] + ".jsonl"
		if err := put(name, buf.Bytes()); err != nil {
			return nil, err
		}
		m.KB = &PushedKB{Object: name, Articles: len(in.Articles), Size: buf.Len(), SHA256: d}
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	m.ID = m.Created.Format("20060102T150405Z") + "-" + digest(body)[:8]
	body, err = json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	prev, _ := readManifest(ctx, obs)
	if _, err := obs.PutBytes(ctx, ManifestObject, body); err != nil {
		return nil, fmt.Errorf("natsq: push manifest: %w", err)
	}
	prune(ctx, obs, m, prev)
	return m, nil
}

// prune removes objects that neither cur nor prev names. Errors are
// ignored: an object left over costs space, nothing else.
func prune(ctx context.Context, obs jetstream.ObjectStore, cur, prev *Manifest) {
	keep := map[string]bool{ManifestObject: true}
	for _, m := range []*Manifest{cur, prev} {
		if m == nil {
			continue
		}
		for _, pm := range m.Models {
			keep[pm.Object] = true
		}
		if m.KB != nil {
			keep[m.KB.Object] = true
		}
	}
	list, err := obs.List(ctx)
	if err != nil {
		return
	}
	for _, o := range list {
		if !keep[o.Name] {
			_ = obs.Delete(ctx, o.Name)
		}
	}
}

// PutManifest stores m as the current push as it is, without checking
// it. Push is the normal way; PutManifest is for tools and tests.
func PutManifest(ctx context.Context, js jetstream.JetStream, m *Manifest) error {
	obs, err := js.ObjectStore(ctx, ModelsBucket)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	_, err = obs.PutBytes(ctx, ManifestObject, body)
	return err
}

func readManifest(ctx context.Context, obs jetstream.ObjectStore) (*Manifest, error) {
	b, err := obs.GetBytes(ctx, ManifestObject)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, ErrNoPush
	}
	if err != nil {
		return nil, fmt.Errorf("natsq: read %s: %w", ManifestObject, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadPush, ManifestObject, err)
	}
	return &m, nil
}

// ReadManifest returns the current push's manifest, or an error wrapping
// ErrNoPush.
func ReadManifest(ctx context.Context, js jetstream.JetStream) (*Manifest, error) {
	obs, err := js.ObjectStore(ctx, ModelsBucket)
	if err != nil {
		return nil, fmt.Errorf("natsq: object store %s: %w", ModelsBucket, err)
	}
	return readManifest(ctx, obs)
}

// Pushed is a push read back and decoded, ready to build an engine.
type Pushed struct {
	Manifest                        *Manifest
	Intent, Sentiment               *classifier.Model
	IntentVersion, SentimentVersion int
	// Articles is the knowledge base; nil when the push has none.
	Articles []kb.Article
}

// Check returns an error wrapping ErrRefused when m comes from a newer
// antwort than this one.
func (m *Manifest) Check() error {
	switch {
	case m.Format > ManifestFormat:
		return fmt.Errorf("%w: push %s has manifest format %d; this antwort reads up to %d (upgrade the workers)", ErrRefused, m.ID, m.Format, ManifestFormat)
	case m.Schema > models.SchemaVersion:
		return fmt.Errorf("%w: push %s comes from a model store of schema %d; this antwort reads up to %d (upgrade the workers)", ErrRefused, m.ID, m.Schema, models.SchemaVersion)
	case m.ModelFormat > classifier.FormatVersion:
		return fmt.Errorf("%w: push %s has model format %d; this antwort reads up to %d (upgrade the workers)", ErrRefused, m.ID, m.ModelFormat, classifier.FormatVersion)
	case m.Format < 1 || m.ID == "":
		return fmt.Errorf("%w: %s has no format or id", ErrBadPush, ManifestObject)
	}
	return nil
}

// LoadPush reads m's objects and decodes them completely: the models and
// the knowledge-base export. Nothing of it is used until everything has
// been read and checked. Errors wrap ErrRefused (a newer antwort pushed
// it) or ErrBadPush.
func LoadPush(ctx context.Context, js jetstream.JetStream, m *Manifest) (*Pushed, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	obs, err := js.ObjectStore(ctx, ModelsBucket)
	if err != nil {
		return nil, fmt.Errorf("natsq: object store %s: %w", ModelsBucket, err)
	}
	get := func(name, sum string) ([]byte, error) {
		b, err := obs.GetBytes(ctx, name)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("%w: push %s: object %s: %w", ErrBadPush, m.ID, name, err)
		}
		if digest(b) != sum {
			return nil, fmt.Errorf("%w: push %s: object %s does not match its SHA-256 in the manifest", ErrBadPush, m.ID, name)
		}
		return b, nil
	}
	p := &Pushed{Manifest: m}
	for _, pm := range m.Models {
		b, err := get(pm.Object, pm.SHA256)
		if err != nil {
			return nil, err
		}
		model, err := classifier.UnmarshalModel(b)
		if err != nil {
			if errors.Is(err, classifier.ErrNewerFormat) {
				return nil, fmt.Errorf("%w: push %s: model %s@%d: %w", ErrRefused, m.ID, pm.Name, pm.Version, err)
			}
			return nil, fmt.Errorf("%w: push %s: model %s@%d: %w", ErrBadPush, m.ID, pm.Name, pm.Version, err)
		}
		switch pm.Name {
		case "intent":
			p.Intent, p.IntentVersion = model, pm.Version
		case "sentiment":
			p.Sentiment, p.SentimentVersion = model, pm.Version
		}
	}
	if p.Intent == nil {
		return nil, fmt.Errorf("%w: push %s has no intent model", ErrBadPush, m.ID)
	}
	if m.KB != nil {
		b, err := get(m.KB.Object, m.KB.SHA256)
		if err != nil {
			return nil, err
		}
		if p.Articles, err = decodeArticles(b); err != nil {
			return nil, fmt.Errorf("%w: push %s: %s: %w", ErrBadPush, m.ID, m.KB.Object, err)
		}
	}
	return p, nil
}

func decodeArticles(b []byte) ([]kb.Article, error) {
	var arts []kb.Article
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 2*kb.MaxBodyBytes+64<<10)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var a kb.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if err := a.Normalize().Check(); err != nil {
			return nil, fmt.Errorf("line %d: article %q: %w", line, a.ID, err)
		}
		arts = append(arts, a)
	}
	if err := sc.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return arts, nil
}

// shortDigest is the first 12 hex digits of a SHA-256, for records.
func shortDigest(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return strings.TrimSpace(s)
}
