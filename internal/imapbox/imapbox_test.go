package imapbox

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/ingest"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in      string
		want    *Account
		wantErr error
	}{
		{"imaps://service@mail.example.de/INBOX", &Account{Security: ImplicitTLS, Host: "mail.example.de", Port: 993, User: "service", Folder: "INBOX"}, nil},
		{"imaps://service@contoso.com@outlook.office365.com", &Account{Security: ImplicitTLS, Host: "outlook.office365.com", Port: 993, User: "service@contoso.com", Folder: "INBOX"}, nil},
		{"imap://a%40b.de@mail.example.de:1143/Archiv/K%C3%BCndigungen", &Account{Security: StartTLS, Host: "mail.example.de", Port: 1143, User: "a@b.de", Folder: "Archiv/Kündigungen"}, nil},
		{"imap://u@127.0.0.1:1430/?tls=none", &Account{Security: NoTLS, Host: "127.0.0.1", Port: 1430, User: "u", Folder: "INBOX"}, nil},
		{"imap://u@[::1]/INBOX?tls=none", &Account{Security: NoTLS, Host: "::1", Port: 143, User: "u", Folder: "INBOX"}, nil},
		{"imaps://u:secret@mail.example.de/INBOX", nil, ErrURL},
		{"imap://u@mail.example.de/INBOX?tls=none", nil, ErrInsecure},
		{"imaps://u@127.0.0.1/INBOX?tls=none", nil, ErrURL},
		{"imaps://mail.example.de/INBOX", nil, ErrURL},
		{"pop3://u@mail.example.de/INBOX", nil, ErrURL},
		{"imaps://u@mail.example.de/INBOX?starttls=1", nil, ErrURL},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.in)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("ParseURL(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("ParseURL(%q) error shows the password: %v", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseURL(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestSourceURLRoundTrip(t *testing.T) {
	a, err := ParseURL("imaps://service@contoso.com@outlook.office365.com/Archiv/Kündigungen")
	if err != nil {
		t.Fatal(err)
	}
	ref := Ref{Folder: "Archiv/Kündigungen", UIDValidity: 1700000000, UID: 42}
	s := a.Source(ref)
	got, ok := ParseSource(s)
	if !ok || got != ref {
		t.Errorf("ParseSource(%q) = %+v, %v; want %+v", s, got, ok, ref)
	}
	for _, bad := range []string{"/var/mail/new/1.eml", "imaps://u@h/INBOX", "imaps://u@h/INBOX;UIDVALIDITY=x/;UID=1"} {
		if _, ok := ParseSource(bad); ok {
			t.Errorf("ParseSource(%q) ok, want not", bad)
		}
	}
}

// TestSourceReadsByUIDAndSkipsDone: a folder is read in UID order, in
// batches, without the mails that carry the done keyword; the mails are
// not marked \Seen by reading.
func TestSourceReadsByUIDAndSkipsDone(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	var want []uint32
	for i := 1; i <= 250; i++ {
		var flags []imap.Flag
		if i%10 == 0 {
			flags = append(flags, "$antwort-done")
		}
		uid := ts.put(t, "INBOX", testMail(i, "Bestellung"), flags...)
		if len(flags) == 0 {
			want = append(want, uid)
		}
	}
	mb := ts.open(t, "INBOX", Options{})
	src := mb.Source("INBOX", SourceOptions{Skip: []string{"$antwort-done"}, Batch: 64})
	defer src.Close()
	got, problems := drain(t, src)
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UIDs read (-want +got):\n%s", diff)
	}
	for _, m := range ts.mails(t, "INBOX") {
		if slices.Contains(m.flags, `\Seen`) {
			t.Fatalf("UID %d is \\Seen after reading; reading must not change flags", m.uid)
		}
	}
}

func TestWrongPassword(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	_, err := Open(context.Background(), ts.account(t, "INBOX"), Options{Password: "falsch"})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("Open with a wrong password: %v, want ErrAuth", err)
	}
	if strings.Contains(err.Error(), "falsch") {
		t.Errorf("the error shows the password: %v", err)
	}
	if _, err := Open(context.Background(), ts.account(t, "INBOX"), Options{}); !errors.Is(err, ErrAuth) {
		t.Errorf("Open without a password: %v, want ErrAuth", err)
	}
}

