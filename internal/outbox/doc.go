// Package outbox writes antwort's replies as RFC 5322 messages into a
// Maildir outbox and sends them over SMTP.
//
// # Overview
//
// A Reply becomes a 7-bit clean .eml (UTF-8 text, quoted-printable body,
// RFC 2047 headers, CRLF) with WriteEML. An Outbox queues such messages on
// disk, and Flush hands them to a Sender, which speaks SMTP through
// github.com/wneessen/go-mail:
//
//	ob, err := outbox.OpenOutbox("/var/lib/antwort/outbox")
//	key, err := ob.Put(outbox.Reply{
//		From:      mail.Address{Name: "Nordlicht Service", Address: "service@nordlicht.example"},
//		To:        mail.Address{Name: "Jürgen Müller", Address: "juergen@example.com"},
//		Subject:   "Re: Ihre Bestellung", // becomes "AW: Ihre Bestellung"
//		Lang:      "de",
//		Text:      "Hallo Herr Müller, ...",
//		InReplyTo: "<customer-msg@example.com>",
//	})
//	s, err := outbox.NewSender(outbox.SMTPOptions{URL: "smtp://user@mail.example:587", Password: pw})
//	sent, failed, err := ob.Flush(ctx, s)
//
// # State scheme
//
// The outbox is a plain Maildir, readable by any mail client or by
// github.com/emersion/go-maildir. Each message is in exactly one of the
// states below at any time:
//
//   - tmp/: being written by Put or PutKey; never listed. The file is
//     synced and renamed (or linked) into new/, so a message is either
//     complete or absent. OpenOutbox removes what a process killed while
//     writing left there (its pid is in the name; anything older than 36
//     hours goes too).
//   - new/<key>: queued, not sent yet.
//   - cur/<key>:2,S: sent. MarkSent adds the Maildir flag S ("seen").
//   - cur/<key>:2,<flags without S>: not sent. A mail client that looked
//     at the outbox may have moved a queued message there; it stays queued.
//   - sending/<key>: the message itself, moved there by Flush (and the
//     directory synced) before it is handed to the server; it moves on to
//     cur/ when the server accepts it and back to new/ when the server
//     certainly did not. A message left there means the delivery was
//     interrupted and may have succeeded: Flush does not send it again
//     until Release moves it back to new/ (or MarkSent to cur/). Outboxes
//     of the earlier layout, with a claim file there and the message in
//     new/, are brought to this one by OpenOutbox.
//
// failed/<key> is not a state but the failure record of a queued message,
// a small JSON object (Failure: attempt count, time, last error, whether
// it was a permanent 5xx). MarkFailed writes it atomically and leaves the
// message itself untouched, so a failure never loses a message; MarkSent
// removes it. The directory name does not start with a dot, so Maildir++
// servers do not take it for a folder.
//
// Put chooses a fresh key; PutKey takes the caller's key and writes
// nothing when a message with that key exists, so a batch that is killed
// and rerun queues each reply once (KeyFor derives the key from the
// customer's Message-ID).
//
// Keys look like "1767225600.M123456P4242Q7R0a1b2c3d4e5f.host" (Dovecot's
// time.unique.host style); Unsent orders by the time and counter in the
// key, and by modification time for files other programs delivered.
//
// # Subjects and threading
//
// The reply subject is ReplySubject(Subject, Lang): answer prefixes (Re,
// AW, Antw, in any case, optionally numbered) are collapsed and one "AW: "
// (German) or "Re: " is added; forward prefixes such as "WG:" or "Fwd:" are
// kept. In-Reply-To is the customer's Message-ID and References is the
// customer's References followed by it, capped at 20 ids.
//
// Auto=true adds "Auto-Submitted: auto-replied" (RFC 3834) and
// "X-Auto-Response-Suppress: All", so well-behaved auto-responders
// (vacation notices, ticket systems) don't answer the answer. Auto=false
// writes neither header; an absent Auto-Submitted means "no".
//
// # Concurrency
//
// WriteEML, ReplySubject and NewMessageID are pure functions. An Outbox is
// safe for concurrent use by several goroutines: Put never blocks others,
// state changes are serialized, and Flush calls run one at a time. Several
// processes may Put into the same directory, but only one should Flush it,
// or a message may be sent twice. A Sender is immutable and safe for
// concurrent use.
//
// # Caveats
//
//   - Delivery is at most once. When the connection breaks or times out
//     after the message data was sent but before the server answered, or
//     the process dies between handing the message over and MarkSent, the
//     server may have accepted the message. Flush then reports it as
//     uncertain (ErrUncertain, Uncertain) and leaves it in sending/: check
//     the recipient's side and call Release to send it again, or
//     MarkSent. A customer never gets the same answer twice, and no answer
//     is silently dropped.
//   - Flush retries failed messages forever, permanent failures (IsPermanent)
//     included; callers decide when to give up using Failure.
//   - Sent messages stay in cur/ for the record. Unsent reads cur/ too, so
//     archive or prune old sent messages from time to time.
//   - Credentials are only sent over TLS or to localhost: with
//     starttls=opportunistic and a server that offers no STARTTLS, sending
//     with a user fails instead of leaking the password.
package outbox
