// Package ingest reads the data antwort learns from and the messages it
// answers: labelled examples for training and evaluation, and inbound
// mail, chat and social posts from files, folders, Maildirs, mbox files
// and streams.
//
// # Overview
//
// Open reads an input spec one message at a time, in constant memory
// whatever the number of messages:
//
//	src, err := ingest.Open(ctx, "maildir:./mail/service", ingest.Options{})
//	if err != nil {
//		return err // the input cannot be read at all
//	}
//	defer src.Close()
//	for {
//		m, err := src.Next(ctx)
//		if err == io.EOF {
//			break
//		}
//		var p *ingest.Problem
//		if errors.As(err, &p) {
//			log.Print(p) // ./mail/service/cur/1773…:2,S: not a mail message: …
//			continue     // one broken item; the next call goes on after it
//		}
//		if err != nil {
//			return err
//		}
//		if m.Auto != "" {
//			continue // auto-reply, bounce, list mail or our own reply: never answer
//		}
//		handle(m)
//	}
//
// Specs are "eml:FILE", "dir:DIR" (.eml files, recursive), "maildir:DIR"
// (new/ and cur/, read only), "mbox:FILE", "jsonl:FILE", "csv:FILE",
// "tsv:FILE", "text:FILE", "-" for stdin, or a bare path whose kind is
// told from the name or the content (see Open).
//
// Parse turns one RFC 5322 mail into a Message with github.com/jhillyerd/
// enmime/v2: headers decoded (RFC 2047), bodies decoded from quoted-
// printable or base64 and converted to UTF-8 from their charset (with
// repairs for mislabelled charsets), HTML-only mail converted to text,
// attachments listed but not parsed, threading headers kept, and the
// text split by Clean into the new text, the quoted history and the
// signature. Message.Auto says why a mail must not be answered
// (Auto-Submitted, X-Autoreply, Precedence, List-Id, empty Return-Path,
// delivery reports, out-of-office subjects, our own X-Loop or Message-ID
// domain).
//
// ReadLabeled reads a whole labelled corpus: JSONL, CSV, TSV, fastText
// lines, a folder tree of .eml/.txt files, a tree of Maildirs or an mbox
// file, where the folder names (or Options.Label) are the labels:
//
//	examples, problems, err := ingest.ReadLabeled(ctx, "maildir:./mail/labelled", ingest.Options{})
//
// NewReader is the stream reader underneath the line formats: JSONL,
// plain text lines, CSV/TSV, or one mail, sniffed when not named.
//
// Broken input never stops reading: every skipped item becomes a Problem
// that says where (file, line, mbox message) and why (an error wrapping
// one of the sentinels in errors.go, such as ErrTooLarge or ErrNotMail).
// Every item has a size limit (Options.MaxBytes; 25 MiB per mail, 1 MiB
// per line by default) and no more than the limit is ever read into
// memory; a mail header field has one too (Options.MaxHeaderBytes), and
// MIME structures over 1000 parts or 32 levels are refused
// (ErrTooComplex), since enmime's time grows with the square of the
// nesting.
//
// # Concurrency
//
// Parse, Clean and ReadLabeled are safe to call from several goroutines.
// A Source and a Reader are not; use one per goroutine.
//
// # Caveats
//
// Text must be UTF-8 in JSONL, CSV and text lines; invalid bytes make the
// item a Problem rather than being repaired. Mail bodies are trusted to
// be in their declared charset; text that is then still not UTF-8 is
// decoded as windows-1252 when it holds no valid multi-byte sequence (and
// gets U+FFFD for bad bytes otherwise), and UTF-8 that was declared as
// ISO-8859-1 is re-decoded. Clean works on the plain text; it does not
// see HTML structure, so quotes in HTML-only mail are recognised through
// the "> " lines the HTML conversion writes for blockquotes and through
// the header blocks mail clients write.
package ingest
