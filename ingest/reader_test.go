package ingest

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// result is one return of Reader.Next reduced to what tests compare:
// a message, or the line and sentinel of a problem.
type result struct {
	Msg     *Message
	Problem string // "line:Kind"
}

// drain calls Next until io.EOF or another non-Problem error, which it
// returns.
// withoutHash checks that m has a ContentHash and clears it, so that
// tests can compare messages to literals; TestContentHash checks hashes.
func withoutHash(t *testing.T, m *Message) *Message {
	t.Helper()
	if len(m.ContentHash) != 32 {
		t.Errorf("message %q: ContentHash %q, want 32 hex digits", m.ID, m.ContentHash)
	}
	m.ContentHash = ""
	return m
}

func drain(t *testing.T, r *Reader) ([]result, error) {
	t.Helper()
	var out []result
	for i := 0; i < 10_000; i++ {
		m, err := r.Next(context.Background())
		var p *Problem
		switch {
		case err == nil:
			out = append(out, result{Msg: withoutHash(t, m)})
		case errors.As(err, &p):
			out = append(out, result{Problem: strconv.Itoa(p.Line) + ":" + kindOf(p)})
		case err == io.EOF:
			return out, nil
		default:
			return out, err
		}
	}
	t.Fatal("Next did not reach the end")
	return nil, nil
}

func msg(id, text, source string) result {
	return result{Msg: &Message{ID: id, Text: text, Source: source}}
}

func problem(s string) result { return result{Problem: s} }

