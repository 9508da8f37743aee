package ingest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jhillyerd/enmime/v2"
)

// simpleMailCases are mails that reach the edges of what readSimpleMail
// reads itself and of what it leaves to enmime.
var simpleMailCases = []string{
	"Subject: x\n\nHallo",
	"Subject: x\r\n\r\nHallo\r\nWelt\r\n",
	"subject:x\nFROM:a@b\nx-foo-BAR: y\n\nz",
	"Subject:   x  \t\nTo: a@b,\n  c@d  \n\t e@f\n\nz",
	"Subject: \n \n  \nX: y\n\nz",
	"Subject:\n folded\n\nz",
	"Subject: x\n \nTo: a@b\n\nz", // a line of one space continues the field
	"Subject: a\nSubject: b\nReceived: 1\nReceived: 2\n\nz",
	"Subject: x\nMessage-ID: <a@b>\nContent-ID: <c%41d@e>\n\nz",
	"Subject: x\nContent-ID: <%zz>\n\nz",
	"Subject: x\nX-{odd}~!#$%&'*+^_`|: v\n\nz",
	"Subject: x\nBad Name: v\n\nz",
	"Subject: x\nBad\tName: v\n\nz",
	"Subject: x\nÜber: v\n\nz",
	"Subject: x\n: v\n\nz",
	"Subject: x\nno colon here\n\nz",
	"Subject: x\n continuation first\n\nz",
	" Subject: x\n\nz",
	"Subject: x\ry\n\nz",
	"Subject: x\r\r\n\r\nz",
	"Subject: x\n\r\nz",
	"Subject: x\nTo: a@b",
	"Subject: x\n",
	"Subject: x\n\n",
	"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\n\nz",
	"Subject: Grüße\n\nz",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\n\nGrüße",
	"Subject: x\nContent-Type: text/plain; charset=UTF-8\n\nGrüße",
	"Subject: x\nContent-Type: text/plain; charset=utf8\n\nGrüße",
	"Subject: x\nContent-Type: text/plain; charset=\"utf-8\"; format=flowed\n\nGrüße",
	"Subject: x\nContent-Type: text/plain; charset=us-ascii\n\nplain",
	"Subject: x\nContent-Type: text/plain; charset=us-ascii\n\nGrüße",
	"Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n\nGr\xfc\xdfe",
	"Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n\nGruesse",
	"Subject: x\nContent-Type: text/plain; charset=latin1\n\nGruesse",
	"Subject: x\nContent-Type: text/plain; charset=windows-1252\n\nGr\x80sse",
	"Subject: x\nContent-Type: text/plain; charset=koi8-r\n\nplain",
	"Subject: x\nContent-Type: text/plain; charset=nonsense\n\nplain",
	"Subject: x\nContent-Type: text/plain; charset= utf-8\n\nplain",
	"Subject: x\nContent-Type: text/plain\n\nno charset, enmime guesses",
	"Subject: x\nContent-Type: text/plain; charset=utf-8; name=a.txt\n\nz",
	"Subject: x\nContent-Type: text/plain; charset=utf-8; file=a.txt\n\nz",
	"Subject: x\nContent-Type: text/plain; charset=utf-8; modification-date=\"Sun, 01 Mar 2026 08:00:00 +0000\"\n\nz",
	"Subject: x\nContent-Type: text/plain; charset=utf-8; boundary=b1\n\nz",
	"Subject: x\nContent-Type: text/plain; charset=utf-8; b@d=1\n\nz",
	"Subject: x\nContent-Type: text/plain; charset=utf-8;;\n\nz",
	"Subject: x\nContent-Type: TEXT/Plain; Charset=UTF-8\n\nz",
	"Subject: x\nContent-Type: text/plain;charset=utf-8\nContent-Type: text/html\n\nz",
	"Subject: x\nContent-Type:\n\nz",
	"Subject: x\nContent-Type: text\n\nz",
	"Subject: x\nContent-Type: /plain\n\nz",
	"Subject: x\nContent-Type: text/html; charset=utf-8\n\n<p>Hallo <b>Welt</b></p>",
	"Subject: x\nContent-Type: text/html\n\n<meta charset=\"iso-8859-1\"><p>Gr\xfc\xdfe</p>",
	"Subject: x\nContent-Type: application/pdf\n\n%PDF-1.4",
	"Subject: x\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAECAw==",
	"Subject: x\nContent-Type: image/png; name=a.png\n\nz",
	"Subject: x\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner text",
	"Subject: x\nContent-Type: multipart/mixed\n\nno boundary",
	"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nz\n--b--\n",
	"Subject: x\nContent-Disposition: inline\n\nz",
	"Subject: x\nContent-Disposition: attachment; filename=a.txt\n\nz",
	"Subject: x\nContent-Disposition:\n\nz",
	"Subject: x\nContent-Transfer-Encoding: 7bit\n\nz",
	"Subject: x\nContent-Transfer-Encoding: 8BIT\n\nGrüße",
	"Subject: x\nContent-Transfer-Encoding: binary\n\nz",
	"Subject: x\nContent-Transfer-Encoding: x-uuencode\n\nz",
	"Subject: x\nContent-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=C3=9Fe=\nWelt\n",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: Quoted-Printable\n\nGr=c3=bc=C3=9Fe=\r\n Welt \r\nx  \r\n",
	"Subject: x\nContent-Transfer-Encoding: quoted-printable\n\na = b\n==\n=\n=A\n=ZZ\n=4",
	"Subject: x\nContent-Transfer-Encoding: quoted-printable\n\n=A",
	"Subject: x\nContent-Transfer-Encoding: quoted-printable\n\nx=",
	"Subject: x\nContent-Transfer-Encoding: quoted-printable\n\nx=\r",
	"Subject: x\nContent-Transfer-Encoding: quoted-printable\n\nx=\ry\n",
	"Subject: x\nContent-Transfer-Encoding: quoted-printable\n\nGrüße\x01\x7f\ttab\n",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("a", 1030) + "=C3=BC" + strings.Repeat("ü", 600) + "\n",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("abc=3D", 1500) + "=",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("=", 5000),
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("ä=\n", 3000),
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3LDvMOfZQ==\n",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3LD\r\nvMOf\r\nZQ\r\n",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3LDvMOfZQ",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3LDvMOfZ",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3L-DvMOfZQ",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3L\xc4DvMOfZQ",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3=LDv=MOfZQ=",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3LDvMOfZR==",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
	"Subject: x\nContent-Type: text/plain; charset=us-ascii\nContent-Transfer-Encoding: base64\n\nR3LDvMOfZQ==",
	"Subject: x\nContent-Transfer-Encoding:  base64\n\nR3LDvMOfZQ==",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\n\nGrüße\x00NUL",
	"Subject: x\nContent-Type: text/plain; charset=utf-8\n\n\xff\xfe invalid UTF-8",
	"From: a <b@c>\nTo: d@e\nDate: Sun, 01 Mar 2026 08:00:00 +0000\nMessage-ID: <m@x>\nIn-Reply-To: <p@x>\nReferences: <o@x> <p@x>\nX-Loop: antwort\nAuto-Submitted: auto-replied\nPrecedence: bulk\n\nz",
	"Subject: x\n" + strings.Repeat("X-Long: "+strings.Repeat("v", 5000)+"\n", 2) + "\nz",
	"Subject: x\nX-Long: a\n" + strings.Repeat(" "+strings.Repeat("w", 100)+"\n", 100) + "\nz",
	// multipart
	mp("b1", "--b1\n"+textPartSample+"\n--b1\n"+htmlPartSample+"\n--b1--\n"),
	mp("b1", "--b1\r\n"+textPartSample+"\r\n--b1\r\n"+htmlPartSample+"\r\n--b1--\r\n"),
	mp("b1", "preamble\n\n--b1\n"+textPartSample+"\n\n--b1\n"+htmlPartSample+"\n\n\n--b1--\nepilogue\n--b1\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1--"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1-- trailing\n\nepilogue"),
	mp("b1", "--b1 \n"+textPartSample+"\n--b1\t\n"+htmlPartSample+"\n--b1--"),
	mp("b1", "--b1\n"+textPartSample+"\r\r\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\rx\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\r\n\r\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n\r\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1"),
	mp("b1", "--b1\n"+textPartSample+"\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1-\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1x\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\nsee --b1 here\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1 x--b1--\n"+htmlPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\v\n"+htmlPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\xa0\n"+htmlPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\x01\n"+htmlPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\x85\n"+htmlPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+"\r\r\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+"\r\r\n--b1\n"+plainPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+"\rx\n--b1\n"+plainPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+strings.Repeat(" lang", 1000)+" see --b1 here\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+strings.Repeat(" lang", 1000)+" see --b1 here\n"+plainPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+strings.Repeat(" lang", 1000)+"\n\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+"\rx\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+"\r\n\r\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+"\n\r\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+"\n\n--b1--\n"),
	mp("b1", "--b1\n"+plainPartSample+" \t\n--b1--\n"),
	mp("b1", "x--b1\n"+textPartSample+"\n--b1--\n"),
	mp("b1", "--b1--\n"+textPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n--b1\n"+textPartSample+"\n--b1--\n"),
	mp("b1", "--b1\n\n"+textPartSample+"\n--b1--\n"),
	mp("b1", "--b1\nContent-Type: text/plain; charset=utf-8\n\n--b1--\n"),
	mp("b1", "--b1\nContent-Type: text/plain; charset=utf-8\n--b1--\n"),
	mp("b1", "--b1\nContent-Type: text/plain; charset=utf-8\n\n\n--b1--\n"),
	mp("b1", "--b1\n\nno header\n--b1--\n"),
	mp("b1", "--b1\nX-Other: 1\n\nno content type\n--b1--\n"),
	mp("b1", "--b1\nContent-Type: text/plain\n\nno charset\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=a.txt\n\nz\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner text\n--b1--\n"),
	mp("b1", "--b1\nContent-Type: multipart/alternative; boundary=b2\n\n--b2\n"+textPartSample+"\n--b2--\n--b1--\n"),
	mp("b1", "--b1\nContent-Type: text/plain; charset=utf-8; boundary=b2\n\nz\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"\n--b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nR3LDvMOfZQ==\n--b1--\n"),
	mp("b1", "--b1\n"+strings.Replace(textPartSample, "Hallo", strings.Repeat("lang ", 2000), 1)+"\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"=\n--b1--\n"),
	mp("b1", "--b1\n"+textPartSample+"=A\n--b1--\n"),
	mp("b", "--b\n"+textPartSample+"\n--b\n"+htmlPartSample+"\n--b--\n"),
	mp("\"b1\"", "--b1\n"+textPartSample+"\n--b1--\n"),
	mp("\"b 1\"", "--b 1\n"+textPartSample+"\n--b 1--\n"),
	mp("\"\"", "--\n"+textPartSample+"\n----\n"),
	mp(strings.Repeat("b", 120), "--"+strings.Repeat("b", 120)+"\n"+textPartSample+"\n--"+strings.Repeat("b", 120)+"--\n"),
	"Subject: x\nContent-Type: multipart/mixed; boundary=b1\n\n--b1\n" + textPartSample + "\n--b1\n" + textPartSample + "\n--b1--\n",
	"Subject: x\nContent-Type: multipart/report; report-type=delivery-status; boundary=b1\n\n--b1\n" + textPartSample + "\n--b1\nContent-Type: message/delivery-status\n\nStatus: 5.0.0\n--b1--\n",
	"Subject: x\nContent-Type: multipart/alternative; boundary=b1\n\n--b1\n" + htmlPartSample + "\n--b1--\n",
	"Subject: x\nContent-Type: multipart/alternative; boundary=b1; name=x\n\n--b1\n" + textPartSample + "\n--b1--\n",
}

const (
	plainPartSample = "Content-Type: text/plain; charset=utf-8\n\nHallo"
	textPartSample  = "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nHallo Gr=C3=BC=C3=9Fe=\n Welt\n\n> zitiert"
	htmlPartSample  = "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n<p>Hallo Gr=C3=BC=C3=9Fe</p>"
)

// mp returns a multipart/alternative mail with boundary and body.
func mp(boundary, body string) string {
	return "From: a <b@c>\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=" + boundary + "\n\n" + body
}

// sameEnvelope compares the exported fields of two envelopes and of
// their parts, and the envelopes' headers.
var sameEnvelope = cmpopts.IgnoreUnexported(enmime.Envelope{}, enmime.Part{})

// diffSimpleMail fails t when readSimpleMail reads data into another
// envelope than enmime does, or when parsing raw with readSimpleMail gives
// another message or error than parsing it with enmime alone. It reports
// whether readSimpleMail read data.
func diffSimpleMail(t *testing.T, raw []byte, opts Options) bool {
	t.Helper()
	got, ok := readSimpleMail(raw)
	if ok {
		want, err := readEnvelope(raw, true)
		if err != nil {
			t.Fatalf("readSimpleMail(%.300q) read what enmime rejects: %v", raw, err)
		}
		if d := cmp.Diff(want, got, sameEnvelope); d != "" {
			t.Fatalf("readSimpleMail(%.300q) differs from enmime (-enmime +readSimpleMail):\n%s", raw, d)
		}
		for _, k := range want.GetHeaderKeys() {
			if w, g := want.GetHeaderValues(k), got.GetHeaderValues(k); !cmp.Equal(w, g) {
				t.Fatalf("readSimpleMail(%.300q): header %s = %q, enmime %q", raw, k, g, w)
			}
		}
	}
	want, wantErr := parseMessageDepth(raw, opts, 0, true)
	m, err := parseMessageDepth(raw, opts, 0, false)
	if errString(err) != errString(wantErr) || kindOf(err) != kindOf(wantErr) {
		t.Fatalf("parse %.300q: error %v, with enmime alone %v", raw, err, wantErr)
	}
	if d := cmp.Diff(want, m, exactTime); d != "" {
		t.Fatalf("parse %.300q (%+v): message differs from enmime alone (-enmime +readSimpleMail):\n%s", raw, opts, d)
	}
	return ok
}

func TestSimpleMailSameAsEnmime(t *testing.T) {
	read := 0
	for _, c := range simpleMailCases {
		for _, raw := range [][]byte{[]byte(c), []byte(strings.ReplaceAll(c, "\n", "\r\n"))} {
			for _, opts := range diffOptions {
				if diffSimpleMail(t, raw, opts) {
					read++
				}
			}
		}
	}
	inputs := diffInputs(t)
	for _, raw := range inputs {
		if diffSimpleMail(t, raw, Options{}) {
			read++
		}
	}
	t.Logf("%d of %d cases and inputs read by readSimpleMail", read, len(simpleMailCases)*2*len(diffOptions)+len(inputs))
	if read == 0 {
		t.Fatal("readSimpleMail read none of the cases")
	}
}

// TestSimpleMailReadsCommonMail checks that the common mails are not
// left to enmime: a plain or quoted-printable UTF-8 mail, a mail without
// Content-Type, a base64 text, HTML, multipart/alternative.
func TestSimpleMailReadsCommonMail(t *testing.T) {
	for _, c := range []string{
		"From: a <b@c>\nSubject: x\n\nHallo",
		"From: a <b@c>\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=C3=9Fe=\n Welt\n",
		"From: a <b@c>\nSubject: x\nContent-Type: text/plain; charset=\"UTF-8\"\nContent-Transfer-Encoding: base64\n\nR3LDvMOfZQ==\n",
		"From: a <b@c>\nSubject: x\nContent-Type: text/html; charset=utf-8\n\n<p>Hallo</p>",
		mp("b1", "--b1\n"+textPartSample+"\n--b1\n"+htmlPartSample+"\n--b1--\n"),
		mp("b1", "--b1\r\n"+textPartSample+"\r\n\r\n--b1\r\n"+htmlPartSample+"\r\n--b1--\r\n"),
	} {
		if _, ok := readSimpleMail([]byte(c)); !ok {
			t.Errorf("readSimpleMail(%q) left it to enmime", c)
		}
	}
}

// FuzzSimpleMailSameAsEnmime checks readSimpleMail against enmime, and
// the parse with it against the parse with enmime alone, on arbitrary
// bytes.
func FuzzSimpleMailSameAsEnmime(f *testing.F) {
	for _, c := range simpleMailCases {
		f.Add([]byte(c))
	}
	seedFiles(f, "../testdata/mail", "testdata/corpus")
	f.Fuzz(func(t *testing.T, data []byte) {
		diffSimpleMail(t, data, Options{})
		if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
			// The same body as quoted-printable and as base64 text.
			for _, cte := range []string{"quoted-printable", "base64"} {
				raw := append([]byte("Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "+cte+"\n"), data[i:]...)
				diffSimpleMail(t, raw, Options{})
			}
		}
	})
}

// diffCleanQP fails t when decodeCleanQP decodes body otherwise than
// enmime's cleaner and mime/quotedprintable do. It reports whether
// decodeCleanQP took body.
func diffCleanQP(t *testing.T, body []byte) bool {
	t.Helper()
	got, ok := decodeCleanQP(body)
	if !ok {
		return false
	}
	want, wantOK := enmimeQP(body)
	if !wantOK || !bytes.Equal(got, want) {
		t.Fatalf("decodeCleanQP(%.300q) = %q, enmime's decoding %q (ok %v)", body, got, want, wantOK)
	}
	return true
}

// enmimeQP returns what enmime decodes from body as the quoted-printable
// content of a part; ok is false when it reports a problem.
func enmimeQP(body []byte) ([]byte, bool) {
	raw := append([]byte("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"), body...)
	p, err := enmime.ReadParts(bytes.NewReader(raw))
	if err != nil || len(p.Errors) > 0 {
		return nil, false
	}
	return p.Content, true
}

func TestCleanQPSameAsEnmime(t *testing.T) {
	n := 0
	bodies := []string{
		"", "a", "a\n", "a\r\n", "a \t\r\n", "a=\nb", "a=\r\nb", "a =\n b \n", "=C3=BC=c3=bc\n", "a\rb\n", "\r\n\r\n",
		"a=\n", "a=\r\n", "x=41y", "x=4", "x=", "==41", "=\n=\n=\nx", "a=  \nb", "a\tb\t\n", "a\x7f", "a\x01", "ä",
		strings.Repeat("a", 1000) + "\nb", strings.Repeat("a", 1001), strings.Repeat("a", 999) + "=41\n", strings.Repeat("ab=3D", 2000),
	}
	for _, raw := range diffInputs(t) {
		bodies = append(bodies, string(raw))
		for _, blank := range []string{"\n\n", "\r\n\r\n"} {
			if _, b, ok := strings.Cut(string(raw), blank); ok {
				bodies = append(bodies, b)
			}
		}
	}
	for _, b := range bodies {
		if diffCleanQP(t, []byte(b)) {
			n++
		}
	}
	t.Logf("%d of %d bodies decoded by decodeCleanQP", n, len(bodies))
	if n == 0 {
		t.Fatal("decodeCleanQP took none of the bodies")
	}
}

// FuzzCleanQPSameAsEnmime checks decodeCleanQP against enmime's
// decoding on arbitrary bodies.
func FuzzCleanQPSameAsEnmime(f *testing.F) {
	for _, s := range []string{"a=\nb", "Gr=C3=BC=C3=9Fe=\r\n Welt \r\n", "x=41y\n\n", "a \t\r\nb=\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		diffCleanQP(t, body)
	})
}
