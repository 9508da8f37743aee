package natsq

import "errors"

// Errors returned by this package. Returned errors wrap them; branch with
// errors.Is.
var (
	// ErrUnreachable is returned by Connect when no NATS server answered
	// within ConnectOptions.Retry.
	ErrUnreachable = errors.New("natsq: NATS server unreachable")

	// ErrNoJetStream is returned by Connect when the server does not have
	// JetStream enabled (start nats-server with -js).
	ErrNoJetStream = errors.New("natsq: JetStream is not enabled")

	// ErrRefused is returned (and logged by a worker) for a push from a
	// newer version of antwort: a manifest format, a model store schema
	// or a model encoding this code does not know. A worker keeps the
	// models it has.
	ErrRefused = errors.New("natsq: push refused")

	// ErrBadPush is returned for a push that cannot be used: a manifest
	// that does not decode, an object that is missing or has the wrong
	// digest, a knowledge-base export that does not import.
	ErrBadPush = errors.New("natsq: unusable push")

	// ErrNoPush is returned by LoadPush when nothing was pushed yet.
	ErrNoPush = errors.New("natsq: nothing pushed yet")

	// ErrNotMessage marks an inbound message that is neither a mail nor
	// a post; it is dead-lettered at once, with the parser's reason.
	ErrNotMessage = errors.New("natsq: not a mail or post")

	// ErrClaimed is the reason a reply is not sent: its claim shows an
	// earlier delivery that was never confirmed (the sender died or the
	// connection broke after the data was sent). A person must check
	// whether it arrived and then release it (Release).
	ErrClaimed = errors.New("natsq: reply claimed by an unconfirmed delivery")

	// ErrSent is returned by Release for a reply that was delivered.
	ErrSent = errors.New("natsq: reply was sent")

	// ErrNotFound is returned by Release for an unknown reply key.
	ErrNotFound = errors.New("natsq: not found")
)
