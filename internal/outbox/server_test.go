package outbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// serverConfig selects the behaviour of a test SMTP server.
type serverConfig struct {
	users       map[string]string // AUTH users and passwords; nil: no AUTH
	loginOnly   bool              // offer only AUTH LOGIN instead of PLAIN
	startTLS    bool              // offer STARTTLS
	implicitTLS bool              // speak TLS from the start (smtps)
	rejectRcpt  bool              // answer RCPT with 550
	hangData    bool              // never answer the end of DATA
	listen      string            // listen address; default 127.0.0.1:0
}

// received is one message as the server got it.
type received struct {
	From string
	To   []string
	Data []byte
	TLS  bool
	User string
}

// testServer is an in-process go-smtp server that records what it gets.
type testServer struct {
	t    *testing.T
	host string
	port int
	cert *x509.Certificate

	mu   sync.Mutex
	msgs []received
}

// URL returns an SMTP URL for the server with the given user info
// (may be nil) and query ("starttls=none", or "").
func (s *testServer) URL(scheme string, user *[2]string, query string) string {
	u := scheme + "://"
	if user != nil {
		u += user[0] + ":" + user[1] + "@"
	}
	u += net.JoinHostPort(s.host, strconv.Itoa(s.port))
	if query != "" {
		u += "?" + query
	}
	return u
}

// TLSConfig returns a client config that trusts the server's certificate.
func (s *testServer) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(s.cert)
	return &tls.Config{RootCAs: pool}
}

// Messages returns a copy of what the server has received so far.
func (s *testServer) Messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.msgs...)
}

func startServer(t *testing.T, cfg serverConfig) *testServer {
	t.Helper()
	cert, tlsCert := selfSigned(t)
	ts := &testServer{t: t, cert: cert}
	release := make(chan struct{})

	be := smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{srv: ts, cfg: cfg, conn: c, release: release}, nil
	})
	srv := smtp.NewServer(be)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true // only the client decides what is safe
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if cfg.startTLS || cfg.implicitTLS {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{tlsCert}}
	}

	addr := cfg.listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	if cfg.implicitTLS {
		l = tls.NewListener(l, srv.TLSConfig)
	}
	tcp := l.Addr().(*net.TCPAddr)
	ts.host, ts.port = tcp.IP.String(), tcp.Port

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp server: %v", err)
		}
	}()
	t.Cleanup(func() {
		close(release)
		srv.Close()
		<-done
	})
	return ts
}

type session struct {
	srv     *testServer
	cfg     serverConfig
	conn    *smtp.Conn
	release chan struct{}

	user string
	from string
	to   []string
}

func (s *session) AuthMechanisms() []string {
	switch {
	case s.cfg.users == nil:
		return nil
	case s.cfg.loginOnly:
		return []string{"LOGIN"}
	default:
		return []string{sasl.Plain}
	}
}

var errBadCredentials = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}

func (s *session) check(user, pass string) error {
	if want, ok := s.cfg.users[user]; !ok || want != pass {
		return errBadCredentials
	}
	s.user = user
	return nil
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	switch {
	case mech == sasl.Plain && !s.cfg.loginOnly:
		return sasl.NewPlainServer(func(_, user, pass string) error { return s.check(user, pass) }), nil
	case mech == "LOGIN" && s.cfg.loginOnly:
		return &loginServer{check: s.check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.cfg.users != nil && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.cfg.rejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.cfg.hangData {
		<-s.release // until the test ends
		return errors.New("server shut down")
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, received{From: s.from, To: s.to, Data: b, TLS: isTLS, User: s.user})
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN, which go-sasl lacks.
type loginServer struct {
	step  int
	user  string
	check func(user, pass string) error
}

func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step = 1
		if len(resp) == 0 {
			return []byte("Username:"), false, nil
		}
		fallthrough
	case 1:
		l.user, l.step = string(resp), 2
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(resp))
	}
}

// selfSigned returns a certificate for 127.0.0.1, 127.0.0.2, ::1 and
// localhost.
func selfSigned(t *testing.T) (*x509.Certificate, tls.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "antwort test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("127.0.0.2"), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}
}

// silentListener accepts connections and never says anything, like a
// server that is stuck before its greeting.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return fmt.Sprintf("smtp://%s?starttls=none", l.Addr())
}

// lines splits s at CRLF; a bare LF stays inside a line.
func lines(s string) []string { return strings.Split(s, "\r\n") }
