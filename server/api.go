package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
)

// MessageRequest is the JSON body of POST /v1/classify and /v1/suggest.
type MessageRequest struct {
	// ID identifies the message for feedback; the server assigns one
	// ("m-" and 16 hex digits) when it is empty and returns it.
	ID      string `json:"id"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	// From is the sender: a string ("Petra Schulz <petra@example.com>",
	// `"Hoffmann, Brigitte" <n1@kunde.example>`, an address, or a name or
	// handle without one) or an object {"name", "address"}. It must be one
	// mailbox: a list or a group is refused (a reply goes to exactly one
	// address).
	From ingest.Address `json:"from"`
	// Channel is email (default), chat, twitter, facebook, …; social
	// channels get the short answer variant.
	Channel string `json:"channel"`
	// Clean separates quoted history and signature from Text before
	// classifying (ingest.Clean). Default: true for e-mail, false for
	// other channels.
	Clean *bool `json:"clean"`
	// Auto, when not empty, says the message was sent by a machine
	// (auto-reply, bounce): the reason. It is never answered.
	Auto string `json:"auto"`
	// Explain is the number of features that explain each label (0 to
	// 20; default Options.Explain).
	Explain *int `json:"explain"`
}

// maxExplain bounds MessageRequest.Explain.
const maxExplain = 20

// FeedbackRequest is the JSON body of POST /v1/feedback.
type FeedbackRequest struct {
	// MessageID is the id of a classified or answered message
	// (required). An id the server has not seen is accepted and flagged
	// "unknown_message".
	MessageID string `json:"message_id"`
	// Intent and Sentiment are the agent's labels (a new intent is
	// fine: the next retrain learns it).
	Intent    string `json:"intent"`
	Sentiment string `json:"sentiment"`
	// AnswerUsed is the article the agent sent; Edited whether they
	// changed the draft, EditRatio how much (0..1); Declined the
	// articles they rejected.
	AnswerUsed string   `json:"answer_used"`
	Edited     bool     `json:"edited"`
	EditRatio  *float64 `json:"edit_ratio"`
	Declined   []string `json:"declined"`
	Agent      string   `json:"agent"`
	Comment    string   `json:"comment"`
	// Subject and Text are the message, needed when the server has not
	// seen it (or has forgotten it); they are redacted before storing.
	Subject string `json:"subject"`
	Text    string `json:"text"`
	Channel string `json:"channel"`
}

// FeedbackResponse is the answer to POST /v1/feedback.
type FeedbackResponse struct {
	Seq       int64    `json:"seq"`
	MessageID string   `json:"message_id"`
	Known     bool     `json:"known"`
	Flags     []string `json:"flags,omitempty"`
}

// Feedback flags.
const (
	FlagUnknownMessage = "unknown_message" // the server never saw (or forgot) the message id
	FlagNoText         = "no_text"         // labelled, but no text to learn from
	FlagNewIntent      = "new_intent"      // an intent the current model does not know
	FlagUnknownArticle = "unknown_article" // answer_used or declined names no article in the knowledge base
)

var labelRE = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.:-]{0,63}$`)

const maxIDLen = 256

func checkID(field, id string) error {
	if len(id) > maxIDLen {
		return fieldErr(field, "%s is %d bytes, at most %d allowed", field, len(id), maxIDLen)
	}
	if !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return fieldErr(field, "%s has control characters or invalid UTF-8", field)
	}
	return nil
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "m-" + hex.EncodeToString(b[:])
}

// readMessage reads a message: JSON (MessageRequest) or, with
// Content-Type message/rfc822, a raw mail (?explain=N then sets the
// explanation). It also returns the number of explanation features asked
// for.
func (s *Server) readMessage(w http.ResponseWriter, r *http.Request) (*ingest.Message, int, error) {
	msg, explain, err := s.readMessageBody(w, r)
	if err != nil {
		return nil, 0, err
	}
	if explain == nil {
		if q := r.URL.Query().Get("explain"); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil {
				return nil, 0, fieldErr("explain", "query parameter explain=%q: want a number from 0 to %d", q, maxExplain)
			}
			explain = &n
		}
	}
	n := s.opts.Explain
	if explain != nil {
		n = *explain
	}
	if n < 0 || n > maxExplain {
		return nil, 0, fieldErr("explain", "explain %d: want a number from 0 to %d", n, maxExplain)
	}
	return msg, n, nil
}

