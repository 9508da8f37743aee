package cli

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestVersionFromBuildInfo prints the build's version and Go release
// instead of a constant.
func TestVersionFromBuildInfo(t *testing.T) {
	code, out, errOut := run(t, "", "version", "--format", "json")
	if code != ExitOK {
		t.Fatalf("version: exit %d: %s", code, errOut)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("version --format json = %q: %v", out, err)
	}
	if v["go"] != runtime.Version() || v["version"] == "" || v["version"] == "0.1.0" {
		t.Errorf("version = %v, want the build's version and %s", v, runtime.Version())
	}
	code, out, _ = run(t, "", "version")
	if code != ExitOK || !strings.HasPrefix(out, "antwort ") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("version = %d %q", code, out)
	}
}

// allCommands returns cmd and every command below it.
func allCommands(cmd *cobra.Command) []*cobra.Command {
	out := []*cobra.Command{cmd}
	for _, c := range cmd.Commands() {
		out = append(out, allCommands(c)...)
	}
	return out
}

// TestEveryFlagSettableFromEnv binds every flag of every command to its
// ANTWORT_* variable: each one, given in the environment with a valid
// value, ends up set.
func TestEveryFlagSettableFromEnv(t *testing.T) {
	g := &globalOptions{io: IOStreams{ErrOut: io.Discard}}
	root := newRootCmd(g)
	n := 0
	for _, cmd := range allCommands(root) {
		if cmd.Hidden {
			continue
		}
		env := map[string]string{}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			v := f.DefValue
			if _, ok := f.Value.(pflag.SliceValue); ok {
				v = strings.Trim(v, "[]")
			}
			env[flagVar(cmd, f.Name)] = v
		})
		if err := g.bindEnv(cmd, func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
			t.Errorf("%s: bindEnv() = %v", cmd.CommandPath(), err)
			continue
		}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" || f.Name == "version" {
				return
			}
			n++
			if !f.Changed || g.fromEnv[f.Name] != flagVar(cmd, f.Name) {
				t.Errorf("%s --%s: not set from %s", cmd.CommandPath(), f.Name, flagVar(cmd, f.Name))
			}
		})
	}
	if n < 100 {
		t.Errorf("checked only %d flags; is the walk broken?", n)
	}
	// ANTWORT_<FLAG>_FILE must not be the variable of another flag.
	for _, cmd := range allCommands(root) {
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if cmd.Flags().Lookup(f.Name+"-file") != nil {
				t.Errorf("%s has --%s and --%s-file: ANTWORT_%s_FILE would be ambiguous", cmd.CommandPath(), f.Name, f.Name, strings.ToUpper(f.Name))
			}
		})
	}
}

