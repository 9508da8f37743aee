package ingest

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

// diffLineHelpers fails t when the line tests of Clean, bodyClean or
// appendWords disagree with their old versions on s.
func diffLineHelpers(t *testing.T, s string) {
	t.Helper()
	if got, want := mayStartAttribution(s), oldMayStartAttribution(s); got != want {
		t.Errorf("mayStartAttribution(%q) = %v, old %v", s, got, want)
	}
	if got, want := isDisclaimer(s), oldIsDisclaimer(s); got != want {
		t.Errorf("isDisclaimer(%q) = %v, old %v", s, got, want)
	}
	if got, want := isMobileFooter(s), oldIsMobileFooter(s); got != want {
		t.Errorf("isMobileFooter(%q) = %v, old %v", s, got, want)
	}
	if got, want := bodyClean(s), oldBodyClean(s); got != want {
		t.Errorf("bodyClean(%q) = %q, old %q", s, got, want)
	}
	if got, want := isSeparator(s), oldIsSeparator(s); got != want {
		t.Errorf("isSeparator(%q) = %v, old %v", s, got, want)
	}
	if got, want := trimRightSpace(s), strings.TrimRightFunc(s, unicode.IsSpace); got != want {
		t.Errorf("trimRightSpace(%q) = %q, want %q", s, got, want)
	}
	if got, want := looksBinary([]byte(s)), oldLooksBinary([]byte(s)); got != want {
		t.Errorf("looksBinary(%q) = %v, old %v", s, got, want)
	}
	if got, want := headerText(s), oldHeaderText(s); got != want {
		t.Errorf("headerText(%q) = %q, old %q", s, got, want)
	}
	if got, want := parseDate(s), oldParseDate(s); !got.Equal(want) || got.Location().String() != want.Location().String() {
		t.Errorf("parseDate(%q) = %v, old %v", s, got, want)
	}
	if got, want := hasLowerPrefix(s, "multipart/"), strings.HasPrefix(strings.ToLower(s), "multipart/"); got != want {
		t.Errorf("hasLowerPrefix(%q, multipart/) = %v, want %v", s, got, want)
	}
	if got, want := onlyCRLFControls(s), oldOnlyCRLFControls(s); got != want {
		t.Errorf("onlyCRLFControls(%q) = %v, old %v", s, got, want)
	}
	if got, want := autoSubject(s), autoSubjectRE.FindString(s); got != want {
		t.Errorf("autoSubject(%q) = %q, autoSubjectRE finds %q", s, got, want)
	}
	if got, want := string(appendWords(nil, []byte(s))), strings.Join(strings.Fields(s), " "); got != want {
		t.Errorf("appendWords(%q) = %q, strings.Fields gives %q", s, got, want)
	}
	want := "x"
	if w := strings.Join(strings.Fields(s), " "); w != "" {
		want += " " + w
	}
	if got := string(appendWords([]byte("x"), []byte(s))); got != want {
		t.Errorf("appendWords(x, %q) = %q, want %q", s, got, want)
	}
}

