package server

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
)

// MinTokenLen is the shortest token accepted, in bytes.
const MinTokenLen = 16

// Roles of a token.
const (
	// RoleClient may classify, suggest, send feedback and read models,
	// the audit trail and answer statistics.
	RoleClient = "client"
	// RoleAdmin may also activate, roll back and delete model versions,
	// import the knowledge base, retrain and reload.
	RoleAdmin = "admin"
)

// Token is one accepted bearer token, without its secret.
type Token struct {
	Name string // shown in logs and the audit trail as "token:<name>"
	Role string // RoleClient or RoleAdmin
	hash [sha256.Size]byte
}

// Admin reports whether the token has the admin role.
func (t Token) Admin() bool { return t.Role == RoleAdmin }

// Tokens is a set of bearer tokens. It is immutable after construction
// (Add is for setting it up) and Check is safe for concurrent use.
type Tokens struct {
	list []Token
}

// ReadTokens reads a token file: one token per line, "TOKEN [NAME]
// [ROLE]", fields separated by white space; blank lines and lines starting
// with '#' are ignored. NAME defaults to "line<N>", ROLE to "client"
// ("admin" grants the admin endpoints). A token must be at least
// MinTokenLen printable ASCII characters. Errors name the file and line.
func ReadTokens(path string) (*Tokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("server: read tokens: %w", err)
	}
	defer f.Close()
	return ParseTokens(f, path)
}

// ParseTokens reads the token file format of ReadTokens from r; source
// names r in errors.
func ParseTokens(r io.Reader, source string) (*Tokens, error) {
	t := &Tokens{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) > 3 {
			return nil, fmt.Errorf("%s:%d: %w: want TOKEN [NAME] [ROLE], got %d fields", source, line, ErrTokenFile, len(f))
		}
		name := fmt.Sprintf("line%d", line)
		which := fmt.Sprintf("the token on line %d", line)
		role := RoleClient
		if len(f) > 1 {
			name = f[1]
			which = fmt.Sprintf("token %q", name)
		}
		if len(f) > 2 {
			role = f[2]
		}
		if err := t.add(f[0], name, which, role); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", source, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return t, nil
}

// Add adds a token. It fails for a short or non-printable secret, an
// unknown role, or a secret or name already present.
func (t *Tokens) Add(secret, name, role string) error {
	return t.add(secret, name, fmt.Sprintf("token %q", name), role)
}

// add is Add with which, how errors name the token ("token \"ops\"", "the
// token on line 2" for one without a name in the file).
func (t *Tokens) add(secret, name, which, role string) error {
	if len(secret) < MinTokenLen {
		return fmt.Errorf("%w: %s is %d characters, want at least %d", ErrTokenFile, which, len(secret), MinTokenLen)
	}
	for _, c := range []byte(secret) {
		if c <= ' ' || c > '~' {
			return fmt.Errorf("%w: %s has a character that is not printable ASCII", ErrTokenFile, which)
		}
	}
	if role != RoleClient && role != RoleAdmin {
		return fmt.Errorf("%w: %s: role %q, want %s or %s", ErrTokenFile, which, role, RoleClient, RoleAdmin)
	}
	h := sha256.Sum256([]byte(secret))
	for _, o := range t.list {
		if o.hash == h {
			return fmt.Errorf("%w: %s repeats the secret of token %q", ErrTokenFile, which, o.Name)
		}
		if o.Name == name {
			return fmt.Errorf("%w: two tokens named %q", ErrTokenFile, name)
		}
	}
	t.list = append(t.list, Token{Name: name, Role: role, hash: h})
	return nil
}

// Len returns the number of tokens.
func (t *Tokens) Len() int {
	if t == nil {
		return 0
	}
	return len(t.list)
}

// Check returns the token whose secret is secret. It compares the SHA-256
// of secret with every token's in constant time and looks at all of them,
// so the time taken does not depend on which token (if any) matched or
// how much of it.
func (t *Tokens) Check(secret string) (Token, bool) {
	if t == nil {
		return Token{}, false
	}
	h := sha256.Sum256([]byte(secret))
	found := -1
	for i := range t.list {
		if subtle.ConstantTimeCompare(h[:], t.list[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Token{}, false
	}
	return t.list[found], true
}

// NewSecret returns a random token secret: 32 bytes from crypto/rand in
// hex (64 characters).
func NewSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}
