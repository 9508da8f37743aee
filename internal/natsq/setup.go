package natsq

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// SetupOptions configures Setup. The zero value means the defaults.
type SetupOptions struct {
	// Replicas is the number of copies of every stream and bucket in a
	// NATS cluster (default 1; 3 in a three-node cluster survives the
	// loss of one node).
	Replicas int
	// Duplicates is the de-duplication window of the inbound, decisions
	// and outbox streams (default DefaultDuplicates, 10 minutes). It
	// must be longer than a message can take from its first delivery to
	// its last retry (AckWait times the attempts, plus backoff).
	Duplicates time.Duration
	// DecisionsMaxAge and DeadMaxAge are how long decisions and dead
	// letters are kept (default 30 days each).
	DecisionsMaxAge, DeadMaxAge time.Duration
	// ClaimsTTL is how long a reply claim is kept (default 90 days): a
	// message published again within it is never answered twice. The
	// Message-IDs in IDsBucket are kept as long.
	ClaimsTTL time.Duration
	// AnswersTTL is how long the automatic answers to a sender are kept
	// after the last one (default 31 days); it must be at least the
	// rate limit's window (RateLimit.Per), or workers refuse to start.
	AnswersTTL time.Duration
	// MailTTL is how long a mail too large for one NATS message is kept
	// in MailBucket (default 7 days).
	MailTTL time.Duration
}

func (o SetupOptions) withDefaults() SetupOptions {
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.Duplicates <= 0 {
		o.Duplicates = DefaultDuplicates
	}
	if o.DecisionsMaxAge <= 0 {
		o.DecisionsMaxAge = DefaultDecisionsMaxAge
	}
	if o.DeadMaxAge <= 0 {
		o.DeadMaxAge = DefaultDeadMaxAge
	}
	if o.ClaimsTTL <= 0 {
		o.ClaimsTTL = DefaultClaimsTTL
	}
	if o.MailTTL <= 0 {
		o.MailTTL = DefaultMailTTL
	}
	if o.AnswersTTL <= 0 {
		o.AnswersTTL = DefaultAnswersTTL
	}
	return o
}

// StreamConfigs returns the configurations Setup gives the four streams.
func StreamConfigs(opts SetupOptions) []jetstream.StreamConfig {
	o := opts.withDefaults()
	return []jetstream.StreamConfig{
		{
			Name: InboundStream, Description: "antwort: inbound mail and posts to decide, one subject per channel",
			Subjects: []string{InboundPrefix + ".>"}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
			Replicas: o.Replicas, Duplicates: o.Duplicates, Discard: jetstream.DiscardNew,
		},
		{
			Name: DecisionsStream, Description: "antwort: one decision per message",
			Subjects: []string{DecisionsSubject, DecisionsSubject + ".>"}, Retention: jetstream.LimitsPolicy,
			Storage: jetstream.FileStorage, Replicas: o.Replicas, Duplicates: o.Duplicates, MaxAge: o.DecisionsMaxAge,
		},
		{
			Name: OutboxStream, Description: "antwort: replies to send, one subject per reply",
			Subjects: []string{OutboxPrefix + ".>"}, Retention: jetstream.WorkQueuePolicy, Storage: jetstream.FileStorage,
			Replicas: o.Replicas, Duplicates: o.Duplicates, Discard: jetstream.DiscardNew,
		},
		{
			Name: DeadStream, Description: "antwort: dead letters (inbound messages and replies that could not be processed), reason in Antwort-Error",
			Subjects: []string{DeadPrefix + ".>"}, Retention: jetstream.LimitsPolicy, Storage: jetstream.FileStorage,
			Replicas: o.Replicas, Duplicates: o.Duplicates, MaxAge: o.DeadMaxAge,
		},
	}
}

// Setup creates the streams, the key-value buckets (claims, answers,
// Message-IDs) and the object stores antwort uses, where they are
// missing. Existing ones are left as they
// are, so an operator may tune limits and replicas with the nats tool.
// Setup is idempotent and safe to run from several processes at once.
func Setup(ctx context.Context, js jetstream.JetStream, opts SetupOptions) error {
	o := opts.withDefaults()
	for _, cfg := range StreamConfigs(o) {
		if _, err := js.Stream(ctx, cfg.Name); err == nil {
			continue
		} else if !errors.Is(err, jetstream.ErrStreamNotFound) {
			return fmt.Errorf("natsq: stream %s: %w", cfg.Name, err)
		}
		if _, err := js.CreateStream(ctx, cfg); err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return fmt.Errorf("natsq: create stream %s: %w", cfg.Name, err)
		}
	}
	for _, cfg := range []jetstream.KeyValueConfig{
		{Bucket: ClaimsBucket, Description: "antwort: one claim per reply, taken before sending", TTL: o.ClaimsTTL},
		{Bucket: AnswersBucket, Description: "antwort: automatic answers per sender, for the rate limit", TTL: o.AnswersTTL},
		{Bucket: IDsBucket, Description: "antwort: Message-IDs decided, with the content hash of the first message", TTL: o.ClaimsTTL},
	} {
		cfg.History, cfg.Storage, cfg.Replicas = 1, jetstream.FileStorage, o.Replicas
		if _, err := js.KeyValue(ctx, cfg.Bucket); errors.Is(err, jetstream.ErrBucketNotFound) {
			if _, err = js.CreateKeyValue(ctx, cfg); err != nil && !errors.Is(err, jetstream.ErrBucketExists) {
				return fmt.Errorf("natsq: create bucket %s: %w", cfg.Bucket, err)
			}
		} else if err != nil {
			return fmt.Errorf("natsq: bucket %s: %w", cfg.Bucket, err)
		}
	}
	for _, cfg := range []jetstream.ObjectStoreConfig{
		{Bucket: ModelsBucket, Description: "antwort: pushed models and knowledge base", Storage: jetstream.FileStorage, Replicas: o.Replicas},
		{Bucket: MailBucket, Description: "antwort: mails larger than one NATS message", Storage: jetstream.FileStorage, Replicas: o.Replicas, TTL: o.MailTTL},
	} {
		if _, err := js.ObjectStore(ctx, cfg.Bucket); errors.Is(err, jetstream.ErrBucketNotFound) {
			if _, err := js.CreateObjectStore(ctx, cfg); err != nil && !errors.Is(err, jetstream.ErrBucketExists) && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				return fmt.Errorf("natsq: create object store %s: %w", cfg.Bucket, err)
			}
		} else if err != nil {
			return fmt.Errorf("natsq: object store %s: %w", cfg.Bucket, err)
		}
	}
	return nil
}