// lineHelperSeeds are lines that take the fast paths and the slow ones:
// upper case outside ASCII that lower-cases to ASCII (U+0130, U+212A),
// CR without LF, C1 controls, a byte order mark, invalid UTF-8.
var lineHelperSeeds = []string{
	"", "a", "<", "Am 12.03.2026 um 10:15 schrieb Max <m@x>:", "On Thu, Mar 12, 2026 at 10:15 AM Max wrote:",
	"ZITAT VON kunde@example.com:", "Quoting Max:", "Max <m@x> SCHRIEB am Do.:", "Jean a écrit :", "Jean A ÉCRIT :",
	"Max hat geschrieben:", "Max <max@example.com", "AM 3.5.", "On", "Am", "onx", "qUOTING", "WRITES",
	"Max wrİtes:", "Max \u212Arote:", "QUOTİNG", "schrİeb", "\u212Aunde schrieb:", "Sehr geehrte Damen und Herren,",
	"Diese E-Mail ist vertraulich.", "DIESE E-MAIL ist vertraulich", "Gesendet von meinem iPhone", "Sent from my iPhone",
	"Geschäftsführer: Max", "İf you are not the intended recipient", "\u212Aompany registration",
	"line\r\nline\r\n", "line\rline", "a\r", "\r\n", "x\u0085y", "x\u009fy\r\n", "\ufeffHallo\r\n", "a\x00b", "a\x7fb",
	"a\xc2", "a\xef\xbb", "\xff\xfe\r\n", "Ã¤pfel\r\n", "tab\there\r\n", " \u00a0 a\u2003b \u3000c\v\fd ",
	"Automatische Antwort: Ihre Anfrage", "[Out of Office] back Monday", " (*UNDELIVERABLE: x", "I am out of the office",
	"Ich bin derzeit nicht im Büro", "İch bin nicht im Büro", "Nicht zustellbar: x", "Mail delivery failed", "RE: Rechnung",
	"Returned mail: see transcript", "Failure notice", "Zustellung fehlgeschlagen", "Benachrichtigung über den Zustellstatus",
	"-----Ursprüngliche Nachricht-----", "-------- Original Message --------", "Begin forwarded message:",
	"---------- Forwarded message ---------", "-----URSPRÜNGLICHE NACHRICHT-----", "Message transféré", "NACHR", "x \u00a0",
	"Sun, 01 Mar 2026 08:00:00 +0000", " Sun,  01 Mar 2026 08:00:00 +0100 (CET) ", "1 Mar 2026 08:00 -0100",
	"Re: Ihre Bestellung  12345", "Rückfrage", "x\x7f", "a \tb", "=?utf-8?q?R=C3=BCckfrage?=",
	"multipart/mixed; boundary=X", "MULTIPART/Alternative", "multİpart/mixed", "Multipart", "multipart\u212A",
	"Delivery Status Notification (Failure)", "Abwesenheitsnotiz", "auto-reply", "autoresponse", "i", "[", "\u212Aaputt",
	"Bitte denken Sie an die Umwelt", "Bitte \u00fcberlegen Sie, ob Sie diese E-Mail wirklich ausdrucken", "Bitte pruefen Sie, ob Sie diese E-Mail ausdrucken",
	"BITTE PRÜFEN SIE, OB SIE DIESE EMAIL AUSDRUCKEN", "Bitte rufen Sie an", "Bitte", "Bitte ", "Bitte,", "Diese E-Mail ist vertraulich", "Diese Mail ist rechtlich geschützt",
	"Diese Nachricht ist ausschließlich für Sie", "Diese\tE-Mail ist vertraulich", "Diese Woche", "Der Inhalt dieser E-Mail ist vertraulich", "Der Vertrag",
	"Wenn Sie nicht der richtige Adressat sind", "Wenn \u017fie nicht der richtige Adressat sind", "Falls Sie nicht der vorgesehene Empfänger sind",
	"Sollten Sie nicht der beabsichtigte Empfaenger sein", "Wenn es geht", "This e-mail is confidential", "This message is privileged and intended only for",
	"This communication is confidential", "This is it", "The information contained in this message", "The end", "If you are not the intended recipient",
	"If you have received this in error", "If possible", "Please consider the environment before printing", "Please call", "Company registration",
	"Company X", "Confidentiality notice", "Confidentiality \u017ftatement", "Confidentiality Statement", "Legal notice", "Legal", "Registered office",
	"Registered in England", "Sitz der Gesellschaft: Berlin", "Rechtlicher Hinweis", "DİESE E-Mail ist vertraulich", "\u212Aompany registration",
	" Max Mustermann <m@x> ", "\t Max\t", "Max  M", " ", "\t", "Max \r", "a\x7fb", "Max\u00a0M", "Sun, 01 Mar 2026 08:00:00 +0000\r",
	"Zu\u017ftellung fehlgeschlagen", "ZU\u017fT", "out\x00of office", "OUT OF OFFICE", "I AM OUT OF THE OFFICE", "ICH BIN NICHT IM BUERO",
	"UnZuStellbar: x", "auto", " [ auto reply", "Beschwerde", "Re: Automatische Antwort",
	"0123456789abcdef\r\n0123456\u0085789abcdef", "0123456789abcdef\u00c2\u00a0xyz0123456789", "01234567\r89abcdef",
	"0123456789abcdef\ufeff0123456789abcdef", "0123456789abcde\x7f", "ääääääää\r\nüüüüüüüü\r\n\t01234567\r\n",
}

func TestLineHelpersSameAsOld(t *testing.T) {
	for _, s := range lineHelperSeeds {
		diffLineHelpers(t, s)
	}
	// Every line of the reply corpus and of the mails in testdata.
	for _, dir := range []string{cleanCorpus, "../testdata/mail"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				continue // a folder
			}
			diffLineHelpers(t, string(b))
			sc := bufio.NewScanner(bytes.NewReader(b))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				diffLineHelpers(t, strings.TrimSpace(sc.Text()))
			}
		}
	}
}

func FuzzLineHelpersSameAsOld(f *testing.F) {
	for _, s := range lineHelperSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		diffLineHelpers(t, s)
	})
}