func TestReader(t *testing.T) {
	const german = "testdata/corpus/refund/ruecksendung.eml"
	tests := []struct {
		name    string
		input   string
		file    string // read input from this file instead
		format  string
		opts    Options
		want    []result
		wantErr error // the error that ends the stream, io.EOF if nil
	}{
		{
			name:   "jsonl fixture",
			file:   "testdata/inbox.jsonl",
			format: "jsonl",
			want: []result{
				{Msg: &Message{ID: "m1", Channel: "email", From: Address{Address: "a@example.com"}, Subject: "Refund", Text: "Geld zurück bitte", Source: "in:1"}},
				msg("in:2", "no id here", "in:2"),
				{Msg: &Message{ID: "17", Channel: "chat", Text: "numeric id", Source: "in:3"}},
				problem("4:ErrMissingField"),
				{Msg: &Message{ID: "in:5", Subject: "subject only", Source: "in:5"}},
			},
		},
		{
			name:  "jsonl sniffed, BOM, CRLF, leading blank lines, custom text field",
			input: "\ufeff\r\n  \r\n{\"body\":\"hallo\"}\r\n{\"text\":\"ignored\"}\r\n{\"body\":1}\r\n[1]\r\n{\"body\":\"caf\xe9\"}\r\n",
			opts:  Options{TextField: "body"},
			want: []result{
				msg("in:3", "hallo", "in:3"),
				problem("4:ErrMissingField"),
				problem("5:ErrMalformed"),
				problem("6:ErrMalformed"),
				problem("7:ErrInvalidUTF8"),
			},
		},
		{
			name:   "text fixture",
			file:   "testdata/inbox.txt",
			format: "text",
			want:   []result{msg("1", "first message", "in:1"), msg("3", "second message", "in:3"), msg("4", "third", "in:4")},
		},
		{
			name:  "text sniffed, BOM, CRLF, invalid UTF-8 in the middle",
			input: "\ufeffNote: call me back\r\n\r\nich m\xf6chte\r\nWo ist mein Paket?",
			want:  []result{msg("1", "Note: call me back", "in:1"), problem("3:ErrInvalidUTF8"), msg("4", "Wo ist mein Paket?", "in:4")},
		},
		{
			name:   "csv fixture",
			file:   "testdata/inbox.csv",
			format: "csv",
			want: []result{
				{Msg: &Message{ID: "c1", Channel: "twitter", From: Address{Name: "@bob"}, Text: "where is my order", Source: "in:2"}},
				{Msg: &Message{ID: "c2", Channel: "facebook", Text: "multi\nline", Source: "in:3"}},
			},
		},
		{
			name:   "csv without id column, short and empty rows",
			input:  "\ufeffText,Subject\r\nhello,\r\nshort\r\n,\r\n,only subject\r\n",
			format: "csv",
			want: []result{
				msg("in:2", "hello", "in:2"),
				problem("3:ErrMalformed"),
				problem("4:ErrNoText"),
				{Msg: &Message{ID: "in:5", Subject: "only subject", Source: "in:5"}},
			},
		},
		{
			name:   "tsv",
			input:  "id\ttext\nt1\tHe said \"hi\"\n",
			format: "tsv",
			want:   []result{msg("t1", `He said "hi"`, "in:2")},
		},
		{
			name:    "csv without text column",
			input:   "id,body\n1,x\n",
			format:  "csv",
			wantErr: ErrMissingField,
		},
		{
			name:    "empty csv",
			format:  "csv",
			wantErr: ErrMissingField,
		},
		{
			name:   "eml German quoted-printable ISO-8859-1",
			file:   german,
			format: "eml",
			want: []result{{Msg: &Message{
				ID:        "rueck-1@example.de",
				Channel:   "email",
				From:      Address{Name: "Jürgen Müller", Address: "j.mueller@example.de"},
				To:        []Address{{Address: "service@example.com"}},
				Subject:   "Rücksendung",
				Text:      "Guten Tag,\n\nich möchte die Schuhe zurückschicken. Sie sind zu groß und die Farbe gefällt mir nicht.",
				Signature: "Grüße\nJürgen",
				Date:      time.Date(2025, 11, 3, 10, 0, 0, 0, time.FixedZone("", 3600)),
				Size:      452,
				Source:    "in",
			}}},
		},
		{
			name: "eml sniffed, multipart/alternative",
			file: "testdata/corpus/shipping/alternative.eml",
			want: []result{{Msg: &Message{
				ID:      "alt-1@example.com",
				Channel: "email",
				From:    Address{Name: "Jane Doe", Address: "jane@example.com"},
				Subject: "Parcel not arrived",
				Text:    "My parcel has not arrived yet.\nOrder 12345.",
				Size:    396,
				Source:  "in",
			}}},
		},
		{
			name:  "eml sniffed from Received, no Message-ID",
			input: "\n\nReceived: from mx by mx2; Mon, 3 Nov 2025 10:00:00 +0100\nSubject: Hallo\n\nText\n",
			want: []result{{Msg: &Message{ID: "sha256:18e2d70bd78ebd1124a816c2486ed43de78fdbbfb91cadaa182a8d7d964731a0",
				Channel: "email", Subject: "Hallo", Text: "Text", Size: 80, Source: "in"}}},
		},
		{
			name:  "eml sniffed from an X- header",
			input: "X-Mailer: test\r\nSubject: s\r\n\r\nb\r\n",
			want: []result{{Msg: &Message{ID: "sha256:44c11f508637d597884def63b7cb0d2fb25f73e60be153c84ec4604a06cc000e",
				Channel: "email", Subject: "s", Text: "b", Size: 33, Source: "in"}}},
		},
		{
			name:   "eml garbage",
			file:   "testdata/corpus/broken/garbage.eml",
			format: "eml",
			want:   []result{problem("0:ErrBinary")},
		},
		{
			name:   "eml without headers",
			input:  "just some text\n",
			format: "eml",
			want:   []result{problem("0:ErrNotMail")},
		},
		{
			name:   "eml without text",
			input:  "From: a@example.com\n\n",
			format: "eml",
			want:   []result{problem("0:ErrNoText")},
		},
		{
			name:   "eml over the limit",
			file:   german,
			format: "eml",
			opts:   Options{MaxBytes: 100},
			want:   []result{problem("0:ErrTooLarge")},
		},
		{
			name:   "eml multipart without boundary, read as one part",
			input:  "Subject: x\nContent-Type: multipart/mixed\n\nbody\n",
			format: "eml",
			want: []result{{Msg: &Message{ID: contentID([]byte("Subject: x\nContent-Type: multipart/mixed\n\nbody\n")),
				Channel: "email", Subject: "x", Text: "body", Size: 47, Source: "in"}}},
		},
		{name: "empty sniffed", input: ""},
		{name: "blank sniffed", input: " \n\r\n\t"},
		{name: "empty jsonl", format: "jsonl"},
		{name: "empty text", format: "text"},
		{name: "empty eml", format: "eml", want: []result{problem("0:ErrNotMail")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			input := tt.input
			if tt.file != "" {
				b, err := os.ReadFile(tt.file)
				if err != nil {
					t.Fatal(err)
				}
				input = string(b)
			}
			r, err := NewReader(strings.NewReader(input), "in", tt.format, tt.opts)
			if err != nil {
				t.Fatalf("NewReader() error = %v", err)
			}
			got, err := drain(t, r)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Next() error = %v, want %v", err, tt.wantErr)
				}
				if _, again := r.Next(context.Background()); again != err {
					t.Errorf("Next() after %v = %v, want the same error", err, again)
				}
			} else if err != nil {
				t.Fatalf("Next() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("messages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderLongLines(t *testing.T) {
	okText := strings.Repeat("Paket ", 166_667)[:1_000_000] // 1 MB, within the 1 MiB default
	long := strings.Repeat("x", 3<<20)                      // 3 MiB, over it
	tests := []struct {
		name, format, input string
		want                []result
	}{
		{
			name:   "jsonl",
			format: "",
			input:  `{"text":"a"}` + "\n" + `{"text":"` + long + `"}` + "\n" + `{"text":"` + okText + `"}` + "\r\n" + `{"text":"b"}`,
			want:   []result{msg("in:1", "a", "in:1"), problem("2:ErrTooLarge"), msg("in:3", okText, "in:3"), msg("in:4", "b", "in:4")},
		},
		{
			name:   "text",
			format: "text",
			input:  "a\r\n" + long + "\r\n" + okText + "\r\nb",
			want:   []result{msg("1", "a", "in:1"), problem("2:ErrTooLarge"), msg("3", okText, "in:3"), msg("4", "b", "in:4")},
		},
		{
			name:   "csv",
			format: "csv",
			input:  "text\na\n\"" + long + "\"\n" + okText + "\nb\n",
			want:   []result{msg("in:2", "a", "in:2"), problem("3:ErrTooLarge"), msg("in:4", okText, "in:4"), msg("in:5", "b", "in:5")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// OneByteReader would be slow on megabytes; HalfReader still
			// splits every read.
			// Lines up to the line limit, whole: no text cut.
			r, err := NewReader(iotest.HalfReader(strings.NewReader(tt.input)), "in", tt.format, Options{MaxText: 2 << 20})
			if err != nil {
				t.Fatalf("NewReader() error = %v", err)
			}
			got, err := drain(t, r)
			if err != nil {
				t.Fatalf("Next() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("messages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderLimitBoundary(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []result
	}{
		{"exactly max", "12345\n", []result{msg("1", "12345", "in:1")}},
		{"exactly max with CRLF", "12345\r\n", []result{msg("1", "12345", "in:1")}},
		{"max+1", "123456\nok", []result{problem("1:ErrTooLarge"), msg("2", "ok", "in:2")}},
		{"max+1 at EOF", "ok\n123456", []result{msg("1", "ok", "in:1"), problem("2:ErrTooLarge")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(iotest.OneByteReader(strings.NewReader(tt.input)), "in", "text", Options{MaxBytes: 5})
			if err != nil {
				t.Fatal(err)
			}
			got, err := drain(t, r)
			if err != nil {
				t.Fatalf("Next() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("messages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewReaderErrors(t *testing.T) {
	if _, err := NewReader(strings.NewReader(""), "in", "xml", Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("NewReader(format xml) error = %v, want ErrUnknownFormat", err)
	}
	if _, err := NewReader(nil, "in", "", Options{}); err == nil {
		t.Error("NewReader(nil) error = nil, want one")
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	in := io.MultiReader(strings.NewReader("one\ntwo\n"), iotest.ErrReader(boom))
	r, err := NewReader(in, "in", "text", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := drain(t, r)
	if !errors.Is(err, boom) {
		t.Fatalf("drain() error = %v, want %v", err, boom)
	}
	if diff := cmp.Diff([]result{msg("1", "one", "in:1"), msg("2", "two", "in:2")}, got); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
	if _, again := r.Next(context.Background()); !errors.Is(again, boom) {
		t.Errorf("Next() after the read error = %v, want it again", again)
	}
}

func TestReaderContext(t *testing.T) {
	r, err := NewReader(strings.NewReader("a\nb\n"), "in", "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next(canceled) error = %v, want context.Canceled", err)
	}
	// A canceled call does not end the Reader.
	got, err := drain(t, r)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]result{msg("1", "a", "in:1"), msg("2", "b", "in:2")}, got); diff != "" {
		t.Errorf("messages mismatch (-want +got):\n%s", diff)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`{"text":"x"}`, "jsonl"},
		{"\n\n   \t{", "jsonl"},
		{"From: a@example.com\n", "eml"},
		{"from: a@example.com\n", "eml"},
		{"Return-Path: <a@example.com>\r\n", "eml"},
		{"Message-ID: <x@y>\n", "eml"},
		{"MIME-Version: 1.0\n", "eml"},
		{"Delivered-To: x\n", "eml"},
		{"Date: Mon, 3 Nov 2025\n", "eml"},
		{"Subject: hi\n", "eml"},
		{"\r\nReceived: from x\n", "eml"},
		{"X-Spam-Score: 1\n", "eml"},
		{"Note: call me back\n", "text"},
		{"From me to you\n", "text"},
		{"From : x\n", "text"},
		{"X-: y\n", "text"},
		{"hello\nSubject: x\n", "text"},
		{"[1,2]", "text"},
		{"", "text"},
	}
	for _, tt := range tests {
		if got := sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("sniff(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToUTF8(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Grüße", "Grüße"},
		{"M\xfcller", "Müller"},                  // Latin-1 only: windows-1252
		{"Grüße M\xfcller", "Grüße M\uFFFDller"}, // mixed: replace
	}
	for _, tt := range tests {
		if got := toUTF8(tt.in); got != tt.want {
			t.Errorf("toUTF8(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestReaderStreaming checks that sniffing and reading do not wait for
// more input than the current item needs (a live pipe, not a file).
func TestReaderStreaming(t *testing.T) {
	tests := []struct {
		name, format, first, want string
	}{
		{"text", "", "first line\n", "first line"},
		{"short line", "", "a\n", "a"},
		{"csv", "csv", "text\nfirst\n", "first"},
		{"jsonl", "", `{"text":"first"}` + "\n", "first"},
		{"text, sniffed before the line ends", "", "no header here\n", "no header here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			go func() { _, _ = pw.Write([]byte(tt.first)) }()
			r, err := NewReader(pr, "pipe", tt.format, Options{})
			if err != nil {
				t.Fatal(err)
			}
			type res struct {
				m   *Message
				err error
			}
			done := make(chan res, 1)
			go func() {
				m, err := r.Next(context.Background())
				done <- res{m, err}
			}()
			select {
			case got := <-done:
				if got.err != nil || got.m.Text != tt.want {
					t.Errorf("Next() = %+v, %v; want text %q", got.m, got.err, tt.want)
				}
			case <-time.After(5 * time.Second):
				pw.CloseWithError(errors.New("test timed out"))
				t.Fatal("Next() blocked waiting for more input than one line")
			}
		})
	}
}
