package natsq

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// RecordPublisher publishes records (JSON lines) on one subject, each
// with a Nats-Msg-Id so that the stream drops a record published twice
// within its de-duplication window. Publishing is asynchronous with a
// bounded window; Sync waits for the stream's acknowledgements. It is not
// safe for concurrent use.
type RecordPublisher struct {
	c       *Conn
	subject string
	window  []jetstream.PubAckFuture
	max     int
	// Published and Duplicates count acknowledged records.
	Published, Duplicates int
}

// NewRecordPublisher checks that a stream holds subject and returns a
// publisher for it.
func NewRecordPublisher(ctx context.Context, c *Conn, subject string) (*RecordPublisher, error) {
	if _, err := c.JS.StreamNameBySubject(ctx, subject); err != nil {
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			return nil, fmt.Errorf("natsq: no stream holds subject %q (antwort's %s holds %s and %s.>)", subject, DecisionsStream, DecisionsSubject, DecisionsSubject)
		}
		return nil, fmt.Errorf("natsq: stream for %q: %w", subject, err)
	}
	return &RecordPublisher{c: c, subject: subject, max: 512}, nil
}

// Publish sends data with de-duplication id id. It returns the error of
// an earlier record that the stream refused, if any.
func (p *RecordPublisher) Publish(ctx context.Context, id string, data []byte) error {
	for len(p.window) >= p.max {
		if err := p.waitOldest(ctx); err != nil {
			return err
		}
	}
	m := nats.NewMsg(p.subject)
	m.Data = data
	if id != "" {
		m.Header.Set(HeaderMsgID, id)
		m.Header.Set(HeaderMessageID, id)
	}
	f, err := p.c.JS.PublishMsgAsync(m)
	if err != nil {
		return fmt.Errorf("natsq: publish to %s: %w", p.subject, err)
	}
	p.window = append(p.window, f)
	return nil
}

func (p *RecordPublisher) waitOldest(ctx context.Context) error {
	f := p.window[0]
	select {
	case ack := <-f.Ok():
		p.window = p.window[1:]
		if ack.Duplicate {
			p.Duplicates++
		} else {
			p.Published++
		}
		return nil
	case err := <-f.Err():
		p.window = p.window[1:]
		return fmt.Errorf("natsq: publish to %s: %w", p.subject, err)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Sync waits until the stream has acknowledged every record published.
func (p *RecordPublisher) Sync(ctx context.Context) error {
	for len(p.window) > 0 {
		if err := p.waitOldest(ctx); err != nil {
			return err
		}
	}
	return nil
}