// TestLooksBinaryEveryByte puts two of each byte value at every place of
// a 19-byte text (two control bytes make it binary, one does not), so
// that looksBinary's eight-byte steps meet each at every offset.
func TestLooksBinaryEveryByte(t *testing.T) {
	for c := range 256 {
		for p := range 19 {
			b := bytes.Repeat([]byte("a"), 19)
			b[p], b[(p+7)%19] = byte(c), byte(c)
			if got, want := looksBinary(b), oldLooksBinary(b); got != want {
				t.Errorf("looksBinary(%q) = %v, old %v", b, got, want)
			}
			b[(p+7)%19] = 'a'
			if got, want := looksBinary(b), oldLooksBinary(b); got != want {
				t.Errorf("looksBinary(%q) = %v, old %v", b, got, want)
			}
		}
	}
}

// TestMailHashBigBodySameAsOld checks MailHash on bodies around the size
// up to which it copies the body before hashing it.
func TestMailHashBigBodySameAsOld(t *testing.T) {
	for _, n := range []int{hashCopyMax/13 - 1, hashCopyMax / 13, hashCopyMax/13 + 1, 2 * hashCopyMax / 13} {
		raw := []byte("From: a@b\r\nSubject: x\r\n\r\n" + strings.Repeat("Zeile eins\r\n", n) + "\r\n \r\n")
		if got, want := MailHash(raw), oldMailHash(raw); got != want {
			t.Errorf("MailHash of a %d-byte mail = %s, old %s", len(raw), got, want)
		}
	}
}

// TestCanonicalKeySpelledSameAsSlow checks that canonicalKey's table of
// common spellings gives what canonicalKeySlow makes of every name, and
// that the common spellings are found in it.
func TestCanonicalKeySpelledSameAsSlow(t *testing.T) {
	var names []string
	for _, k := range commonKeyList {
		names = append(names, k, strings.ToLower(k), strings.ToUpper(k), strings.ReplaceAll(k, "-Id", "-ID"), k+"x", "X"+k)
	}
	names = append(names, "MIME-Version", "Message-ID", "X-Custom-Header", "a", "", "ab", "x-spam-status")
	for _, n := range names {
		if got, want := canonicalKey([]byte(n)), canonicalKeySlow([]byte(n)); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", n, got, want)
		}
	}
	for _, n := range []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"} {
		if spelledKeys[spelledSlot([]byte(n))].spelled != n {
			t.Errorf("%q is not in spelledKeys", n)
		}
	}
}

func FuzzCanonicalKeySpelledSameAsSlow(f *testing.F) {
	for _, k := range commonKeyList {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, n string) {
		if got, want := canonicalKey([]byte(n)), canonicalKeySlow([]byte(n)); got != want {
			t.Errorf("canonicalKey(%q) = %q, want %q", n, got, want)
		}
	})
}

// oldCleanQPBody is the byte check decodeCleanQP made one byte at a time
// before it looked at eight at once: whether it takes body.
func oldCleanQPBody(body []byte) bool {
	run := 0
	for i, c := range body {
		switch {
		case c == '\r' || c == '\n':
			run = 0
			continue
		case c == '=':
			if i+2 >= len(body) {
				return false
			}
			a, b := body[i+1], body[i+2]
			if !(a == '\n' || a == '\r' && b == '\n' || isHex(a) && isHex(b)) {
				return false
			}
		case c == '\t':
		case c < ' ' || c > '~':
			return false
		}
		if run++; run > 1000 {
			return false
		}
	}
	return true
}

func diffCleanQPBody(t *testing.T, body []byte) {
	t.Helper()
	if _, got := decodeCleanQP(body); got != oldCleanQPBody(body) {
		t.Errorf("decodeCleanQP(%.100q…) takes it: %v, old check %v", body, got, !got)
	}
}

// TestCleanQPCheckSameAsOld runs the check at every offset of lines
// around the 1000-byte limit and of every byte value.
func TestCleanQPCheckSameAsOld(t *testing.T) {
	for pre := range 9 {
		for n := 990; n <= 1010; n++ {
			line := strings.Repeat("a", n)
			for _, body := range []string{line, line + "\n", "=41" + line, line[:n/2] + "=\r\n" + line[n/2:], line[:n/2] + "\t" + line[n/2:] + "=3D"} {
				diffCleanQPBody(t, []byte(strings.Repeat("x", pre)+"\n"+body))
			}
		}
		for c := range 256 {
			b := []byte(strings.Repeat("x", pre) + "abcdefghijklmnop=41\r\n")
			b[pre+3] = byte(c)
			diffCleanQPBody(t, b)
		}
	}
}

func FuzzCleanQPCheckSameAsOld(f *testing.F) {
	f.Add([]byte("Gr=C3=BC=C3=9Fe=\r\n Welt \r\n"))
	f.Add([]byte(strings.Repeat("a", 1001)))
	f.Fuzz(func(t *testing.T, body []byte) {
		diffCleanQPBody(t, body)
	})
}

