package imapbox

import (
	"bufio"
	"bytes"
	"context"
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
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

const (
	testUser     = "service@nordlicht.example"
	testPassword = "geheim"
	testToken    = "ya29.test-token"
)

// testServer is an IMAP server in this process (go-imap's in-memory
// server), reached through a proxy that can cut every connection (a
// server restart) and hide IDLE (a server without it).
type testServer struct {
	user   *imapmemserver.User
	srv    *imapserver.Server
	proxy  *proxy
	badUID atomic.Uint32 // a UID whose body the server refuses to fetch
	// killUID is a UID whose fetch kills the connection, every time.
	killUID atomic.Uint32
	// certPool trusts the server's certificate (TLS servers).
	certPool *x509.CertPool
}

type serverConfig struct {
	noIdle bool
	tls    string // "", "implicit" or "starttls"
}

func newTestServer(t *testing.T, cfg serverConfig) *testServer {
	t.Helper()
	ts := &testServer{user: imapmemserver.NewUser(testUser, testPassword)}
	for _, name := range []string{"INBOX", "Drafts", "Sent", "Archiv", "Archiv/Kündigungen", "Archiv/Rechnung"} {
		if err := ts.user.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	opts := &imapserver.Options{
		NewSession: func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &testSession{ts: ts, conn: c}, nil, nil
		},
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}, imap.CapNamespace: {}},
		// The server logs every client that hangs up; keep test output clean.
		Logger:       log.New(io.Discard, "", 0),
		InsecureAuth: cfg.tls == "",
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.tls != "" {
		cert, pool := selfSigned(t)
		ts.certPool = pool
		tc := &tls.Config{Certificates: []tls.Certificate{cert}}
		if cfg.tls == "implicit" {
			ln = tls.NewListener(ln, tc)
		} else {
			opts.TLSConfig = tc
		}
	}
	ts.srv = imapserver.New(opts)
	go ts.srv.Serve(ln)
	ts.proxy = newProxy(t, ln.Addr().String(), cfg.noIdle)
	t.Cleanup(func() {
		ts.proxy.close()
		ts.srv.Close()
	})
	return ts
}

// account is the Account of folder on ts, as a user would write it.
func (ts *testServer) account(t *testing.T, folder string) *Account {
	t.Helper()
	a, err := ParseURL("imap://" + strings.ReplaceAll(testUser, "@", "%40") + "@" + ts.proxy.addr() + "/" + folder + "?tls=none")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// open opens ts's folder with the test password.
func (ts *testServer) open(t *testing.T, folder string, o Options) *Mailbox {
	t.Helper()
	if o.Password == "" && o.Token == nil {
		o.Password = testPassword
	}
	mb, err := Open(context.Background(), ts.account(t, folder), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mb.Close() })
	return mb
}

type literal struct {
	*bytes.Reader
	n int64
}

func (l literal) Size() int64 { return l.n }

// put stores a mail in folder as another mail client would and returns
// its UID.
func (ts *testServer) put(t *testing.T, folder string, raw []byte, flags ...imap.Flag) uint32 {
	t.Helper()
	d, err := ts.user.Append(folder, literal{bytes.NewReader(raw), int64(len(raw))}, &imap.AppendOptions{Flags: flags})
	if err != nil {
		t.Fatal(err)
	}
	return uint32(d.UID)
}

// flags returns the flags of the mail with uid in folder.
func (ts *testServer) flags(t *testing.T, folder string, uid uint32) []string {
	t.Helper()
	var out []string
	for _, m := range ts.mails(t, folder) {
		if m.uid == uid {
			return m.flags
		}
	}
	return out
}

type storedMail struct {
	uid   uint32
	flags []string
	raw   []byte
}

// mails lists folder's mails, as another mail client sees them.
func (ts *testServer) mails(t *testing.T, folder string) []storedMail {
	t.Helper()
	c, err := imapclient.DialInsecure(ts.proxy.addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(testUser, testPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	d, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if d.NumMessages == 0 {
		return nil
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var out []storedMail
	for _, m := range msgs {
		sm := storedMail{uid: uint32(m.UID)}
		for _, f := range m.Flags {
			sm.flags = append(sm.flags, string(f))
		}
		if len(m.BodySection) > 0 {
			sm.raw = m.BodySection[0].Bytes
		}
		out = append(out, sm)
	}
	return out
}

// testSession is the in-memory server's session plus XOAUTH2 and a mail
// whose body cannot be fetched.
type testSession struct {
	*imapmemserver.UserSession
	ts   *testServer
	conn *imapserver.Conn
}

func (s *testSession) Login(user, pass string) error {
	if err := s.ts.user.Login(user, pass); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.ts.user)
	return nil
}

func (s *testSession) AuthenticateMechanisms() []string { return []string{"PLAIN", "XOAUTH2"} }

func (s *testSession) Authenticate(mech string) (sasl.Server, error) {
	switch mech {
	case "PLAIN":
		return sasl.NewPlainServer(func(identity, user, pass string) error { return s.Login(user, pass) }), nil
	case "XOAUTH2":
		return &xoauth2Server{s: s}, nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "unsupported mechanism"}
}

func (s *testSession) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if kill := s.ts.killUID.Load(); kill != 0 && len(options.BodySection) > 0 {
		if set, ok := numSet.(imap.UIDSet); ok && set.Contains(imap.UID(kill)) {
			s.conn.NetConn().Close()
			return io.ErrUnexpectedEOF
		}
	}
	if bad := s.ts.badUID.Load(); bad != 0 && len(options.BodySection) > 0 {
		if set, ok := numSet.(imap.UIDSet); ok && set.Contains(imap.UID(bad)) {
			return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeServerBug, Text: "Internal error reading the mail file"}
		}
	}
	return s.UserSession.Fetch(w, numSet, options)
}