func (s *Server) readMessageBody(w http.ResponseWriter, r *http.Request) (*ingest.Message, *int, error) {
	mt, err := mediaType(r)
	if err != nil {
		return nil, nil, err
	}
	body, err := readBody(w, r, s.opts.MaxBody)
	if err != nil {
		return nil, nil, err
	}
	switch mt {
	case "message/rfc822":
		msg, err := ingest.Parse(r.Context(), bytes.NewReader(body), ingest.Options{MaxBytes: s.opts.MaxBody})
		if err != nil {
			return nil, nil, apiErr(http.StatusBadRequest, CodeInvalidMail, err.Error())
		}
		if id := r.URL.Query().Get("id"); id != "" {
			msg.ID = id
		}
		if err := checkID("id", msg.ID); err != nil {
			return nil, nil, err
		}
		return msg, nil, nil
	default:
		if !jsonType(mt) {
			return nil, nil, apiErr(http.StatusUnsupportedMediaType, CodeUnsupportedMedia,
				fmt.Sprintf("Content-Type %q: send application/json or message/rfc822", mt))
		}
	}
	var req MessageRequest
	if err := decodeJSON(body, &req); err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(req.Text) == "" && strings.TrimSpace(req.Subject) == "" {
		return nil, nil, fieldErr("text", "the message has neither text nor subject")
	}
	if err := checkID("id", req.ID); err != nil {
		return nil, nil, err
	}
	ch := strings.ToLower(strings.TrimSpace(req.Channel))
	if len(ch) > 32 {
		return nil, nil, fieldErr("channel", "channel is %d bytes, at most 32 allowed", len(ch))
	}
	msg := &ingest.Message{ID: req.ID, Subject: req.Subject, Text: req.Text, From: req.From, Channel: ch, Auto: req.Auto}
	clean := ch == "" || ch == "email"
	if req.Clean != nil {
		clean = *req.Clean
	}
	if clean {
		c := ingest.Clean(req.Text)
		msg.Text, msg.Quoted, msg.Signature = c.Text, c.Quoted, c.Signature
	}
	return msg, req.Explain, nil
}

// acquire returns the current engine or a 503.
func (s *Server) acquire() (*antwort.Engine, func(), error) {
	eng, release := s.live.Acquire()
	if eng == nil {
		return nil, nil, apiErr(http.StatusServiceUnavailable, CodeUnavailable, "the server is shutting down")
	}
	return eng, release, nil
}

func (s *Server) classify(w http.ResponseWriter, r *http.Request) error {
	msg, explain, err := s.readMessage(w, r)
	if err != nil {
		return err
	}
	if msg.ID == "" {
		msg.ID = newID()
	}
	eng, release, err := s.acquire()
	if err != nil {
		return err
	}
	defer release()
	res, err := eng.WithExplain(explain).Classify(r.Context(), msg)
	if err != nil {
		return err
	}
	s.m.intents.WithLabelValues(res.Intent.Label, strconv.FormatBool(res.Intent.Abstain)).Inc()
	s.record(msg, res, nil)
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) suggest(w http.ResponseWriter, r *http.Request) error {
	msg, explain, err := s.readMessage(w, r)
	if err != nil {
		return err
	}
	if msg.ID == "" {
		msg.ID = newID()
	}
	eng, release, err := s.acquire()
	if err != nil {
		return err
	}
	defer release()
	if eng.KB() == nil {
		return apiErr(http.StatusServiceUnavailable, CodeUnavailable, "no knowledge base: the server was started without one")
	}
	sug, err := eng.WithExplain(explain).Suggest(r.Context(), msg)
	if err != nil {
		return err
	}
	s.m.decisions.WithLabelValues(string(sug.Decision.Action), sug.Intent.Label).Inc()
	s.record(msg, sug.Result, sug)
	return writeJSON(w, http.StatusOK, sug)
}

