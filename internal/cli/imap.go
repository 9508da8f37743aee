package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/imapbox"
)

// imapFlags are the flags that say how to log in to an IMAP mailbox
// given as imap:// or imaps:// URL.
type imapFlags struct {
	passwordFile string
	tokenFile    string
	caFile       string
	insecure     string // "": verify; "loopback": skip for a server on this machine; else the host to skip it for
	retry        time.Duration
}

// envIMAPPassword is the environment variable that holds the IMAP
// password.
const envIMAPPassword = "ANTWORT_IMAP_PASSWORD"

// insecureLoopback is --insecure-skip-verify given without a value.
const insecureLoopback = "loopback"

func (f *imapFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.passwordFile, "imap-password-file", "", "file holding the IMAP password, alone on its first line (default: $"+envIMAPPassword+"); never in the URL")
	fs.StringVar(&f.tokenFile, "imap-token-file", "", "file holding an OAuth 2.0 access token: log in with XOAUTH2 (Microsoft 365, Gmail); read anew at every connection")
	fs.StringVar(&f.caFile, "imap-ca-file", "", "PEM file with the certificate authority (or the self-signed certificate) of the IMAP server")
	fs.StringVar(&f.insecure, "insecure-skip-verify", "", "do not verify the IMAP server's certificate: alone for a server on this machine, =HOST for the named host")
	fs.Lookup("insecure-skip-verify").NoOptDefVal = insecureLoopback
	fs.DurationVar(&f.retry, "imap-retry", 5*time.Minute, "how long to keep reconnecting when the IMAP connection breaks (--watch: for ever)")
}

// options turns the flags into connection options for account a.
func (f *imapFlags) options(g *globalOptions, a *imapbox.Account) (imapbox.Options, error) {
	o := imapbox.Options{Retry: f.retry, Logger: g.logger, Notify: func(msg string) {
		fmt.Fprintf(g.io.ErrOut, "antwort: imap: %s\n", msg)
	}}
	switch {
	case f.tokenFile != "":
		if _, err := os.Stat(f.tokenFile); err != nil {
			return o, flagErrorf("--imap-token-file: %v", err)
		}
		o.Token = func() (string, error) {
			b, err := os.ReadFile(f.tokenFile)
			if err != nil {
				return "", err
			}
			tok := strings.TrimSpace(string(b))
			if tok == "" {
				return "", fmt.Errorf("%s is empty", f.tokenFile)
			}
			g.secret(tok)
			return tok, nil
		}
	default:
		pw, _, err := g.password("imap-password-file", f.passwordFile, envIMAPPassword)
		if err != nil {
			return o, err
		}
		o.Password = pw
	}
	switch f.insecure {
	case "":
	case insecureLoopback:
		if !imapbox.IsLoopback(a.Host) {
			return o, flagErrorf("--insecure-skip-verify alone is for a server on this machine, not %s; to accept any certificate from %s anyway, write --insecure-skip-verify=%s (or give its CA with --imap-ca-file)", a.Host, a.Host, a.Host)
		}
		o.InsecureSkipVerify = true
	default:
		if !strings.EqualFold(f.insecure, a.Host) {
			return o, flagErrorf("--insecure-skip-verify=%s does not name the IMAP server %s", f.insecure, a.Host)
		}
		o.InsecureSkipVerify = true
	}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil {
			return o, flagErrorf("--imap-ca-file: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return o, flagErrorf("--imap-ca-file %s holds no PEM certificate", f.caFile)
		}
		o.RootCAs = pool
	}
	return o, nil
}

// inputSource is one --in: a file input or an IMAP folder.
type inputSource interface {
	Next(ctx context.Context) (*ingest.Message, error)
	NextRaw(ctx context.Context) (*ingest.RawItem, error)
	Close() error
}

// imapInputs opens the IMAP URLs among a command's inputs and keeps one
// Mailbox per account.
type imapInputs struct {
	g     *globalOptions
	flags *imapFlags
	// source are the options of each folder read (Parse is set per
	// input).
	source imapbox.SourceOptions
	mbs    map[string]*imapbox.Mailbox
	srcs   []*imapbox.Source
}

func newIMAPInputs(g *globalOptions, f *imapFlags, so imapbox.SourceOptions) *imapInputs {
	return &imapInputs{g: g, flags: f, source: so, mbs: map[string]*imapbox.Mailbox{}}
}

// mailbox logs in to the account of spec (once per account).
func (in *imapInputs) mailbox(ctx context.Context, spec string) (*imapbox.Mailbox, *imapbox.Account, error) {
	a, err := imapbox.ParseURL(spec)
	if err != nil {
		return nil, nil, &FlagError{Err: err}
	}
	if mb := in.mbs[a.String()]; mb != nil {
		return mb, a, nil
	}
	o, err := in.flags.options(in.g, a)
	if err != nil {
		return nil, nil, err
	}
	mb, err := imapbox.Open(ctx, a, o)
	if err != nil {
		return nil, nil, err
	}
	in.mbs[a.String()] = mb
	return mb, a, nil
}

// open opens the IMAP folder an imap:// or imaps:// URL names.
func (in *imapInputs) open(ctx context.Context, spec string, opts ingest.Options) (inputSource, error) {
	mb, a, err := in.mailbox(ctx, spec)
	if err != nil {
		return nil, err
	}
	so := in.source
	so.Parse = opts
	src := mb.Source(a.Folder, so)
	in.srcs = append(in.srcs, src)
	return src, nil
}

// stats sums what the folders read met.
func (in *imapInputs) stats() imapbox.SourceStats {
	var t imapbox.SourceStats
	for _, s := range in.srcs {
		st := s.Stats()
		t.Gone += st.Gone
		t.Reconnects += st.Reconnects
		t.Renumbered += st.Renumbered
	}
	return t
}

func (in *imapInputs) close() {
	for _, s := range in.srcs {
		s.Close()
	}
	for _, mb := range in.mbs {
		mb.Close()
	}
}

// mark adds keyword to the IMAP mails named by their URLs (sources
// that are not IMAP URLs are ignored).
func (in *imapInputs) mark(ctx context.Context, sources []string, keyword string) error {
	byAccount := map[*imapbox.Mailbox][]imapbox.Ref{}
	for _, s := range sources {
		ref, ok := imapbox.ParseSource(s)
		if !ok {
			continue
		}
		a, err := imapbox.ParseURL(s)
		if err != nil || in.mbs[a.String()] == nil {
			continue
		}
		mb := in.mbs[a.String()]
		byAccount[mb] = append(byAccount[mb], ref)
	}
	for mb, refs := range byAccount {
		if _, err := mb.Mark(ctx, refs, keyword); err != nil {
			return err
		}
	}
	return nil
}

// readIMAPLabeled reads labelled examples from an IMAP folder tree: the
// folders below the URL's folder are the labels.
func (g *globalOptions) readIMAPLabeled(ctx context.Context, f *imapFlags, spec string, o ingest.Options) ([]ingest.Labeled, []ingest.Problem, error) {
	in := newIMAPInputs(g, f, imapbox.SourceOptions{})
	defer in.close()
	mb, a, err := in.mailbox(ctx, spec)
	if err != nil {
		return nil, nil, err
	}
	return mb.ReadLabeled(ctx, a.Folder, o)
}

// isAuthError reports whether err is a refused IMAP login.
func isAuthError(err error) bool { return errors.Is(err, imapbox.ErrAuth) }
