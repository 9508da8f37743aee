package natsq

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort/ingest"
)

// Item is one message for the inbound stream: a raw mail, or a post (chat,
// social) as decoded by ingest.
type Item struct {
	// Mail is the raw RFC 5322 mail; nil for a post.
	Mail []byte
	// Post is a post from JSONL or CSV; nil for a mail.
	Post *ingest.Message
	// Source is where it was read ("new/1773….host", "export.mbox#17",
	// "posts.jsonl:3"); it travels in the Antwort-Source header.
	Source string
}

// Key returns the item's identity: the mail's Message-ID without angle
// brackets (or "sha256:<hex>" of the raw mail without one), the post's
// id (or "sha256:<hex>" of its text and author).
func (it Item) Key() string {
	if it.Post != nil {
		if it.Post.ID != "" && it.Post.ID != it.Source {
			return it.Post.ID
		}
		sum := sha256.Sum256([]byte(it.Post.Channel + "\x00" + it.Post.From.String() + "\x00" + it.Post.Subject + "\x00" + it.Post.Text))
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	return MailID(it.Mail)
}

// Hash returns the item's content hash (ingest.MailHash of the mail, the
// post's ContentHash): with Key it tells apart two different messages
// with one Message-ID.
func (it Item) Hash() string {
	if it.Post != nil {
		return it.Post.ContentHash
	}
	return ingest.MailHash(it.Mail)
}

// dedupID is the item's Nats-Msg-Id: its key and content hash, so that
// the stream drops a message published twice but not a different one
// that reuses a Message-ID.
func (it Item) dedupID() string {
	if h := it.Hash(); h != "" {
		return it.Key() + " " + h
	}
	return it.Key()
}

// Channel returns the item's channel: "email" for a mail, the post's
// channel (default "post").
func (it Item) Channel() string {
	if it.Post != nil {
		if it.Post.Channel == "" {
			return "post"
		}
		return it.Post.Channel
	}
	return "email"
}

// post is the JSON form of a post on the inbound stream; the worker reads
// it with ingest's JSONL reader.
type post struct {
	ID      string `json:"id"`
	Channel string `json:"channel,omitempty"`
	// From is the author, name and address apart ({"name", "address"});
	// the worker's reader also takes a string.
	From    ingest.Address `json:"from,omitzero"`
	Subject string         `json:"subject,omitempty"`
	Text    string         `json:"text"`
	Created string         `json:"created,omitempty"`
}

// Msg returns the item as a message for the inbound stream: subject
// antwort.in.<channel>, the raw mail or the post as JSON, and the headers
// Nats-Msg-Id (the key and the content hash), Message-ID (the key),
// Channel, Content-Type and Antwort-Source.
func (it Item) Msg() (*nats.Msg, error) {
	key := it.Key()
	m := nats.NewMsg(InboundSubject(it.Channel()))
	switch {
	case it.Post != nil:
		p := post{ID: key, Channel: it.Post.Channel, From: it.Post.From, Subject: it.Post.Subject, Text: it.Post.Text}
		if it.Post.Signature != "" {
			p.Text += "\n\n" + it.Post.Signature
		}
		if !it.Post.Date.IsZero() {
			p.Created = it.Post.Date.UTC().Format(time.RFC3339)
		}
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		m.Data = b
		m.Header.Set(HeaderContentType, TypePost)
	case it.Mail != nil:
		m.Data = it.Mail
		m.Header.Set(HeaderContentType, TypeMail)
	default:
		return nil, errors.New("natsq: item has neither mail nor post")
	}
	m.Header.Set(HeaderMsgID, it.dedupID())
	m.Header.Set(HeaderMessageID, key)
	m.Header.Set(HeaderChannel, ChannelToken(it.Channel()))
	if it.Source != "" {
		m.Header.Set(HeaderSource, it.Source)
	}
	return m, nil
}

var msgIDRE = regexp.MustCompile(`<([^<>\s]+)>`)

// MailID returns the identity ingest.Parse gives the raw mail: its
// Message-ID without angle brackets, or "sha256:<hex>" of the raw bytes
// when it has none. Only the header is read.
func MailID(raw []byte) string {
	data := bytes.TrimPrefix(raw, []byte("\uFEFF"))
	data = bytes.TrimLeft(data, "\r\n \t")
	if bytes.HasPrefix(data, []byte("From ")) {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	// The header is read the way enmime (and so ingest) reads a broken
	// one: a line starting with white space, or one without a colon,
	// continues the field before it; a line starting with a colon or with
	// a bad byte in its field name is skipped.
	var value []byte
	in := false
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break // end of header
		}
		colon := bytes.IndexByte(line, ':')
		switch {
		case line[0] == ' ' || line[0] == '\t' || colon < 0:
			if in {
				value = append(value, ' ')
				value = append(value, bytes.TrimSpace(line)...)
			}
			continue
		case colon == 0 || !validFieldName(line[:colon]):
			continue
		}
		if in {
			break
		}
		if strings.EqualFold(string(bytes.TrimSpace(line[:colon])), "Message-ID") {
			in = true
			value = append(value[:0], bytes.TrimSpace(line[colon+1:])...)
		}
	}
	if in {
		v := strings.TrimSpace(strings.ToValidUTF8(string(value), ""))
		if m := msgIDRE.FindStringSubmatch(v); m != nil {
			return m[1]
		}
		v = strings.Trim(v, "<>")
		if v != "" && !strings.ContainsAny(v, " \t\r\n") {
			return v
		}
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// validFieldName reports whether name is a header field name enmime
// accepts: printable ASCII (spaces allowed).
func validFieldName(name []byte) bool {
	for _, c := range name {
		if c != ' ' && (c <= ' ' || c >= 0x7f) {
			return false
		}
	}
	return true
}

// PublishResult is the outcome of publishing one Item.
type PublishResult struct {
	Key    string
	Hash   string // Item.Hash
	Source string
	// Duplicate is set when the stream already had this message (key
	// and content hash) within its de-duplication window and dropped
	// this one.
	Duplicate bool
	// Large is set when the mail went into MailBucket.
	Large bool
	Err   error
}

// PublisherOptions configures NewPublisher.
type PublisherOptions struct {
	// Window is the number of messages published but not yet
	// acknowledged by the stream (default 256).
	Window int
	// Done is called for every item, in the order of Publish, once the
	// stream has acknowledged it (or refused it: Err). It runs on the
	// goroutine that calls Publish or Flush.
	Done func(PublishResult)
}

type inflight struct {
	res PublishResult
	fut jetstream.PubAckFuture
}

// Publisher publishes Items to the inbound stream, asynchronously with a
// bounded window. It is not safe for concurrent use.
type Publisher struct {
	c      *Conn
	opts   PublisherOptions
	mail   jetstream.ObjectStore
	window []inflight
}

// NewPublisher returns a Publisher on c. Run Setup first.
func NewPublisher(c *Conn, opts PublisherOptions) *Publisher {
	if opts.Window <= 0 {
		opts.Window = 256
	}
	return &Publisher{c: c, opts: opts}
}

// Publish sends it to the inbound stream. A mail larger than the server's
// maximum message size is stored in MailBucket first and the message
// carries its name. Publish returns an error only when it cannot go on
// (ctx done, or the message cannot be built); the outcome of each item,
// acknowledged or refused, goes to PublisherOptions.Done.
func (p *Publisher) Publish(ctx context.Context, it Item) error {
	m, err := it.Msg()
	if err != nil {
		return err
	}
	res := PublishResult{Key: it.Key(), Hash: it.Hash(), Source: it.Source}
	if max := p.c.NC.MaxPayload(); int64(len(m.Data))+4096 > max {
		if p.mail == nil {
			if p.mail, err = p.c.JS.ObjectStore(ctx, MailBucket); err != nil {
				return fmt.Errorf("natsq: object store %s: %w", MailBucket, err)
			}
		}
		sum := sha256.Sum256(m.Data)
		name := "mail/" + hex.EncodeToString(sum[:])
		chunk := uint32(min(128<<10, max/2))
		meta := jetstream.ObjectMeta{Name: name, Opts: &jetstream.ObjectMetaOptions{ChunkSize: chunk}}
		if _, err := p.mail.Put(ctx, meta, bytes.NewReader(m.Data)); err != nil {
			res.Err = fmt.Errorf("store large mail (%d bytes): %w", len(m.Data), err)
			return p.add(ctx, inflight{res: res})
		}
		m.Data = nil
		m.Header.Set(HeaderObject, name)
		res.Large = true
	}
	if err := p.room(ctx); err != nil {
		return err
	}
	fut, err := p.c.JS.PublishMsgAsync(m)
	if err != nil {
		res.Err = err
	}
	return p.add(ctx, inflight{res: res, fut: fut})
}

// room waits until the window has room for one more message.
func (p *Publisher) room(ctx context.Context) error {
	for len(p.window) >= p.opts.Window {
		if err := p.waitOldest(ctx); err != nil {
			return err
		}
	}
	return nil
}

// add appends f (with a future, or with its result already known) to the
// window, so results are reported in order.
func (p *Publisher) add(ctx context.Context, f inflight) error {
	if err := p.room(ctx); err != nil {
		return err
	}
	p.window = append(p.window, f)
	return nil
}

func (p *Publisher) waitOldest(ctx context.Context) error {
	f := p.window[0]
	if f.fut == nil {
		p.window = p.window[1:]
		p.finish(f.res)
		return nil
	}
	select {
	case ack := <-f.fut.Ok():
		f.res.Duplicate = ack.Duplicate
	case err := <-f.fut.Err():
		f.res.Err = err
	case <-ctx.Done():
		return ctx.Err()
	}
	p.window = p.window[1:]
	p.finish(f.res)
	return nil
}

func (p *Publisher) finish(r PublishResult) {
	if p.opts.Done != nil {
		p.opts.Done(r)
	}
}

// Flush waits until the stream has acknowledged (or refused) everything
// published.
func (p *Publisher) Flush(ctx context.Context) error {
	for len(p.window) > 0 {
		if err := p.waitOldest(ctx); err != nil {
			return err
		}
	}
	return nil
}