// record queues what the server said about msg, for feedback.
func (s *Server) record(msg *ingest.Message, res *antwort.Result, sug *antwort.Suggestion) {
	if s.rec == nil {
		return
	}
	// Redacted here, by the request that brought the text: a background
	// flush that had to redact thousands of texts would starve among the
	// request goroutines.
	m := models.Seen{ID: msg.ID, Time: time.Now(), Subject: s.opts.Redactor.Redact(msg.Subject), Text: s.opts.Redactor.Redact(msg.Text),
		Lang: res.Lang, Channel: msg.Channel,
		Intent: res.Intent.Label, Confidence: res.Intent.Confidence, Sentiment: res.Sentiment.Label, Model: res.Intent.Model}
	if sug != nil {
		m.Action = string(sug.Decision.Action)
		for _, a := range sug.Answers {
			m.Answers = append(m.Answers, a.ID)
		}
		if sug.Article != "" && (len(m.Answers) == 0 || m.Answers[0] != sug.Article) {
			m.Answers = append([]string{sug.Article}, m.Answers...)
		}
	}
	s.rec.add(m)
}

// needStore returns the store or a 503.
func (s *Server) needStore() (*models.Store, error) {
	if s.opts.Store == nil {
		return nil, apiErr(http.StatusServiceUnavailable, CodeUnavailable, "the server has no writable model store")
	}
	return s.opts.Store, nil
}

func (s *Server) feedback(w http.ResponseWriter, r *http.Request) error {
	store, err := s.needStore()
	if err != nil {
		return err
	}
	if mt, err := mediaType(r); err != nil {
		return err
	} else if !jsonType(mt) {
		return apiErr(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, fmt.Sprintf("Content-Type %q: send application/json", mt))
	}
	body, err := readBody(w, r, s.opts.MaxBody)
	if err != nil {
		return err
	}
	var req FeedbackRequest
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	if req.MessageID == "" {
		return fieldErr("message_id", "message_id is required")
	}
	if err := checkID("message_id", req.MessageID); err != nil {
		return err
	}
	for _, l := range []struct{ field, v string }{{"intent", req.Intent}, {"sentiment", req.Sentiment}} {
		if l.v != "" && !labelRE.MatchString(l.v) {
			return fieldErr(l.field, "%s %q: want 1 to 64 letters, digits, '_', '.', ':' or '-', starting with a letter or digit", l.field, l.v)
		}
	}
	for i, id := range append([]string{req.AnswerUsed}, req.Declined...) {
		if err := checkID("declined", id); err != nil {
			if i == 0 {
				err = checkID("answer_used", id)
			}
			return err
		}
	}
	if req.EditRatio != nil && (*req.EditRatio < 0 || *req.EditRatio > 1) {
		return fieldErr("edit_ratio", "edit_ratio %v: want a number from 0 to 1", *req.EditRatio)
	}
	if req.Intent == "" && req.Sentiment == "" && req.AnswerUsed == "" && len(req.Declined) == 0 && req.Comment == "" {
		return fieldErr("intent", "the feedback says nothing: give intent, sentiment, answer_used, declined or comment")
	}
	if len(req.Comment) > 4096 {
		return fieldErr("comment", "comment is %d bytes, at most 4096 allowed", len(req.Comment))
	}

	var seen models.Seen
	known := false
	if s.rec != nil {
		seen, known, err = s.rec.lookup(r.Context(), req.MessageID)
	} else {
		seen, known, err = store.SeenMessage(r.Context(), req.MessageID)
	}
	if err != nil {
		return err
	}
	f := models.Feedback{Agent: req.Agent, MessageID: req.MessageID, Known: known, Intent: req.Intent, Sentiment: req.Sentiment,
		AnswerUsed: req.AnswerUsed, Edited: req.Edited || (req.EditRatio != nil && *req.EditRatio > 0), Declined: req.Declined,
		Comment: req.Comment, Subject: req.Subject, Text: req.Text, Channel: req.Channel}
	if req.EditRatio != nil {
		f.EditRatio = *req.EditRatio
	}
	if known {
		if f.Text == "" && f.Subject == "" {
			f.Subject, f.Text = seen.Subject, seen.Text
		}
		if f.Channel == "" {
			f.Channel = seen.Channel
		}
		f.Lang, f.PredictedIntent, f.PredictedSentiment, f.Model = seen.Lang, seen.Intent, seen.Sentiment, seen.Model
		if len(seen.Answers) > 0 {
			f.Suggested = seen.Answers[0]
		}
	} else {
		f.Flags = append(f.Flags, FlagUnknownMessage)
	}
	s.redactFeedback(&f)
	if (f.Intent != "" || f.Sentiment != "") && strings.TrimSpace(f.Subject+f.Text) == "" {
		f.Flags = append(f.Flags, FlagNoText)
	}
	if eng, release, err := s.acquire(); err == nil {
		if f.Intent != "" && !slices.Contains(eng.Labels(antwort.IntentModel), f.Intent) {
			f.Flags = append(f.Flags, FlagNewIntent)
		}
		if k := eng.KB(); k != nil {
			for _, id := range append([]string{f.AnswerUsed}, f.Declined...) {
				if id == "" {
					continue
				}
				if _, err := k.Get(r.Context(), id); errors.Is(err, kb.ErrNotFound) {
					f.Flags = append(f.Flags, FlagUnknownArticle)
					break
				}
			}
		}
		release()
	}
	f, err = store.AddFeedback(r.Context(), f)
	if err != nil {
		return err
	}
	if s.opts.Answers != nil {
		s.opts.Answers.Add(f)
	}
	if len(f.Flags) == 0 {
		s.m.feedback.WithLabelValues("none").Inc()
	}
	for _, fl := range f.Flags {
		s.m.feedback.WithLabelValues(fl).Inc()
	}
	return writeJSON(w, http.StatusOK, FeedbackResponse{Seq: f.Seq, MessageID: f.MessageID, Known: f.Known, Flags: f.Flags})
}

