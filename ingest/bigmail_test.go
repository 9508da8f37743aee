package ingest

import (
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// bigBody returns n bytes of text lines.
func bigBody(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "Protokollzeile %d: Paket 4711-2231 im Verteilzentrum, Status unverändert, bitte prüfen.\r\n", i)
	}
	return b.String()
}

// TestBigMailMemoryBounded: parsing a 20 MB mail takes memory for the
// text it keeps (Options.MaxText), not a multiple of the mail: enmime is
// given at most partMax bytes of a part, the rest is only counted (as a
// stream). The whole text is counted in TextCut; attachment sizes stay
// exact.
func TestBigMailMemoryBounded(t *testing.T) {
	const size = 20 << 20
	body := bigBody(size)
	att := base64.StdEncoding.EncodeToString([]byte(body[:8<<20]))
	var wrapped strings.Builder
	for len(att) > 76 {
		wrapped.WriteString(att[:76] + "\r\n")
		att = att[76:]
	}
	wrapped.WriteString(att + "\r\n")
	mails := map[string]string{
		"text": "From: Kunde <k@kunde.example>\r\nSubject: Log\r\nMessage-ID: <big@kunde.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
			"Wo bleibt mein Paket?\r\n\r\n" + body,
		"qp": "From: Kunde <k@kunde.example>\r\nSubject: Log\r\nMessage-ID: <bigqp@kunde.example>\r\nContent-Type: text/plain; charset=utf-8\r\n" +
			"Content-Transfer-Encoding: quoted-printable\r\n\r\nWo bleibt mein Paket?\r\n\r\n" + strings.ReplaceAll(body, "ä", "=C3=A4"),
		"attachment": "From: Kunde <k@kunde.example>\r\nSubject: Log\r\nMessage-ID: <biga@kunde.example>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWo bleibt mein Paket?\r\n" +
			"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=log.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			wrapped.String() + "--b--\r\n",
	}
	for name, raw := range mails {
		data := []byte(raw)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		m, err := parseMessage(data, Options{})
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// Before the parts were cut, parsing took six to seven times the
		// mail; now it is what enmime takes for partMax, whatever the size.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(len(data)) {
			t.Errorf("%s: parsing %d MB allocated %d MB, want less than the mail", name, len(data)>>20, alloc>>20)
		}
		if !strings.HasPrefix(m.Text, "Wo bleibt mein Paket?") || len(m.Text) > defaultTextMax {
			t.Errorf("%s: text of %d bytes starting %.40q", name, len(m.Text), m.Text)
		}
		switch name {
		case "attachment":
			if len(m.Attachments) != 1 || m.Attachments[0].Size != 8<<20 {
				t.Errorf("attachments %+v, want one of %d bytes", m.Attachments, 8<<20)
			}
		default:
			if m.TextCut < size-defaultTextMax || !strings.Contains(strings.Join(m.Warnings, ";"), "text cut") {
				t.Errorf("%s: TextCut %d, warnings %q; want the rest of %d bytes counted", name, m.TextCut, m.Warnings, size)
			}
		}
	}
	// A small mail is not touched.
	small := []byte("From: k@kunde.example\r\nSubject: x\r\n\r\n" + bigBody(100<<10))
	if leaves, err := checkStructure(small, defaultHeaderMax, partMax(Options{})); err != nil || len(leaves) != 0 {
		t.Errorf("checkStructure of a 100 KB mail = %v, %v; want nothing to shrink", leaves, err)
	}
}
