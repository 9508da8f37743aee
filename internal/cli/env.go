package cli

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Configuration from the environment. Every flag of every command can be
// set by an environment variable; this file is the one place that binds
// them:
//
//	ANTWORT_<COMMAND>_<FLAG>   for one command ("ANTWORT_SERVE_ADDR", "ANTWORT_WORKER_LISTEN",
//	                           "ANTWORT_KB_IMPORT_KB"), first
//	ANTWORT_<FLAG>             for every command that has the flag ("ANTWORT_DB", "ANTWORT_KB",
//	                           "ANTWORT_LOG_FORMAT"), then
//
// with the flag's name in upper case and '-' as '_'; failing both, the
// same names with "_FILE" appended name a file whose content (without a
// final line break) is the value, for secrets kept in files
// (ANTWORT_SMTP_FILE, a systemd credential). A flag given on the command
// line wins over all of them. A list flag takes a comma-separated value
// ("ANTWORT_OWN_DOMAIN=example.com,example.org"); a boolean flag "true" or
// "false". An invalid value is a usage error naming the variable.
//
// Secrets never need to be on the command line, where every user sees
// them in ps: the tokens of 'antwort serve' come from --token-file
// (ANTWORT_TOKEN_FILE), a client's token from --token-file or
// ANTWORT_TOKEN, NATS credentials from --nats-creds, and URLs with a
// password (--smtp, --nats) from ANTWORT_SMTP and ANTWORT_NATS or from
// the files ANTWORT_SMTP_FILE and ANTWORT_NATS_FILE name.
//
// A password given in a URL on the command line is accepted with a
// warning. Besides the flags antwort reads ANTWORT_TOKEN (the bearer
// token for --server when no --token-file is given), ANTWORT_SMTP_PASSWORD
// (the SMTP password when no --smtp-password-file is given, see
// smtpFlags), ANTWORT_IMAP_PASSWORD (the password of an IMAP mailbox when
// no --imap-password-file is given; an IMAP URL never holds one, see
// imapFlags) and, in benchmarks only, ANTWORT_DATA, which is therefore not
// the variable of the --data flags (see benchDataVar).

// benchDataVar names the public data sets' folder for benchmarks and
// bench/ scripts. It is not the --data of every command that has one
// (train, eval, policy fit): set for the benchmarks, it would make them
// read a folder of data sets. ANTWORT_TRAIN_DATA and the like still are.
const benchDataVar = "ANTWORT_DATA"

// envPrefix starts every variable antwort reads.
const envPrefix = "ANTWORT_"

// secretURLFlags are flags whose value may be a URL with a password.
var secretURLFlags = []string{"smtp", "nats", "server"}

// envName is the variable for flag name, for every command (cmdPath
// empty) or for the command at cmdPath ("serve", "kb import").
func envName(cmdPath, flag string) string {
	n := flag
	if cmdPath != "" {
		n = cmdPath + "_" + flag
	}
	n = strings.NewReplacer("-", "_", " ", "_").Replace(n)
	return envPrefix + strings.ToUpper(n)
}

// commandPath is cmd's path without the root: "serve", "kb import".
func commandPath(cmd *cobra.Command) string {
	p := cmd.CommandPath()
	if i := strings.IndexByte(p, ' '); i >= 0 {
		return p[i+1:]
	}
	return ""
}

// bindEnv sets every flag of cmd (its own and the inherited ones) that
// the command line did not set from its environment variable, if there
// is one, looked up with lookup, and records those in g.fromEnv. A flag
// set from the environment counts as given (cobra's Changed). It warns on
// stderr about passwords in URLs given on the command line.
func (g *globalOptions) bindEnv(cmd *cobra.Command, lookup func(string) (string, bool)) error {
	path := commandPath(cmd)
	g.fromEnv = map[string]string{}
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Name == "help" || f.Name == "version" {
			return
		}
		if f.Changed {
			for _, s := range secretURLFlags {
				if f.Name == s && urlHasPassword(f.Value.String()) {
					fmt.Fprintf(g.io.ErrOut, "antwort: warning: --%s has a password that every user of this machine can see (ps); set %s instead\n",
						f.Name, envName("", f.Name))
				}
			}
			return
		}
		var names []string
		if path != "" {
			names = append(names, envName(path, f.Name))
		}
		if n := envName("", f.Name); n != benchDataVar {
			names = append(names, n)
		}
		name, v, ok := "", "", false
		for _, n := range names {
			if v, ok = lookup(n); ok {
				name = n
				break
			}
		}
		for _, n := range names {
			if ok {
				break
			}
			file, found := lookup(n + "_FILE")
			if !found {
				continue
			}
			name = n + "_FILE"
			data, rerr := readSmallFile(file)
			if rerr != nil {
				err = flagErrorf("%s (for --%s): %v", name, f.Name, rerr)
				return
			}
			v, ok = strings.TrimRight(data, "\r\n"), true
		}
		if !ok {
			return
		}
		if serr := setFromEnv(f, v); serr != nil {
			if strings.HasSuffix(name, "_FILE") { // a secret, perhaps: not in the message
				err = flagErrorf("%s (for --%s): invalid value in the file: %v", name, f.Name, serr)
			} else {
				err = flagErrorf("%s=%q (for --%s): %v", name, v, f.Name, serr)
			}
			return
		}
		f.Changed = true
		g.fromEnv[f.Name] = name
	})
	return err
}

// maxEnvFile bounds a file named by an ANTWORT_<FLAG>_FILE variable.
const maxEnvFile = 64 << 10

// readSmallFile reads a file of at most maxEnvFile bytes.
func readSmallFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxEnvFile+1))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxEnvFile {
		return "", fmt.Errorf("%s is larger than %d bytes", path, maxEnvFile)
	}
	return string(b), nil
}

// setFromEnv sets f to v; a list flag takes a comma-separated list.
func setFromEnv(f *pflag.Flag, v string) error {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		var items []string
		if strings.TrimSpace(v) != "" {
			for _, it := range strings.Split(v, ",") {
				items = append(items, strings.TrimSpace(it))
			}
		}
		return sv.Replace(items)
	}
	return f.Value.Set(v)
}

// urlHasPassword reports whether s (a URL or a comma-separated list of
// them) carries a password or a bare token as user.
func urlHasPassword(s string) bool {
	for _, part := range strings.Split(s, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		if err != nil || u.User == nil {
			continue
		}
		if _, ok := u.User.Password(); ok {
			return true
		}
	}
	return false
}