// redactFeedback removes personal data from every free-text field of f
// the client wrote: subject, text, comment, agent, and the article ids of
// answer_used and declined (ids are the client's text too).
func (s *Server) redactFeedback(f *models.Feedback) {
	r := s.opts.Redactor
	f.Subject, f.Text, f.Comment, f.Agent, f.AnswerUsed = r.Redact(f.Subject), r.Redact(f.Text), r.Redact(f.Comment), r.Redact(f.Agent), r.Redact(f.AnswerUsed)
	if len(f.Declined) > 0 {
		d := make([]string, len(f.Declined))
		for i, id := range f.Declined {
			d[i] = r.Redact(id)
		}
		f.Declined = d
	}
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	st, ok := s.live.State()
	if !ok {
		return writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable"})
	}
	st.KB = "" // no token needed here: the file layout is none of a stranger's business
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": s.opts.Version, "engine": st})
}

// ModelsResponse is the answer to GET /v1/models.
type ModelsResponse struct {
	Models []models.Info     `json:"models"`
	Engine antwort.LiveState `json:"engine"`
}

func (s *Server) listModels(w http.ResponseWriter, r *http.Request) error {
	store, err := s.needStore()
	if err != nil {
		return err
	}
	infos, err := store.List(r.Context())
	if err != nil {
		return err
	}
	for i := range infos {
		infos[i].Options = nil
	}
	st, _ := s.live.State()
	return writeJSON(w, http.StatusOK, ModelsResponse{Models: infos, Engine: st})
}

// ActivateRequest is the JSON body of POST /v1/models/{name}/activate.
type ActivateRequest struct {
	Version int `json:"version"`
}

// ChangeResponse is the answer to activate and rollback.
type ChangeResponse struct {
	Name     string            `json:"name"`
	Version  int               `json:"version"`
	Previous int               `json:"previous"`
	Engine   antwort.LiveState `json:"engine"`
}

// engineModel reports whether the model name is one the engine uses.
func engineModel(name string) bool {
	return name == antwort.IntentModel || name == antwort.SentimentModel
}