// oldOnlyCRLFControls is onlyCRLFControls one byte at a time.
func oldOnlyCRLFControls(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !controlLead[c] {
			continue
		}
		switch {
		case c == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				return false
			}
			i++
		case c == 0xC2: // U+0080 to U+009F are C2 80 to C2 9F
			if i+1 < len(s) && 0x80 <= s[i+1] && s[i+1] <= 0x9F {
				return false
			}
		case c == 0xEF: // U+FEFF is EF BB BF
			if i+2 < len(s) && s[i+1] == 0xBB && s[i+2] == 0xBF {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// diffCommonDate fails t when parseCommonDateFast reads s otherwise than
// time.Parse with commonDateLayout: the same instant, location and zone.
// (Run the tests with TZ=Europe/Berlin for a time.Local with several
// offsets.)
func diffCommonDate(t *testing.T, s string) {
	t.Helper()
	got, ok := parseCommonDateFast(s)
	if !ok {
		return
	}
	want, err := time.Parse(commonDateLayout, s)
	gn, goff := got.Zone()
	wn, woff := want.Zone()
	// A fixed zone of whole hours from -12 to +14 is shared, one of
	// other offsets made anew by either: the same when it has the same
	// name and offset.
	shared := woff%3600 == 0 && -12*3600 <= woff && woff <= 14*3600
	if err != nil || !got.Equal(want) || got.Location().String() != want.Location().String() || gn != wn || goff != woff ||
		shared && got != want {
		t.Fatalf("parseCommonDateFast(%q) = %v (%v), time.Parse %v, %v", s, got, got.Location(), want, err)
	}
}

var commonDateSeeds = []string{
	"Sun, 01 Mar 2026 08:00:00 +0000", "Sun, 1 Mar 2026 08:00:00 +0000", "Mon, 31 Dec 2029 23:59:59 -1130",
	"Tue, 29 Feb 2028 12:00:00 +0100", "Tue, 29 Feb 2027 12:00:00 +0100", "Wed, 31 Apr 2026 12:00:00 +0200",
	"Thu, 00 Mar 2026 08:00:00 +0000", "Fri, 0 Mar 2026 08:00:00 +0000", "Sat, 15 Jul 2026 24:00:00 +0000",
	"Sun, 15 Jul 2026 08:60:00 +0000", "Sun, 15 Jul 2026 08:00:60 +0000", "Sun, 15 Jul 2026 08:00:00 +2400",
	"Sun, 15 Jul 2026 08:00:00 +0060", "sun, 15 jul 2026 08:00:00 +0000", "Sun, 15 JUL 2026 08:00:00 +0000",
	"Xyz, 15 Jul 2026 08:00:00 +0000", "Sun, 15 Aug 2026 8:00:00 +0000", "Sun, 15 Oct 2026 02:30:00 +0100",
	"Sun, 29 Mar 2026 02:30:00 +0100", "Sun, 29 Mar 2026 03:30:00 +0200", "Sun, 25 Oct 2026 02:30:00 +0200",
	"Sun, 25 Oct 2026 02:30:00 +0100", "Sun, 15 Jul 2026 08:00:00 -0000", "Sun, 15 Jul 0000 08:00:00 +0000",
	"Sun, 15 Jul 9999 08:00:00 +0000", "Sun, 15 Jul 2026 08:00:00 +00000", "Sun,15 Jul 2026 08:00:00 +0000",
	"Sun, 15 Jul 2026 08:00:00 UTC+0", "Sun, 15 Jul 2026 08:00:00 +0 00", "Sun, 1a Jul 2026 08:00:00 +0000",
	"Sun, 15 Nov 1969 08:00:00 +0000", "Sun, 15 Apc 2026 08:00:00 +0000", "Sun, 15 anF 2026 08:00:00 +0000",
}

func TestCommonDateSameAsTimeParse(t *testing.T) {
	for _, s := range []string{"Sun, 01 Mar 2026 08:00:00 +0000", "Sun, 1 Mar 2026 08:00:00 -0130"} {
		if _, ok := parseCommonDateFast(s); !ok {
			t.Errorf("parseCommonDateFast(%q) leaves it to time.Parse", s)
		}
	}
	for _, s := range commonDateSeeds {
		diffCommonDate(t, s)
	}
	n := 0
	for _, raw := range diffInputs(t) {
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, "Date:"); ok {
				diffCommonDate(t, strings.TrimSpace(v))
				n++
			}
		}
	}
	t.Logf("%d Date values", n)
}

// FuzzCommonDateSameAsTimeParse checks parseCommonDateFast against
// time.Parse on arbitrary values.
func FuzzCommonDateSameAsTimeParse(f *testing.F) {
	for _, s := range commonDateSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		diffCommonDate(t, s)
	})
}
