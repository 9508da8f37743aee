package natsq

import (
	"strings"
	"time"
)

// Stream, subject, consumer and bucket names. An installation is one set
// of these in one NATS account; to run two installations on one cluster,
// give each its own account.
const (
	// InboundStream holds the messages to decide, one subject per
	// channel: antwort.in.email, antwort.in.chat, antwort.in.twitter, …
	// Work-queue retention: a message stays until a worker acknowledges
	// it, then it is removed. Nothing is removed for its age.
	InboundStream = "ANTWORT_IN"
	// InboundPrefix is the subject prefix of InboundStream; the channel
	// follows it.
	InboundPrefix = "antwort.in"

	// DecisionsStream holds one record per decided message (limits
	// retention, DecisionsMaxAge). Workers publish on
	// antwort.decisions.<action> (send, suggest, escalate, ignore);
	// "antwort batch --out nats:antwort.decisions" publishes on the bare
	// subject.
	DecisionsStream = "ANTWORT_DECISIONS"
	// DecisionsSubject is the subject root of DecisionsStream.
	DecisionsSubject = "antwort.decisions"

	// OutboxStream holds the replies to send, as RFC 5322 messages, one
	// subject per reply: antwort.outbox.<key>. Work-queue retention: a
	// reply stays until a sender has delivered it (or dead-lettered it).
	OutboxStream = "ANTWORT_OUTBOX"
	// OutboxPrefix is the subject prefix of OutboxStream.
	OutboxPrefix = "antwort.outbox"

	// DeadStream holds what could not be processed, with the reason in
	// the Antwort-Error header: antwort.dead.in.<channel> for inbound
	// messages, antwort.dead.outbox.<key> for replies not sent.
	DeadStream = "ANTWORT_DEAD"
	// DeadPrefix is the subject prefix of DeadStream.
	DeadPrefix = "antwort.dead"

	// WorkersConsumer is the durable pull consumer on InboundStream that
	// all workers share.
	WorkersConsumer = "workers"
	// SendersConsumer is the durable pull consumer on OutboxStream that
	// all delivering workers share.
	SendersConsumer = "senders"

	// ClaimsBucket is the key-value bucket of reply claims: one key per
	// reply (the outbox key), created before the reply is sent.
	ClaimsBucket = "antwort_replies"

	// AnswersBucket is the key-value bucket of the automatic answers per
	// sender (a hash of the address -> the answers' times), for the
	// policy's rate limit (see Limiter).
	AnswersBucket = "antwort_answers"

	// IDsBucket is the key-value bucket of the Message-IDs workers have
	// decided: a hash of the ID -> the ContentHash of the first message
	// with it. A different message with a known ID is decided as a
	// reused ID, with a reply key of its own.
	IDsBucket = "antwort_ids"

	// ModelsBucket is the object store "models push" writes to: the
	// model blobs, the knowledge-base export and ManifestObject.
	ModelsBucket = "antwort_models"
	// ManifestObject names the current push in ModelsBucket.
	ManifestObject = "manifest.json"

	// MailBucket is the object store for mails larger than the server's
	// maximum message size; the inbound message then carries only a
	// reference (header Antwort-Object).
	MailBucket = "antwort_mail"
)

// Headers of the messages antwort publishes.
const (
	HeaderMsgID       = "Nats-Msg-Id"    // de-duplication key (JetStream)
	HeaderMessageID   = "Message-ID"     // the mail's Message-ID, or the post's id
	HeaderChannel     = "Channel"        // email, chat, twitter, …
	HeaderContentType = "Content-Type"   // message/rfc822 or application/json
	HeaderSource      = "Antwort-Source" // where publish read it: a path, "export.mbox#17", "posts.jsonl:3"
	HeaderObject      = "Antwort-Object" // MailBucket object holding the payload
	HeaderError       = "Antwort-Error"  // dead letters: why
	HeaderAttempts    = "Antwort-Attempts"
	HeaderWorker      = "Antwort-Worker"
	HeaderSubject     = "Antwort-Subject"    // dead letters: the original subject
	HeaderSequence    = "Antwort-Stream-Seq" // dead letters: the original stream sequence
	HeaderReplyKey    = "Antwort-Reply-Key"  // outbox: the reply's key
	HeaderInReplyTo   = "In-Reply-To"        // outbox: the customer's Message-ID
)

// Content types of inbound messages.
const (
	TypeMail = "message/rfc822"
	TypePost = "application/json"
)

// Defaults of SetupOptions and WorkerConfig.
const (
	DefaultDuplicates      = 10 * time.Minute
	DefaultDecisionsMaxAge = 30 * 24 * time.Hour
	DefaultDeadMaxAge      = 30 * 24 * time.Hour
	DefaultClaimsTTL       = 90 * 24 * time.Hour
	DefaultAnswersTTL      = 31 * 24 * time.Hour
	DefaultMailTTL         = 7 * 24 * time.Hour
	DefaultAckWait         = 30 * time.Second
	DefaultMaxAttempts     = 5
	DefaultMaxAckPending   = 1000
)

// ChannelToken returns channel as one subject token: lower case, letters,
// digits, '-' and '_' kept, anything else '_'; "other" when empty.
func ChannelToken(channel string) string {
	channel = strings.ToLower(strings.TrimSpace(channel))
	if channel == "" {
		return "other"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, channel)
}

// InboundSubject is the subject of an inbound message on channel.
func InboundSubject(channel string) string { return InboundPrefix + "." + ChannelToken(channel) }

// OutboxSubject is the subject of the reply with the outbox key.
func OutboxSubject(key string) string { return OutboxPrefix + "." + keyToken(key) }

// keyToken makes an outbox key ("r<hex>.antwort") one subject token.
func keyToken(key string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, key)
}