func (s *Server) activate(w http.ResponseWriter, r *http.Request) error {
	store, err := s.needStore()
	if err != nil {
		return err
	}
	body, err := readBody(w, r, s.opts.MaxBody)
	if err != nil {
		return err
	}
	var req ActivateRequest
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	if req.Version < 1 {
		return fieldErr("version", "version %d: want a positive number", req.Version)
	}
	name := r.PathValue("name")
	ctx := r.Context()
	s.admin.Lock()
	defer s.admin.Unlock()
	// Check the version decodes before it becomes active.
	_, blob, err := store.Load(ctx, name, req.Version)
	if err != nil {
		return err
	}
	if engineModel(name) {
		if _, err := classifier.UnmarshalModel(blob); err != nil {
			return apiErr(http.StatusUnprocessableEntity, CodeInvalidModel, fmt.Sprintf("%s version %d cannot be loaded: %v", name, req.Version, err))
		}
	}
	prev := 0
	if info, err := store.Info(ctx, name, 0); err == nil {
		prev = info.Version
	}
	if err := store.Activate(ctx, name, req.Version); err != nil {
		return err
	}
	if prev != req.Version { // activating the active version changes nothing but the audit trail
		if err := s.reloadAfterChange(ctx, name, prev); err != nil {
			return err
		}
	}
	st, _ := s.live.State()
	return writeJSON(w, http.StatusOK, ChangeResponse{Name: name, Version: req.Version, Previous: prev, Engine: st})
}

// reloadAfterChange reloads the engine after the active version of name
// changed; if that fails it re-activates prev and reports the error.
func (s *Server) reloadAfterChange(ctx context.Context, name string, prev int) error {
	if !engineModel(name) {
		return nil
	}
	err := s.reloadLive(ctx)
	if err == nil {
		return nil
	}
	if prev > 0 {
		if aerr := s.opts.Store.Activate(models.WithActor(context.Background(), "server:undo"), name, prev); aerr != nil {
			s.log.Error("re-activate after a failed reload", slog.String("name", name), slog.Int("version", prev), slog.String("err", aerr.Error()))
		}
	}
	return apiErr(http.StatusUnprocessableEntity, CodeInvalidModel, fmt.Sprintf("the engine could not be reloaded, %s version %d is active again: %v", name, prev, err))
}

func (s *Server) rollback(w http.ResponseWriter, r *http.Request) error {
	store, err := s.needStore()
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	ctx := r.Context()
	s.admin.Lock()
	defer s.admin.Unlock()
	prev := 0
	if info, err := store.Info(ctx, name, 0); err == nil {
		prev = info.Version
	}
	info, err := store.Rollback(ctx, name)
	if err != nil {
		return err
	}
	if err := s.reloadAfterChange(ctx, name, prev); err != nil {
		return err
	}
	st, _ := s.live.State()
	return writeJSON(w, http.StatusOK, ChangeResponse{Name: name, Version: info.Version, Previous: prev, Engine: st})
}

func (s *Server) deleteModel(w http.ResponseWriter, r *http.Request) error {
	store, err := s.needStore()
	if err != nil {
		return err
	}
	name := r.PathValue("name")
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		return fieldErr("version", "version %q: want a positive number", r.PathValue("version"))
	}
	s.admin.Lock()
	defer s.admin.Unlock()
	if err := store.Delete(r.Context(), name, v); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"name": name, "version": v, "deleted": true})
}

// extendDeadlines gives a slow admin request AdminTimeout to read its
// body and write its answer.
func (s *Server) extendDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	t := time.Now().Add(s.opts.AdminTimeout)
	_ = rc.SetReadDeadline(t)
	_ = rc.SetWriteDeadline(t)
}

func (s *Server) diffModels(w http.ResponseWriter, r *http.Request) error {
	store, err := s.needStore()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	var vs [2]int
	for i, k := range []string{"a", "b"} {
		v, err := strconv.Atoi(q.Get(k))
		if err != nil || v < 1 {
			return fieldErr(k, "query parameter %s=%q: want a positive version number", k, q.Get(k))
		}
		vs[i] = v
	}
	opts := antwort.DiffOptions{}
	if m := q.Get("messages"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 {
			return fieldErr("messages", "query parameter messages=%q: want a positive number", m)
		}
		opts.Messages = n
	}
	s.extendDeadlines(w)
	if err := s.Flush(r.Context()); err != nil { // the latest answered messages count too
		return err
	}
	eng, release, err := s.acquire()
	if err != nil {
		return err
	}
	defer release()
	opts.KB, opts.Policy = eng.KB(), eng.Policy()
	d, err := antwort.DiffModels(r.Context(), store, r.PathValue("name"), vs[0], vs[1], opts)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

func (s *Server) audit(w http.ResponseWriter, r *http.Request) error {
	store, err := s.needStore()
	if err != nil {
		return err
	}
	q := models.AuditQuery{Name: r.URL.Query().Get("name"), Last: 100}
	if l := r.URL.Query().Get("last"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			return fieldErr("last", "query parameter last=%q: want a number (0 = all)", l)
		}
		q.Last = n
	}
	entries, err := store.AuditLog(r.Context(), q)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"entries": entries})
}

