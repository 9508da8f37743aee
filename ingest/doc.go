// Package ingest reads the data antwort learns from and the messages it
// classifies: labelled examples for training and evaluation, and inbound
// messages from streams.
//
// # Overview
//
// ReadLabeled reads a whole labelled corpus from a JSONL, CSV or TSV file
// or from a directory tree in which the folder names are the labels:
//
//	examples, problems, err := ingest.ReadLabeled(ctx, "train.jsonl", ingest.Options{})
//	if err != nil {
//		return err // nothing could be read at all
//	}
//	for _, p := range problems {
//		log.Print(p) // train.jsonl:12: label field "label" missing
//	}
//
// A Reader yields one Message at a time from a stream of JSONL, plain
// text lines, CSV/TSV, or a single RFC 5322 mail, and can sniff which of
// them it was given:
//
//	r, err := ingest.NewReader(os.Stdin, "stdin", "", ingest.Options{})
//	for {
//		m, err := r.Next(ctx)
//		if err == io.EOF {
//			break
//		}
//		var p *ingest.Problem
//		if errors.As(err, &p) {
//			continue // one broken item; the next call goes on after it
//		}
//		if err != nil {
//			return err
//		}
//		classify(m)
//	}
//
// Broken input never stops reading: every skipped item becomes a Problem
// that says where (file and line) and why (an error wrapping one of the
// sentinels in errors.go, such as ErrMissingField or ErrInvalidUTF8).
// Lines, records and files have size limits (Options.MaxBytes), so an
// over-long line is a Problem rather than a memory blow-up.
//
// Mail is parsed with github.com/jhillyerd/enmime/v2: headers are decoded
// (RFC 2047), bodies are decoded from quoted-printable or base64 and
// converted to UTF-8, and HTML-only mail gets a text version.
//
// # Concurrency
//
// ReadLabeled is safe to call from several goroutines. A Reader is not;
// use one per goroutine.
//
// # Caveats
//
// Text must be UTF-8 in JSONL, CSV and text lines; invalid bytes make the
// item a Problem rather than being repaired. Plain .txt files in directory
// mode that are not valid UTF-8 are decoded as windows-1252. Mail bodies
// that enmime leaves as invalid UTF-8 are decoded as windows-1252 when
// they hold no valid multi-byte sequence, and otherwise get U+FFFD for
// the bad bytes.
//
// Maildir, mbox, quote and signature stripping are not here yet; they will
// be further message sources and processing steps producing the same
// Message type.
package ingest