// TestEnvBinding checks the order: command line, then the command's own
// variable, then the variable for all commands; lists and bad values.
func TestEnvBinding(t *testing.T) {
	env := map[string]string{
		"ANTWORT_ADDR":           "0.0.0.0:1",
		"ANTWORT_SERVE_ADDR":     "127.0.0.1:9",
		"ANTWORT_KB":             "/srv/kb",
		"ANTWORT_PUBLIC_METRICS": "true",
		"ANTWORT_REDACT_NUMBERS": "order, ticket",
		"ANTWORT_DB":             "/srv/antwort.db",
		"ANTWORT_MAX_BODY":       "2048",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	g := &globalOptions{io: IOStreams{ErrOut: io.Discard}}
	root := newRootCmd(g)
	serve, _, err := root.Find([]string{"serve"})
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.ParseFlags([]string{"--max-body", "99"}); err != nil {
		t.Fatal(err)
	}
	if err := g.bindEnv(serve, lookup); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range []string{"addr", "kb", "public-metrics", "redact-numbers", "db", "max-body"} {
		got[f] = serve.Flags().Lookup(f).Value.String()
	}
	want := map[string]string{"addr": "127.0.0.1:9", "kb": "/srv/kb", "public-metrics": "true", "redact-numbers": "[order,ticket]",
		"db": "/srv/antwort.db", "max-body": "99"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flags after binding (-want +got):\n%s", diff)
	}
	// A secret from a file, the command's own variable first.
	secret := filepath.Join(t.TempDir(), "smtp-url")
	if err := os.WriteFile(secret, []byte("smtp://u:geheim@mail.example:587\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env["ANTWORT_SMTP_FILE"] = filepath.Join(t.TempDir(), "missing")
	env["ANTWORT_WORKER_SMTP_FILE"] = secret
	worker, _, _ := newRootCmd(g).Find([]string{"worker"})
	if err := g.bindEnv(worker, lookup); err != nil {
		t.Fatal(err)
	}
	if got := worker.Flags().Lookup("smtp").Value.String(); got != "smtp://u:geheim@mail.example:587" {
		t.Errorf("--smtp from ANTWORT_WORKER_SMTP_FILE = %q", got)
	}
	batch, _, _ := newRootCmd(g).Find([]string{"batch"})
	if err := g.bindEnv(batch, lookup); err == nil || !strings.Contains(err.Error(), "ANTWORT_SMTP_FILE") {
		t.Errorf("bindEnv with a missing ANTWORT_SMTP_FILE = %v, want an error naming it", err)
	}
	delete(env, "ANTWORT_SMTP_FILE")

	env["ANTWORT_SERVE_READ_TIMEOUT"] = "soon"
	root = newRootCmd(g)
	serve, _, _ = root.Find([]string{"serve"})
	err = g.bindEnv(serve, lookup)
	var fe *FlagError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "ANTWORT_SERVE_READ_TIMEOUT") {
		t.Errorf("bindEnv with a bad duration = %v, want a usage error naming the variable", err)
	}
}

// TestPasswordOnCommandLineWarns tells the operator that a password in a
// URL flag is visible to every user, and where to put it instead.
func TestPasswordOnCommandLineWarns(t *testing.T) {
	code, _, errOut := run(t, "", "worker", "dead", "--nats", "nats://u:secret@127.0.0.1:1", "--connect-retry", "1ms")
	if code == ExitOK || !strings.Contains(errOut, "--nats has a password") || !strings.Contains(errOut, "ANTWORT_NATS") {
		t.Errorf("worker dead with a password in --nats = %d, stderr %q; want a warning naming ANTWORT_NATS", code, errOut)
	}
}

// TestLogFormatJSON makes every stderr line of a command one JSON object
// with --log-format json: the status lines and the final error too.
func TestLogFormatJSON(t *testing.T) {
	db := filepath.Join(t.TempDir(), "antwort.db")
	t.Setenv("ANTWORT_LOG_FORMAT", "json")
	code, _, errOut := run(t, "", "serve", "--db", db, "--kb", filepath.Join(t.TempDir(), "no-kb"), "--addr", "127.0.0.1:0")
	if code == ExitOK {
		t.Fatalf("serve without a knowledge base = exit 0")
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec["level"] == nil || rec["msg"] == nil {
			t.Errorf("stderr line %q is not a JSON log record (%v)", l, err)
		}
	}
	if !strings.Contains(errOut, `"level":"ERROR"`) {
		t.Errorf("the error is not logged as ERROR: %s", errOut)
	}
	code, _, errOut = run(t, "", "version", "--log-format", "yaml")
	if code != ExitUsage || !strings.Contains(errOut, "--log-format") {
		t.Errorf("--log-format yaml = %d %q, want a usage error", code, errOut)
	}
}

// TestHealthcheck exits 0 for a healthy endpoint and 1 for a failing or
// missing one.
func TestHealthcheck(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"status":"ok"}`) }))
	defer ok.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"status":"unavailable"}`, http.StatusServiceUnavailable)
	}))
	defer bad.Close()
	if code, _, errOut := run(t, "", "healthcheck", "--url", ok.URL+"/healthz"); code != ExitOK {
		t.Errorf("healthcheck of a healthy server = %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "", "healthcheck", "--url", bad.URL+"/healthz"); code != ExitError || !strings.Contains(errOut, "503") {
		t.Errorf("healthcheck of an unavailable server = %d %q, want 1 naming 503", code, errOut)
	}
	bad.Close()
	if code, _, _ := run(t, "", "healthcheck", "--url", bad.URL+"/healthz", "--timeout", "1s"); code != ExitError {
		t.Errorf("healthcheck of a closed port = %d, want 1", code)
	}
}

// flagVar is the variable that sets flag of cmd: ANTWORT_<FLAG>, or for
// --data, which ANTWORT_DATA does not set, ANTWORT_<COMMAND>_DATA.
func flagVar(cmd *cobra.Command, flag string) string {
	if n := envName("", flag); n != benchDataVar {
		return n
	}
	return envName(commandPath(cmd), flag)
}

// TestBenchDataVariableIsNotTrainData: ANTWORT_DATA, set for the
// benchmarks to the public data sets' folder, must not become the
// --data of train, eval or policy fit (a folder of data sets is no
// training data); ANTWORT_TRAIN_DATA still sets train's.
func TestBenchDataVariableIsNotTrainData(t *testing.T) {
	g := &globalOptions{io: IOStreams{ErrOut: io.Discard}}
	root := newRootCmd(g)
	env := map[string]string{"ANTWORT_DATA": "/data/sets", "ANTWORT_EVAL_DATA": "eval.jsonl"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	seen := 0
	for _, cmd := range allCommands(root) {
		f := cmd.Flags().Lookup("data")
		if f == nil {
			continue
		}
		seen++
		if err := g.bindEnv(cmd, lookup); err != nil {
			t.Fatalf("%s: %v", cmd.CommandPath(), err)
		}
		want := ""
		if commandPath(cmd) == "eval" {
			want = "eval.jsonl"
		}
		if got := strings.Trim(f.Value.String(), "[]"); f.Changed != (want != "") || want != "" && got != want {
			t.Errorf("%s --data = %q (set: %v), want %q", cmd.CommandPath(), got, f.Changed, want)
		}
	}
	if seen < 2 {
		t.Fatalf("only %d commands with --data: the test lost its subject", seen)
	}
}