// AnswersResponse is the answer to GET /v1/kb/answers.
type AnswersResponse struct {
	Answers   []antwort.AnswerCount          `json:"answers"`
	ByArticle map[string]antwort.AnswerCount `json:"by_article"`
}

func (s *Server) answers(w http.ResponseWriter, r *http.Request) error {
	out := AnswersResponse{Answers: []antwort.AnswerCount{}, ByArticle: map[string]antwort.AnswerCount{}}
	if s.opts.Answers != nil {
		out.Answers, out.ByArticle = s.opts.Answers.Counts(), s.opts.Answers.ByArticle()
	}
	return writeJSON(w, http.StatusOK, out)
}

// ImportRequest is the JSON body of POST /v1/kb/import: the complete new
// content of the knowledge base.
type ImportRequest struct {
	Articles []kb.Article `json:"articles"`
}

// ImportProblem is an article the import skipped.
type ImportProblem struct {
	Index int    `json:"index"` // position in "articles", 0-based
	ID    string `json:"id,omitempty"`
	Error string `json:"error"`
}

// ImportResponse is the answer to POST /v1/kb/import.
type ImportResponse struct {
	Articles int               `json:"articles"`
	Skipped  []ImportProblem   `json:"skipped,omitempty"`
	Index    string            `json:"index"`
	Previous string            `json:"previous,omitempty"`
	Seconds  float64           `json:"seconds"`
	Engine   antwort.LiveState `json:"engine"`
}

// checkArticle is what an import requires of an article: kb's checks and
// reply templates that parse.
func checkArticle(a kb.Article) error {
	if err := a.Normalize().Check(); err != nil {
		return err
	}
	if _, err := reply.ParseTemplate(a.ID, a.Body); err != nil {
		return err
	}
	if a.Short != "" {
		if _, err := reply.ParseTemplate(a.ID+"#short", a.Short); err != nil {
			return fmt.Errorf("short: %w", err)
		}
	}
	return nil
}

