// Package imapbox reads and changes an IMAP mailbox for antwort: it reads
// a folder by UID (once, or watching it with IDLE), marks decided mails
// with a keyword or moves them, appends drafts and sent answers, and reads
// folder trees as labelled data. It is the only package that speaks IMAP
// (through github.com/emersion/go-imap/v2).
//
// # Overview
//
//	acct, err := imapbox.ParseURL("imaps://service@mail.example.de/INBOX")
//	mb, err := imapbox.Open(ctx, acct, imapbox.Options{Password: pw})
//	defer mb.Close()
//	src := mb.Source(acct.Folder, imapbox.SourceOptions{Skip: []string{"$antwort-done"}, Watch: true})
//	defer src.Close()
//	for {
//		it, err := src.NextRaw(ctx) // io.EOF at the end; *ingest.Problem for a skipped mail
//		...
//		ref, _ := imapbox.ParseSource(it.Source)
//		mb.Mark(ctx, []imapbox.Ref{ref}, "$antwort-done") // once the decision is safe
//	}
//
// Every mail is named by its URL (RFC 5092:
// "imaps://service@mail.example.de/INBOX;UIDVALIDITY=1700000000/;UID=42"),
// which ParseSource turns back into a Ref. A Ref is valid only while the
// folder keeps its UIDVALIDITY: Mark, Move and Copy leave refs of an
// older UIDVALIDITY alone (Changed.Stale), and a Source reads a folder
// whose UIDVALIDITY changed anew from the start.
//
// # Connections
//
// imaps:// uses TLS from the start, imap:// upgrades with STARTTLS and
// refuses a server that cannot; ?tls=none (plain text) is accepted only
// for a server on this machine. The password is never part of the URL.
// Logging in uses AUTHENTICATE PLAIN (or LOGIN) with Options.Password, or
// XOAUTH2 with the token Options.Token returns.
//
// A Mailbox keeps one connection for the changes it makes; each Source
// reads on its own. A connection that breaks (a server restart, a network
// failure) is opened again with backoff (200 ms doubling to 5 s) for
// Options.Retry; the command that broke off is repeated when that is safe
// (keywords, moves) and checked first when it is not (Append looks for the
// Message-ID before appending again).
//
// # Why go-imap v2
//
// go-imap v2 is still marked beta; v1.2.1 is the stable release. v2 is
// used because it is the maintained line and has in its client what
// antwort relies on: IDLE, MOVE and typed UID sets. With v1 the same
// needs the separate go-imap-idle and go-imap-move extension modules. v2's imapserver with its in-memory backend also lets the
// tests run a real IMAP server in the test process. The beta's API is
// pinned in go.mod; the integration tests against Dovecot check the
// behaviour antwort depends on.
//
// # Concurrency
//
// A Mailbox is safe for concurrent use. A Source is not: one goroutine
// reads it and closes it (a watching Source is ended from elsewhere by
// closing SourceOptions.Stop).
package imapbox