// xoauth2Server checks "user=U\x01auth=Bearer T\x01\x01"; on a wrong token
// it sends the JSON error challenge, as Google and Microsoft do.
type xoauth2Server struct {
	s    *testSession
	sent bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.sent {
		return nil, true, imapserver.ErrAuthFailed
	}
	parts := strings.Split(string(resp), "\x01")
	user := strings.TrimPrefix(parts[0], "user=")
	tok := ""
	if len(parts) > 1 {
		tok = strings.TrimPrefix(parts[1], "auth=Bearer ")
	}
	if user == testUser && tok == testToken {
		x.s.UserSession = imapmemserver.NewUserSession(x.s.ts.user)
		return nil, true, nil
	}
	x.sent = true
	return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
}

// proxy relays connections to the server; it can cut them all and hide
// the IDLE capability.
type proxy struct {
	t       *testing.T
	ln      net.Listener
	backend string
	noIdle  bool

	mu    sync.Mutex
	conns []net.Conn
	down  time.Time // refuse connections until then
}

func newProxy(t *testing.T, backend string, noIdle bool) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, ln: ln, backend: backend, noIdle: noIdle}
	go p.serve()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refuse := time.Now().Before(p.down)
		p.mu.Unlock()
		if refuse {
			c.Close()
			continue
		}
		b, err := net.Dial("tcp", p.backend)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, b)
		p.mu.Unlock()
		go func() { io.Copy(b, c); b.Close() }()
		go func() { p.relay(c, b); c.Close() }()
	}
}

// relay copies the server's lines to the client, without IDLE in a
// capability list when noIdle is set.
func (p *proxy) relay(c io.Writer, b io.Reader) {
	if !p.noIdle {
		io.Copy(c, b)
		return
	}
	br := bufio.NewReader(b)
	for {
		line, err := br.ReadString('\n')
		if strings.Contains(line, "CAPABILITY") {
			line = strings.ReplaceAll(line, " IDLE", "")
		}
		if _, werr := io.WriteString(c, line); werr != nil || err != nil {
			return
		}
	}
}

// restart cuts every connection and refuses new ones for d, as a server
// that restarts does.
func (p *proxy) restart(d time.Duration) {
	p.mu.Lock()
	p.down = time.Now().Add(d)
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func (p *proxy) close() {
	p.ln.Close()
	p.restart(0)
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "antwort test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// testMail is a small customer mail.
func testMail(i int, subject string) []byte {
	return []byte(fmt.Sprintf("From: Kunde %d <kunde%d@example.com>\r\nTo: service@nordlicht.example\r\n"+
		"Subject: %s\r\nMessage-ID: <m%d@example.com>\r\nDate: Mon, 02 Mar 2026 10:00:00 +0100\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nMail Nummer %d: %s\r\n", i, i, subject, i, i, subject))
}

// uidOf reads the UID from an item's URL.
func uidOf(t *testing.T, source string) uint32 {
	t.Helper()
	r, ok := ParseSource(source)
	if !ok {
		t.Fatalf("ParseSource(%q) failed", source)
	}
	return r.UID
}

// drain reads src to the end, returning the UIDs read and the problems.
func drain(t *testing.T, src *Source) ([]uint32, []error) {
	t.Helper()
	var uids []uint32
	var problems []error
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		it, err := src.NextRaw(ctx)
		if errors.Is(err, io.EOF) {
			return uids, problems
		}
		if err != nil {
			var p interface{ Where() string }
			if errors.As(err, &p) {
				problems = append(problems, err)
				continue
			}
			t.Fatalf("NextRaw: %v", err)
		}
		uids = append(uids, uidOf(t, it.Source))
	}
}

func seq(from, to uint32) []uint32 {
	var out []uint32
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}
