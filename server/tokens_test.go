package server_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/antwort-dev/antwort/server"
)

func TestParseTokens(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		wantErr string // "" = no error; else a substring, and the error wraps ErrTokenFile
		check   map[string]string
	}{
		{
			name: "roles and defaults",
			file: "# comment\n\n0123456789abcdef ticket-system\n  fedcba9876543210-admin ops admin  \nzzzzzzzzzzzzzzzzzzzz\n",
			check: map[string]string{
				"0123456789abcdef":       "ticket-system/client",
				"fedcba9876543210-admin": "ops/admin",
				"zzzzzzzzzzzzzzzzzzzz":   "line5/client",
				"0123456789abcde":        "",
				"0123456789abcdeF":       "",
			},
		},
		{name: "too short", file: "ok-token-0123456789\nshort name\n", wantErr: "tokens.txt:2: server: bad token: token \"name\" is 5 characters, want at least 16"},
		{name: "too short, no name", file: "ok-token-0123456789\nline2\n", wantErr: "tokens.txt:2: server: bad token: the token on line 2 is 5 characters, want at least 16"},
		{name: "non-ascii, no name", file: "0123456789abcdé\n", wantErr: "the token on line 1 has a character that is not printable ASCII"},
		{name: "unknown role", file: "0123456789abcdef a root\n", wantErr: "tokens.txt:1:"},
		{name: "too many fields", file: "0123456789abcdef a admin extra\n", wantErr: "tokens.txt:1: server: bad token: want TOKEN [NAME] [ROLE], got 4 fields"},
		{name: "repeated secret", file: "0123456789abcdef a\n0123456789abcdef b\n", wantErr: "tokens.txt:2:"},
		{name: "repeated name", file: "0123456789abcdef a\n0123456789abcdeg a\n", wantErr: `two tokens named "a"`},
		{name: "non-ascii", file: "0123456789abcdeé a\n", wantErr: "not printable ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, err := server.ParseTokens(strings.NewReader(tt.file), "tokens.txt")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, server.ErrTokenFile) {
					t.Fatalf("ParseTokens() error = %v, want one containing %q wrapping ErrTokenFile", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for secret, want := range tt.check {
				tok, ok := toks.Check(secret)
				got := ""
				if ok {
					got = tok.Name + "/" + tok.Role
				}
				if got != want {
					t.Errorf("Check(%q) = %q, want %q", secret, got, want)
				}
			}
		})
	}
}

func TestReadTokens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.txt")
	if _, err := server.ReadTokens(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadTokens(missing) error = %v, want one naming the file", err)
	}
	secret, err := server.NewSecret()
	if err != nil || len(secret) != 64 {
		t.Fatalf("NewSecret() = %q, %v", secret, err)
	}
	if err := os.WriteFile(path, []byte(secret+" cli admin\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	toks, err := server.ReadTokens(path)
	if err != nil || toks.Len() != 1 {
		t.Fatalf("ReadTokens() = %v, %v", toks, err)
	}
	if tok, ok := toks.Check(secret); !ok || !tok.Admin() {
		t.Errorf("Check(secret) = %+v, %v; want the admin token", tok, ok)
	}
}
