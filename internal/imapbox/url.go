package imapbox

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Security is how a connection is protected.
type Security int

const (
	// ImplicitTLS is imaps://: TLS from the first byte (port 993).
	ImplicitTLS Security = iota
	// StartTLS is imap://: a plain connection upgraded with STARTTLS
	// before logging in (port 143). A server without STARTTLS is refused.
	StartTLS
	// NoTLS is imap://…?tls=none: no encryption at all, allowed only for
	// a server on the loopback interface.
	NoTLS
)

// Account is an IMAP mailbox as a URL names it:
//
//	imaps://USER@HOST[:PORT]/FOLDER
//	imap://USER@HOST[:PORT]/FOLDER            (STARTTLS)
//	imap://USER@127.0.0.1:PORT/FOLDER?tls=none (loopback only)
//
// USER may contain "@" (service@example.com@outlook.office365.com works;
// so does %40). FOLDER is the path after the host, percent-decoded, with
// "/" between the levels of a hierarchy whatever separator the server
// uses; an empty path means INBOX. A password in the URL is refused: it
// would show in the process list and in logs.
type Account struct {
	Security Security
	Host     string // host name or IP, without brackets
	Port     int
	User     string
	Folder   string
}

// ParseURL parses an IMAP URL (see Account). Errors name the URL and
// what is wrong with it.
func ParseURL(s string) (*Account, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrURL, RedactURL(s), err)
	}
	a := &Account{}
	switch strings.ToLower(u.Scheme) {
	case "imaps":
		a.Security, a.Port = ImplicitTLS, 993
	case "imap":
		a.Security, a.Port = StartTLS, 143
	default:
		return nil, fmt.Errorf("%w: %q: want imaps://USER@HOST/FOLDER or imap://USER@HOST/FOLDER", ErrURL, RedactURL(s))
	}
	if u.User == nil || u.User.Username() == "" {
		return nil, fmt.Errorf("%w: %q has no user name: write %s://USER@%s%s", ErrURL, s, u.Scheme, u.Host, u.EscapedPath())
	}
	if _, ok := u.User.Password(); ok {
		return nil, fmt.Errorf("%w: %q holds a password; put it in ANTWORT_IMAP_PASSWORD or a file given with --imap-password-file, never in the URL", ErrURL, RedactURL(s))
	}
	a.User = u.User.Username()
	a.Host = u.Hostname()
	if a.Host == "" {
		return nil, fmt.Errorf("%w: %q has no host", ErrURL, s)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%w: %q: port %q", ErrURL, s, p)
		}
		a.Port = n
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return nil, fmt.Errorf("%w: %q: unknown parameter %q (the only one is tls=none, for a test server on loopback)", ErrURL, s, k)
		}
	}
	if tls := q.Get("tls"); tls != "" {
		if tls != "none" {
			return nil, fmt.Errorf("%w: %q: tls=%s: the only value is none", ErrURL, s, tls)
		}
		if a.Security != StartTLS {
			return nil, fmt.Errorf("%w: %q: tls=none goes with imap://, not imaps://", ErrURL, s)
		}
		if !IsLoopback(a.Host) {
			return nil, fmt.Errorf("%w: %q: tls=none sends the password in the clear; it is allowed only for a server on this machine (127.0.0.1, ::1, localhost)", ErrInsecure, s)
		}
		a.Security = NoTLS
	}
	a.Folder = strings.Trim(u.Path, "/")
	if a.Folder == "" {
		a.Folder = "INBOX"
	}
	return a, nil
}

// IsLoopback reports whether host names this machine: "localhost" or a
// loopback address. Names are not resolved.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// IsURL reports whether s is meant as an IMAP URL (imap:// or imaps://).
func IsURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "imap://") || strings.HasPrefix(l, "imaps://")
}

// Addr is host:port for dialing.
func (a *Account) Addr() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// String is the account's URL without the folder (and without
// ?tls=none).
func (a *Account) String() string {
	scheme := "imaps"
	if a.Security != ImplicitTLS {
		scheme = "imap"
	}
	u := url.URL{Scheme: scheme, User: url.User(a.User), Host: a.hostPort()}
	return u.String()
}

func (a *Account) hostPort() string {
	def := 993
	if a.Security != ImplicitTLS {
		def = 143
	}
	if a.Port == def {
		if strings.Contains(a.Host, ":") {
			return "[" + a.Host + "]"
		}
		return a.Host
	}
	return a.Addr()
}

// FolderURL is the URL of a folder of the account.
func (a *Account) FolderURL(folder string) string {
	u := url.URL{Scheme: "imaps", User: url.User(a.User), Host: a.hostPort(), Path: "/" + folder}
	if a.Security != ImplicitTLS {
		u.Scheme = "imap"
	}
	return u.String()
}

// Ref identifies one message of a folder: by its UID, which is valid only
// as long as the folder's UIDVALIDITY is the same.
type Ref struct {
	Folder      string
	UIDValidity uint32
	UID         uint32
}

// Source is the message's URL in the form of RFC 5092
// ("imaps://user@host/INBOX;UIDVALIDITY=1700000000/;UID=42"), which
// ParseSource reads back.
func (a *Account) Source(r Ref) string {
	return a.FolderURL(r.Folder) + ";UIDVALIDITY=" + strconv.FormatUint(uint64(r.UIDValidity), 10) +
		"/;UID=" + strconv.FormatUint(uint64(r.UID), 10)
}

// ParseSource reads the Ref back from a message URL made by Source; ok is
// false for anything else (a file path, another URL).
func ParseSource(s string) (r Ref, ok bool) {
	if !IsURL(s) {
		return Ref{}, false
	}
	rest, uid, found := strings.Cut(s, "/;UID=")
	if !found {
		return Ref{}, false
	}
	folderURL, validity, found := strings.Cut(rest, ";UIDVALIDITY=")
	if !found {
		return Ref{}, false
	}
	u, err := url.Parse(folderURL)
	if err != nil {
		return Ref{}, false
	}
	v, err1 := strconv.ParseUint(validity, 10, 32)
	n, err2 := strconv.ParseUint(uid, 10, 32)
	if err1 != nil || err2 != nil || n == 0 {
		return Ref{}, false
	}
	return Ref{Folder: strings.TrimPrefix(u.Path, "/"), UIDValidity: uint32(v), UID: uint32(n)}, true
}

// RedactURL hides a password in a URL, for messages.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		return u.Redacted()
	}
	return s
}
