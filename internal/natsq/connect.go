package natsq

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// ConnectOptions configures Connect. The zero value means the defaults.
type ConnectOptions struct {
	// Name is the client name the server shows in its monitoring
	// (default "antwort").
	Name string

	// Retry is how long Connect keeps trying when no server answers,
	// with backoff from 250 ms to 5 s between attempts (default 30 s;
	// negative: one attempt). Once connected, a lost connection is
	// retried for ever (see Conn's reconnect handling).
	Retry time.Duration

	// CredsFile is a NATS credentials file (JWT and NKey seed); empty
	// for none. User and password, or a token, can be given in the URL.
	CredsFile string

	// OnDisconnect and OnReconnect are called when the connection is
	// lost and when it is back (for metrics and logs); nil for none.
	OnDisconnect func(error)
	OnReconnect  func()

	// Logger receives warnings about failed attempts; nil discards.
	Logger *slog.Logger
}

// Conn is a connection to NATS with JetStream.
type Conn struct {
	NC *nats.Conn
	JS jetstream.JetStream
}

// Close closes the connection after flushing what was published.
func (c *Conn) Close() {
	if c != nil && c.NC != nil {
		_ = c.NC.Drain()
		c.NC.Close()
	}
}

// Connect connects to the NATS server(s) at urls (comma-separated, as
// nats.Connect takes them) and checks that JetStream is enabled. While no
// server answers it retries with backoff for opts.Retry, then fails with
// an error wrapping ErrUnreachable that names the URL (without password)
// and the last reason. After that, a lost connection is re-established
// automatically for as long as the program runs; publishing and
// acknowledging fail meanwhile, and nothing acknowledged is lost.
func Connect(ctx context.Context, urls string, opts ConnectOptions) (*Conn, error) {
	if opts.Name == "" {
		opts.Name = "antwort"
	}
	if opts.Retry == 0 {
		opts.Retry = 30 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	nopts := []nats.Option{
		nats.Name(opts.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.ReconnectJitter(250*time.Millisecond, time.Second),
		nats.Timeout(2 * time.Second),
		nats.PingInterval(10 * time.Second),
		nats.ReconnectBufSize(32 << 20),
		nats.NoCallbacksAfterClientClose(),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats: connection lost", slog.String("err", err.Error()))
			}
			if opts.OnDisconnect != nil {
				opts.OnDisconnect(err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Warn("nats: reconnected", slog.String("server", Redact(nc.ConnectedUrl())))
			if opts.OnReconnect != nil {
				opts.OnReconnect()
			}
		}),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			log.Warn("nats: async error", slog.String("err", err.Error()))
		}),
	}
	if opts.CredsFile != "" {
		nopts = append(nopts, nats.UserCredentials(opts.CredsFile))
	}
	start := time.Now()
	var (
		nc  *nats.Conn
		err error
	)
	for attempt := 1; ; attempt++ {
		nc, err = nats.Connect(urls, nopts...)
		if err == nil {
			break
		}
		if !retryable(err) {
			return nil, fmt.Errorf("nats %s: %w", Redact(urls), err)
		}
		elapsed := time.Since(start)
		wait := connectBackoff.after(attempt)
		if opts.Retry < 0 || elapsed >= opts.Retry {
			return nil, fmt.Errorf("%w: %s: gave up after %d attempt(s) in %s: %w",
				ErrUnreachable, Redact(urls), attempt, elapsed.Round(100*time.Millisecond), err)
		}
		log.Warn("nats: cannot connect; retrying", slog.String("url", Redact(urls)), slog.Int("attempt", attempt),
			slog.Duration("wait", wait), slog.String("err", err.Error()))
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(wait, opts.Retry-elapsed)):
		}
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(actx); err != nil {
		nc.Close()
		if errors.Is(err, jetstream.ErrJetStreamNotEnabled) || errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) ||
			errors.Is(err, nats.ErrNoResponders) {
			return nil, fmt.Errorf("%w on %s (start nats-server with -js, or enable it for this account): %w", ErrNoJetStream, Redact(urls), err)
		}
		return nil, fmt.Errorf("nats %s: %w", Redact(urls), err)
	}
	return &Conn{NC: nc, JS: js}, nil
}

// retryable reports whether a connect error may go away: the server is
// down or starting, not a refused login or a bad URL.
func retryable(err error) bool {
	switch {
	case errors.Is(err, nats.ErrAuthorization), errors.Is(err, nats.ErrAuthExpired), errors.Is(err, nats.ErrAuthRevoked),
		errors.Is(err, nats.ErrBadSubject), errors.Is(err, nats.ErrSecureConnRequired), errors.Is(err, nats.ErrSecureConnWanted):
		return false
	}
	s := err.Error()
	return !strings.Contains(s, "Authorization Violation") && !strings.Contains(s, "invalid URL") && !strings.Contains(s, "missing port")
}

// Redact returns urls (comma-separated) with passwords and tokens
// replaced by "xxx".
func Redact(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil || u.User == nil {
			continue
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxx")
		} else {
			u.User = url.User("xxx") // a token
		}
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}
