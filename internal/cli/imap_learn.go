package cli

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/imapbox"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/server"
)

// Learning from the correction folders: agents move a misclassified mail
// into antwort/Korrektur/<intent>, and batch records it as feedback.

// correction is a mail an agent moved into a correction folder.
type correction struct {
	ref    imapbox.Ref
	msg    *ingest.Message
	intent string
}

// learn records the mails agents moved into the correction folders as
// labelled feedback (as POST /v1/feedback does) and marks them learned.
// It reports what it learned on stderr.
func (ib *imapBatch) learn(ctx context.Context) error {
	if ib.correct == "" {
		return nil
	}
	ib.learnMu.Lock()
	defer ib.learnMu.Unlock()
	g := ib.o.g
	var cs []correction
	err := ib.mb.ReadTree(ctx, ib.correct, imapbox.TreeOptions{Skip: []string{learnedKeyword}}, func(m *imapbox.TreeMail, problem error) error {
		if problem != nil {
			fmt.Fprintf(g.io.ErrOut, "antwort: corrections: skipped %v\n", problem)
			return nil
		}
		if m.Label == "" {
			return nil // in the correction folder itself: no intent named
		}
		msg, err := m.Item.Parse()
		if err != nil {
			fmt.Fprintf(g.io.ErrOut, "antwort: corrections: skipped %v\n", err)
			return nil
		}
		cs = append(cs, correction{ref: m.Ref, msg: msg, intent: m.Label})
		return nil
	})
	if err != nil || len(cs) == 0 {
		return err
	}
	remoteFn := func(r *remote) error {
		for _, c := range cs {
			req := server.FeedbackRequest{MessageID: c.msg.ID, Intent: c.intent, Agent: "imap", Subject: c.msg.Subject,
				Text: c.msg.Text, Channel: "email", Comment: "moved to " + ib.correct + "/" + c.intent}
			var resp server.FeedbackResponse
			if err := r.call(ctx, http.MethodPost, "/v1/feedback", req, &resp); err != nil {
				return err
			}
		}
		return nil
	}
	localFn := func(s *models.Store) error {
		red, err := antwort.NewRedactor(antwort.RedactOptions{})
		if err != nil {
			return err
		}
		for _, c := range cs {
			if _, err := s.AddFeedback(ctx, ib.feedback(ctx, s, red, c)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := g.viaServer(ctx, remoteOptions{}, remoteFn, localFn); err != nil {
		return fmt.Errorf("corrections: %w", err)
	}
	refs := make([]imapbox.Ref, len(cs))
	count := map[string]int{}
	for i, c := range cs {
		refs[i] = c.ref
		count[c.intent]++
	}
	if _, err := ib.mb.Mark(ctx, refs, learnedKeyword); err != nil {
		return fmt.Errorf("corrections: %w", err)
	}
	ib.tally.learned += len(cs)
	var parts []string
	for k, n := range count {
		parts = append(parts, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(parts)
	fmt.Fprintf(g.io.ErrOut, "antwort: learned %d correction(s) from %s (%s); 'antwort retrain' uses them\n", len(cs), ib.correct, strings.Join(parts, ", "))
	return nil
}

// feedback is the feedback entry of a correction, filled as the server
// fills one for POST /v1/feedback: what antwort said about the message
// (from the store's record of it, else from the batch journal), redacted
// texts, and flags for what is odd.
func (ib *imapBatch) feedback(ctx context.Context, s *models.Store, red *antwort.Redactor, c correction) models.Feedback {
	f := models.Feedback{Agent: "imap", MessageID: c.msg.ID, Intent: c.intent, Subject: c.msg.Subject, Text: c.msg.Text,
		Channel: "email", Comment: "moved to " + ib.correct + "/" + c.intent}
	if seen, known, err := s.SeenMessage(ctx, c.msg.ID); err == nil && known {
		f.Known, f.Lang, f.PredictedIntent, f.PredictedSentiment, f.Model = true, seen.Lang, seen.Intent, seen.Sentiment, seen.Model
		if len(seen.Answers) > 0 {
			f.Suggested = seen.Answers[0]
		}
	} else if ib.j != nil {
		if e, found, err := ib.j.Get(c.msg.ID); err == nil && found {
			f.Known, f.PredictedIntent = true, e.Intent
		}
	}
	if !f.Known {
		f.Flags = append(f.Flags, server.FlagUnknownMessage)
	}
	f.Subject, f.Text = red.Redact(f.Subject), red.Redact(f.Text)
	if strings.TrimSpace(f.Subject+f.Text) == "" {
		f.Flags = append(f.Flags, server.FlagNoText)
	}
	if !slices.Contains(ib.labels, c.intent) {
		f.Flags = append(f.Flags, server.FlagNewIntent)
	}
	return f
}

// watchLearning looks into the correction folders every learnEvery until
// ctx ends.
func (ib *imapBatch) watchLearning(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(learnEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := ib.learn(ctx); err != nil && ctx.Err() == nil {
					fmt.Fprintf(ib.o.g.io.ErrOut, "antwort: %v\n", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}