func (s *Server) importKB(w http.ResponseWriter, r *http.Request) error {
	if s.opts.KBDir == "" {
		return apiErr(http.StatusServiceUnavailable, CodeUnavailable, "the server has no knowledge base directory")
	}
	s.extendDeadlines(w)
	body, err := readBody(w, r, s.opts.MaxAdminBody)
	if err != nil {
		return err
	}
	var req ImportRequest
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	var ok []kb.Article
	out := ImportResponse{}
	for i, a := range req.Articles {
		if err := checkArticle(a); err != nil {
			out.Skipped = append(out.Skipped, ImportProblem{Index: i, ID: a.ID, Error: err.Error()})
			continue
		}
		ok = append(ok, a)
	}
	if len(ok) == 0 {
		return fieldErr("articles", "no importable articles (%d given, %d skipped); the knowledge base is unchanged", len(req.Articles), len(out.Skipped))
	}
	ctx := r.Context()
	s.admin.Lock()
	defer s.admin.Unlock()
	st, err := kb.Import(ctx, s.opts.KBDir, ok, nil)
	if err != nil {
		return err
	}
	out.Articles, out.Index, out.Previous, out.Seconds = st.Articles, st.Index, st.Previous, st.Duration.Seconds()
	p := s.readKBPointer()
	if err := s.reloadLive(ctx); err != nil {
		return err
	}
	s.kbPointer = p
	out.Engine, _ = s.live.State()
	if s.opts.Store != nil {
		detail, _ := json.Marshal(map[string]any{"articles": st.Articles, "skipped": len(out.Skipped), "index": st.Index, "previous": st.Previous})
		if _, err := s.opts.Store.Audit(ctx, models.AuditEntry{Action: "kb-import", Note: s.opts.KBDir, Detail: detail}); err != nil {
			s.log.Warn("audit kb import", slog.String("err", err.Error()))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// RetrainRequest is the JSON body of POST /v1/retrain; every field is
// optional (an empty body retrains the intent model).
type RetrainRequest struct {
	Name      string   `json:"name"`
	Force     bool     `json:"force"`
	DryRun    bool     `json:"dry_run"`
	Tolerance *float64 `json:"tolerance"`
	HoldOut   int      `json:"hold_out"`
	Note      string   `json:"note"`
}

func (s *Server) retrain(w http.ResponseWriter, r *http.Request) error {
	store, err := s.needStore()
	if err != nil {
		return err
	}
	s.extendDeadlines(w)
	body, err := readBody(w, r, s.opts.MaxBody)
	if err != nil {
		return err
	}
	var req RetrainRequest
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeJSON(body, &req); err != nil {
			return err
		}
	}
	o := s.opts.Retrain
	if req.Name != "" {
		o.Name = req.Name
	}
	if o.Name != "" && !engineModel(o.Name) {
		return fieldErr("name", "name %q: want %s or %s", o.Name, antwort.IntentModel, antwort.SentimentModel)
	}
	o.Force, o.DryRun = req.Force, req.DryRun
	if req.Tolerance != nil {
		o.Tolerance = *req.Tolerance
		if o.Tolerance == 0 {
			o.Tolerance = -1 // exactly not worse
		}
	}
	if req.HoldOut != 0 {
		o.HoldOut = req.HoldOut
	}
	if req.Note != "" {
		o.Note = req.Note
	}
	o.Logger = s.log
	s.admin.Lock()
	defer s.admin.Unlock()
	rep, err := s.runRetrain(r.Context(), store, o)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}

// runRetrain retrains and reloads the engine when the candidate was
// promoted. Call it with s.admin held.
func (s *Server) runRetrain(ctx context.Context, store *models.Store, o antwort.RetrainOptions) (*antwort.RetrainReport, error) {
	prev := 0
	name := o.Name
	if name == "" {
		name = antwort.IntentModel
	}
	if info, err := store.Info(ctx, name, 0); err == nil {
		prev = info.Version
	}
	rep, err := antwort.Retrain(ctx, store, o)
	if err != nil {
		if errors.Is(err, models.ErrNotFound) {
			return nil, apiErr(http.StatusConflict, CodeModelNotFound, err.Error())
		}
		return nil, err
	}
	if rep.Promoted && !rep.DryRun {
		if err := s.reloadAfterChange(ctx, name, prev); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// scheduledRetrain retrains each engine model that got labelled
// feedback since its active version was trained.
func (s *Server) scheduledRetrain(ctx context.Context) {
	store := s.opts.Store
	log, err := store.FeedbackLog(ctx, models.FeedbackQuery{})
	if err != nil {
		s.log.Warn("scheduled retrain", slog.String("err", err.Error()))
		return
	}
	for _, name := range []string{antwort.IntentModel, antwort.SentimentModel} {
		info, err := store.Info(ctx, name, 0)
		if err != nil {
			continue
		}
		exs, _, seqs, _ := antwort.FeedbackExamples(log, name)
		fresh := 0
		for i := range exs {
			if seqs[i] > info.FeedbackSeq {
				fresh++
			}
		}
		if fresh == 0 {
			continue
		}
		o := s.opts.Retrain
		o.Name, o.Force, o.DryRun, o.Logger = name, false, false, s.log
		s.admin.Lock()
		rep, err := s.runRetrain(models.WithActor(ctx, "server:schedule"), store, o)
		s.admin.Unlock()
		if err != nil {
			s.log.Warn("scheduled retrain", slog.String("name", name), slog.String("err", err.Error()))
			continue
		}
		s.log.Info("scheduled retrain", slog.String("name", name), slog.Int("candidate", rep.Candidate),
			slog.Bool("promoted", rep.Promoted), slog.String("decision", rep.Decision))
	}
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) error {
	if err := s.Reload(r.Context()); err != nil {
		return err
	}
	st, _ := s.live.State()
	return writeJSON(w, http.StatusOK, map[string]any{"engine": st})
}