// TestMissingFolderNamesFolders: the error lists the folders there are,
// non-ASCII names (modified UTF-7 on the wire) readable.
func TestMissingFolderNamesFolders(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	_, err := Open(context.Background(), ts.account(t, "Eingang"), Options{Password: testPassword})
	if !errors.Is(err, ErrNoFolder) {
		t.Fatalf("Open(Eingang): %v, want ErrNoFolder", err)
	}
	for _, name := range []string{`"Eingang"`, "Archiv/Kündigungen", "INBOX", "Drafts"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

// TestModifiedUTF7Folders: folders with umlauts are created, found and
// read under their UTF-8 names.
func TestModifiedUTF7Folders(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	ts.put(t, "Archiv/Kündigungen", testMail(1, "Kündigung zum 31.3."))
	mb := ts.open(t, "Archiv/Kündigungen", Options{})
	src := mb.Source("Archiv/Kündigungen", SourceOptions{})
	defer src.Close()
	got, _ := drain(t, src)
	if len(got) != 1 {
		t.Fatalf("read %d mails from Archiv/Kündigungen, want 1", len(got))
	}
	if err := mb.Ensure(context.Background(), "antwort/Korrektur/Rückerstattung"); err != nil {
		t.Fatal(err)
	}
	l, err := mb.Folders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(l, func(f Folder) bool { return f.Name == "antwort/Korrektur/Rückerstattung" }) {
		t.Errorf("created folder not listed: %v", l)
	}
}

// TestWatchSeesNewMailWithIDLE: in watch mode a mail appended by someone
// else is read at once (IDLE), and Stop ends the Source.
func TestWatchSeesNewMailWithIDLE(t *testing.T) {
	testWatch(t, serverConfig{})
}

// TestWatchWithoutIDLE: a server without IDLE is polled.
func TestWatchWithoutIDLE(t *testing.T) {
	testWatch(t, serverConfig{noIdle: true})
}

func testWatch(t *testing.T, cfg serverConfig) {
	ts := newTestServer(t, cfg)
	ts.put(t, "INBOX", testMail(1, "erste"))
	var notes []string
	mb := ts.open(t, "INBOX", Options{Notify: func(s string) { notes = append(notes, s) }})
	stop := make(chan struct{})
	src := mb.Source("INBOX", SourceOptions{Watch: true, Stop: stop, Poll: 100 * time.Millisecond})
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := src.NextRaw(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= 4; i++ {
		go func() {
			time.Sleep(50 * time.Millisecond)
			ts.put(t, "INBOX", testMail(i, "neu"))
		}()
		start := time.Now()
		it, err := src.NextRaw(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("mail %d read after %s", i, d)
		}
		if got := uidOf(t, it.Source); got != uint32(i) {
			t.Errorf("read UID %d, want %d", got, i)
		}
	}
	close(stop)
	if _, err := src.NextRaw(ctx); !errors.Is(err, io.EOF) {
		t.Errorf("after Stop: %v, want io.EOF", err)
	}
	polled := slices.ContainsFunc(notes, func(s string) bool { return strings.Contains(s, "no IDLE") })
	if polled != cfg.noIdle {
		t.Errorf("notices %q: polling reported = %v, want %v", notes, polled, cfg.noIdle)
	}
}

// TestSourceSurvivesServerRestart: the connection is cut twice while a
// folder is read; every mail is read exactly once.
func TestSourceSurvivesServerRestart(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	for i := 1; i <= 300; i++ {
		ts.put(t, "INBOX", testMail(i, "Rechnung"))
	}
	var notes []string
	mb := ts.open(t, "INBOX", Options{Notify: func(s string) { notes = append(notes, s) }})
	src := mb.Source("INBOX", SourceOptions{Batch: 50})
	defer src.Close()
	ctx := context.Background()
	var got []uint32
	for {
		it, err := src.NextRaw(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, uidOf(t, it.Source))
		if len(got) == 70 || len(got) == 220 {
			ts.proxy.restart(300 * time.Millisecond)
		}
	}
	if diff := cmp.Diff(seq(1, 300), got); diff != "" {
		t.Errorf("UIDs read across restarts (-want +got):\n%s", diff)
	}
	if st := src.Stats(); st.Reconnects != 2 {
		t.Errorf("Stats().Reconnects = %d, want 2; notices: %q", st.Reconnects, notes)
	}
	// The writing connection comes back too.
	ts.proxy.restart(200 * time.Millisecond)
	ch, err := mb.Mark(ctx, []Ref{{Folder: "INBOX", UIDValidity: validity(t, mb), UID: 5}}, "$antwort-done")
	if err != nil || ch.Done != 1 {
		t.Fatalf("Mark after a restart: %+v, %v", ch, err)
	}
	if !slices.Contains(ts.flags(t, "INBOX", 5), "$antwort-done") {
		t.Errorf("UID 5 not marked")
	}
}

func validity(t *testing.T, mb *Mailbox) uint32 {
	t.Helper()
	d, err := mb.UIDValidity(context.Background(), "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestBadMailsAreReportedAndSkipped: a mail the server cannot fetch and a
// mail over the size limit are reported with their URL; the others are
// read.
func TestBadMailsAreReportedAndSkipped(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	for i := 1; i <= 10; i++ {
		raw := testMail(i, "Frage")
		if i == 7 {
			raw = append(raw, strings.Repeat("x", 4000)...)
		}
		ts.put(t, "INBOX", raw)
	}
	ts.badUID.Store(4)
	mb := ts.open(t, "INBOX", Options{})
	src := mb.Source("INBOX", SourceOptions{Parse: ingest.Options{MaxBytes: 2000}})
	defer src.Close()
	got, problems := drain(t, src)
	if diff := cmp.Diff([]uint32{1, 2, 3, 5, 6, 8, 9, 10}, got); diff != "" {
		t.Errorf("UIDs read (-want +got):\n%s", diff)
	}
	if len(problems) != 2 {
		t.Fatalf("problems = %v, want 2", problems)
	}
	if !errors.Is(problems[0], ErrUnfetchable) || !strings.Contains(problems[0].Error(), ";UID=4") || !strings.Contains(problems[0].Error(), "SERVERBUG") {
		t.Errorf("problem 1 = %v, want UID 4 unfetchable with the server's words", problems[0])
	}
	if !errors.Is(problems[1], ingest.ErrTooLarge) || !strings.Contains(problems[1].Error(), ";UID=7") {
		t.Errorf("problem 2 = %v, want UID 7 too large", problems[1])
	}
}

// TestMailThatBreaksTheConnection: a mail whose fetch breaks the
// connection every time is reported after a few attempts; the mails
// around it are read.
func TestMailThatBreaksTheConnection(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	for i := 1; i <= 12; i++ {
		ts.put(t, "INBOX", testMail(i, "Frage"))
	}
	ts.killUID.Store(6)
	mb := ts.open(t, "INBOX", Options{})
	src := mb.Source("INBOX", SourceOptions{Batch: 5})
	defer src.Close()
	got, problems := drain(t, src)
	if diff := cmp.Diff([]uint32{1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12}, got); diff != "" {
		t.Errorf("UIDs read (-want +got):\n%s", diff)
	}
	if len(problems) != 1 || !errors.Is(problems[0], ErrUnfetchable) || !strings.Contains(problems[0].Error(), ";UID=6") {
		t.Errorf("problems = %v, want UID 6 unfetchable", problems)
	}
}

// TestMailDeletedWhileReading: a mail found by the search and deleted
// before its batch is fetched is reported, not an error.
func TestMailDeletedWhileReading(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	for i := 1; i <= 9; i++ {
		ts.put(t, "INBOX", testMail(i, "Frage"))
	}
	var notes []string
	mb := ts.open(t, "INBOX", Options{Notify: func(s string) { notes = append(notes, s) }})
	src := mb.Source("INBOX", SourceOptions{Batch: 3})
	defer src.Close()
	ctx := context.Background()
	if _, err := src.NextRaw(ctx); err != nil { // fetches UIDs 1-3, and 4-6 in the background
		t.Fatal(err)
	}
	// Another client moves UID 8 away.
	other := ts.open(t, "INBOX", Options{})
	if _, err := other.Move(ctx, []Ref{{Folder: "INBOX", UIDValidity: validity(t, other), UID: 8}}, "Archiv"); err != nil {
		t.Fatal(err)
	}
	got := []uint32{1}
	for {
		it, err := src.NextRaw(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, uidOf(t, it.Source))
	}
	if diff := cmp.Diff([]uint32{1, 2, 3, 4, 5, 6, 7, 9}, got); diff != "" {
		t.Errorf("UIDs read (-want +got):\n%s", diff)
	}
	if src.Stats().Gone != 1 || !slices.ContainsFunc(notes, func(s string) bool { return strings.Contains(s, "UID 8") }) {
		t.Errorf("Gone = %d, notices %q; want UID 8 reported", src.Stats().Gone, notes)
	}
}

// TestAppendOnce: a message is appended once, by its Message-ID, also
// when the connection broke before.
func TestAppendOnce(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	mb := ts.open(t, "INBOX", Options{})
	ctx := context.Background()
	draft := testMail(100, "AW: Bestellung")
	for i, want := range []bool{true, false} {
		added, err := mb.Append(ctx, "Drafts", draft, `\Draft`)
		if err != nil || added != want {
			t.Fatalf("Append #%d = %v, %v; want %v", i+1, added, err, want)
		}
		ts.proxy.restart(100 * time.Millisecond)
	}
	// Another process of antwort (a new Mailbox) finds it too.
	time.Sleep(150 * time.Millisecond) // the server is back
	mb2 := ts.open(t, "INBOX", Options{})
	if added, err := mb2.Append(ctx, "Drafts", draft, `\Draft`); err != nil || added {
		t.Fatalf("Append from a new Mailbox = %v, %v; want false", added, err)
	}
	ms := ts.mails(t, "Drafts")
	if len(ms) != 1 || !slices.Contains(ms[0].flags, `\Draft`) {
		t.Fatalf("Drafts holds %+v, want one \\Draft", ms)
	}
	if _, err := mb.Append(ctx, "Drafts", []byte("Subject: x\r\n\r\nno id\r\n")); err == nil {
		t.Errorf("Append without a Message-ID succeeded")
	}
}

// TestMarkMoveAndUIDValidity: marks and moves reach the right mails; after
// the folder was renumbered (new UIDVALIDITY), old refs are left alone and
// a Source reads the folder anew.
func TestMarkMoveAndUIDValidity(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	for i := 1; i <= 4; i++ {
		ts.put(t, "INBOX", testMail(i, "Frage"))
	}
	var notes []string
	mb := ts.open(t, "INBOX", Options{Notify: func(s string) { notes = append(notes, s) }})
	ctx := context.Background()
	v := validity(t, mb)
	if ch, err := mb.Mark(ctx, []Ref{{"INBOX", v, 1}, {"INBOX", v, 2}}, "$antwort-done", "antwort-suggest"); err != nil || ch.Done != 2 {
		t.Fatalf("Mark = %+v, %v", ch, err)
	}
	if ch, err := mb.Move(ctx, []Ref{{"INBOX", v, 3}}, "antwort/escalate"); err != nil || ch.Done != 1 {
		t.Fatalf("Move = %+v, %v", ch, err)
	}
	if got := ts.flags(t, "INBOX", 1); !slices.Contains(got, "$antwort-done") || !slices.Contains(got, "antwort-suggest") {
		t.Errorf("UID 1 flags %v", got)
	}
	if n := len(ts.mails(t, "antwort/escalate")); n != 1 {
		t.Errorf("antwort/escalate holds %d mails, want 1", n)
	}
	src := mb.Source("INBOX", SourceOptions{Skip: []string{"$antwort-done"}})
	defer src.Close()
	if got, _ := drain(t, src); !slices.Equal(got, []uint32{4}) {
		t.Errorf("read %v, want [4]", got)
	}

	// The folder is rebuilt: same mails, new UIDVALIDITY, keywords lost.
	old := ts.mails(t, "INBOX")
	if err := ts.user.Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := ts.user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range old {
		ts.put(t, "INBOX", m.raw)
	}
	// The Mailbox's connection still has the old folder selected.
	if ch, err := mb.Mark(ctx, []Ref{{"INBOX", v, 2}}, "$antwort-done"); err != nil || ch.Stale != 1 || ch.Done != 0 {
		t.Errorf("Mark with an old UIDVALIDITY = %+v, %v; want 1 stale", ch, err)
	}
	v2, err := mb.UIDValidity(ctx, "INBOX")
	if err != nil || v2 == v {
		t.Fatalf("UIDVALIDITY after the rebuild: %d, %v", v2, err)
	}
	if ch, err := mb.Mark(ctx, []Ref{{"INBOX", v2, 1}}, "$antwort-done"); err != nil || ch.Done != 1 {
		t.Errorf("Mark with the new UIDVALIDITY on a connection that selected the old folder = %+v, %v; want it done", ch, err)
	}
	src2 := mb.Source("INBOX", SourceOptions{Skip: []string{"$antwort-done"}})
	defer src2.Close()
	if got, _ := drain(t, src2); len(got) != 2 {
		t.Errorf("read %v after the renumbering, want the 2 mails not marked again", got)
	}
	if !slices.ContainsFunc(notes, func(s string) bool { return strings.Contains(s, "UIDVALIDITY") }) {
		t.Errorf("no notice of the new UIDVALIDITY: %q", notes)
	}
}

// TestXOAUTH2 logs in with a bearer token; a refused token is an auth
// error carrying the server's explanation.
func TestXOAUTH2(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	calls := 0
	tok := func(s string) func() (string, error) {
		return func() (string, error) { calls++; return s + "\n", nil }
	}
	mb, err := Open(context.Background(), ts.account(t, "INBOX"), Options{Token: tok(testToken)})
	if err != nil {
		t.Fatalf("XOAUTH2 login: %v", err)
	}
	mb.Close()
	_, err = Open(context.Background(), ts.account(t, "INBOX"), Options{Token: tok("expired")})
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), `"status":"401"`) {
		t.Errorf("XOAUTH2 with a bad token: %v, want ErrAuth with the server's JSON", err)
	}
	if calls != 2 {
		t.Errorf("token read %d times, want once per login", calls)
	}
}

// TestTLSCertificateMustVerify: an unverifiable certificate is refused
// with a clear error; trusting its authority, or skipping verification,
// works. A server without STARTTLS is refused for imap://.
func TestTLSCertificateMustVerify(t *testing.T) {
	for _, mode := range []string{"implicit", "starttls"} {
		t.Run(mode, func(t *testing.T) {
			ts := newTestServer(t, serverConfig{tls: mode})
			scheme := "imaps"
			if mode == "starttls" {
				scheme = "imap"
			}
			a, err := ParseURL(scheme + "://u@" + ts.proxy.addr() + "/INBOX")
			if err != nil {
				t.Fatal(err)
			}
			a.User = testUser
			ctx := context.Background()
			_, err = Open(ctx, a, Options{Password: testPassword})
			if !errors.Is(err, ErrTLS) || !strings.Contains(err.Error(), "--insecure-skip-verify") {
				t.Errorf("untrusted certificate: %v, want ErrTLS with advice", err)
			}
			for _, o := range []Options{{Password: testPassword, RootCAs: ts.certPool}, {Password: testPassword, InsecureSkipVerify: true}} {
				mb, err := Open(ctx, a, o)
				if err != nil {
					t.Errorf("Open(%+v): %v", o, err)
					continue
				}
				mb.Close()
			}
		})
	}
	plain := newTestServer(t, serverConfig{})
	a, _ := ParseURL("imap://u@" + plain.proxy.addr() + "/INBOX")
	if _, err := Open(context.Background(), a, Options{Password: testPassword}); !errors.Is(err, ErrInsecure) {
		t.Errorf("imap:// to a server without STARTTLS: %v, want ErrInsecure", err)
	}
}

// TestReadLabeled reads a folder tree as labelled examples.
func TestReadLabeled(t *testing.T) {
	ts := newTestServer(t, serverConfig{})
	ts.put(t, "Archiv/Kündigungen", testMail(1, "Kündigung"))
	ts.put(t, "Archiv/Kündigungen", testMail(2, "Vertrag kündigen"))
	ts.put(t, "Archiv/Rechnung", testMail(3, "Rechnung falsch"))
	ts.put(t, "Archiv", testMail(4, "ohne Ordner"))
	mb := ts.open(t, "Archiv", Options{})
	ls, probs, err := mb.ReadLabeled(context.Background(), "Archiv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range ls {
		got = append(got, l.Label+": "+strings.SplitN(l.Text, "\n", 2)[0])
	}
	want := []string{"Kündigungen: Kündigung", "Kündigungen: Vertrag kündigen", "Rechnung: Rechnung falsch"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("examples (-want +got):\n%s", diff)
	}
	if len(probs) != 1 || !errors.Is(probs[0], ingest.ErrNoLabel) {
		t.Errorf("problems = %v, want one ErrNoLabel for the mail in Archiv itself", probs)
	}
}
