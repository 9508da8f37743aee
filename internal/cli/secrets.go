package cli

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/antwort-dev/antwort/internal/outbox"
)

// redactWriter writes through to w with every registered secret replaced
// by "xxxxx". Main puts one in front of stderr, where every error,
// warning and log line goes, so that a password never shows there, even
// in an error of a library that repeats what it was given.
type redactWriter struct {
	w       io.Writer
	mu      sync.Mutex
	secrets []string
}

// minSecret is the shortest secret searched for: shorter ones would
// garble ordinary output, and antwort never prints a secret itself.
const minSecret = 4

// add registers secret, and the forms a URL writes it in.
func (r *redactWriter) add(secret string) {
	if len(secret) < minSecret {
		return
	}
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret),
		strings.TrimSuffix(strings.TrimPrefix(url.UserPassword("", secret).String(), ":"), "@")}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range forms {
		if len(f) >= minSecret && !slices.Contains(r.secrets, f) {
			r.secrets = append(r.secrets, f)
		}
	}
}

// Write writes p with the secrets replaced. A secret split over two
// writes is not found; antwort writes each line at once.
func (r *redactWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	secrets := r.secrets
	r.mu.Unlock()
	s := string(p)
	hit := false
	for _, sec := range secrets {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, "xxxxx")
			hit = true
		}
	}
	if !hit {
		return r.w.Write(p)
	}
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// secret registers a secret for redaction from stderr.
func (g *globalOptions) secret(s string) {
	if g.redact != nil {
		g.redact.add(s)
	}
}

// secretURL registers the password (or token) of each URL in a comma
// separated list.
func (g *globalOptions) secretURL(urls string) {
	for _, s := range strings.Split(urls, ",") {
		u, err := url.Parse(strings.TrimSpace(s))
		if err != nil || u.User == nil {
			continue
		}
		if p, ok := u.User.Password(); ok {
			g.secret(p)
		} else {
			g.secret(u.User.Username()) // a token
		}
	}
}

// password reads a password from the file the flag --flagName names
// (the password alone on its first line; a file other users can read is
// warned about), else from the environment variable env, and registers it
// for redaction from stderr. from names where it came from, "" when
// neither has one.
func (g *globalOptions) password(flagName, file, env string) (pw, from string, err error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", flagErrorf("--%s: %v", flagName, err)
		}
		pw = strings.TrimRight(string(b), "\r\n")
		if pw == "" || strings.ContainsAny(pw, "\r\n") {
			return "", "", flagErrorf("--%s %s: want the password alone on one line", flagName, file)
		}
		if fi, err := os.Stat(file); err == nil && fi.Mode().Perm()&0o077 != 0 {
			fmt.Fprintf(g.io.ErrOut, "antwort: warning: --%s %s can be read by other users (mode %v); chmod 600 it\n", flagName, file, fi.Mode().Perm())
		}
		from = "--" + flagName
	case os.Getenv(env) != "":
		pw, from = os.Getenv(env), env
	}
	g.secret(pw)
	return pw, from, nil
}

// smtpFlags are the flags of the commands that send mail.
type smtpFlags struct {
	url          string
	passwordFile string
	timeout      time.Duration
}

// envSMTPPassword is the environment variable that holds the SMTP
// password.
const envSMTPPassword = "ANTWORT_SMTP_PASSWORD"

// sender returns the Sender for the flags. The password comes from
// --smtp-password-file, else $ANTWORT_SMTP_PASSWORD, else the URL (on the
// command line every user of the machine can see it: bindEnv warns; in
// ANTWORT_SMTP or the file ANTWORT_SMTP_FILE names it is safe). Every
// password is kept out of stderr.
func (f *smtpFlags) sender(g *globalOptions) (*outbox.Sender, error) {
	g.secretURL(f.url)
	pw, from, err := g.password("smtp-password-file", f.passwordFile, envSMTPPassword)
	if err != nil {
		return nil, err
	}
	s, err := outbox.NewSender(outbox.SMTPOptions{URL: f.url, Password: pw, Timeout: f.timeout})
	if err != nil {
		if from != "" {
			return nil, flagErrorf("--smtp with the password of %s: %v", from, err)
		}
		return nil, flagErrorf("--smtp: %v", err)
	}
	return s, nil
}

func (f *smtpFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.url, "smtp", "", "SMTP server: smtp://user@host:587 (STARTTLS when offered) or smtps://user@host:465; the password from --smtp-password-file or $"+envSMTPPassword)
	fs.StringVar(&f.passwordFile, "smtp-password-file", "", "file holding the SMTP password, alone on its first line (default: $"+envSMTPPassword+")")
	fs.DurationVar(&f.timeout, "smtp-timeout", outbox.DefaultTimeout, "timeout for connecting and for each SMTP command")
}
