// Command genmail writes a Maildir of generated customer mails for
// measuring "antwort batch": German and English service requests built
// from the project's own sample inbox (testdata/demo/inbox.jsonl), each
// with its own sender, Message-ID and date, in a mix of plain,
// quoted-printable and multipart/alternative mails, some with a quoted
// earlier message and a signature, a few auto-replies.
//
//	go run ./bench/genmail -n 100000 -out /tmp/mail100k
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 100000, "number of mails")
	out := flag.String("out", "", "Maildir to create (must not exist)")
	inbox := flag.String("inbox", "testdata/demo/inbox.jsonl", "texts to build the mails from (JSONL with text, subject)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		log.Fatal("genmail: -out DIR is required")
	}
	if _, err := os.Stat(*out); err == nil {
		log.Fatalf("genmail: %s exists", *out)
	}
	texts, err := readTexts(*inbox)
	if err != nil {
		log.Fatal(err)
	}
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(*out, sub), 0o755); err != nil {
			log.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(*seed, 42))
	first := []string{"Anna", "Jonas", "Petra", "Mehmet", "Laura", "Thomas", "Sophie", "Lukas", "Emma", "James", "Olivia", "Noah"}
	last := []string{"Schmidt", "Müller", "Yılmaz", "Becker", "Wagner", "Hoffmann", "Smith", "Jones", "Kowalski", "Novak"}
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i := range *n {
		t := texts[rng.IntN(len(texts))]
		fn, ln := first[rng.IntN(len(first))], last[rng.IntN(len(last))]
		date := start.Add(time.Duration(i) * 7 * time.Second)
		var b strings.Builder
		fmt.Fprintf(&b, "Return-Path: <%s.%s%d@kunde.example>\r\n", strings.ToLower(fn), strings.ToLower(asciiName(ln)), i)
		fmt.Fprintf(&b, "From: %s %s <%s.%s%d@kunde.example>\r\n", fn, ln, strings.ToLower(fn), strings.ToLower(asciiName(ln)), i)
		b.WriteString("To: Kundenservice <service@nordlicht.example>\r\n")
		subject := t.subject
		if subject == "" {
			subject = "Anfrage"
		}
		fmt.Fprintf(&b, "Subject: =?utf-8?q?%s?=\r\n", qEncode(subject))
		fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
		fmt.Fprintf(&b, "Message-ID: <gen%d.%d@mail.kunde.example>\r\n", i, *seed)
		if rng.IntN(50) == 0 {
			b.WriteString("Auto-Submitted: auto-replied\r\n")
		}
		b.WriteString("MIME-Version: 1.0\r\n")
		body := t.text + "\n"
		switch rng.IntN(3) {
		case 0:
			body += "\nMit freundlichen Grüßen\n" + fn + " " + ln + "\n"
		case 1:
			body += "\nAm 28.02.2026 um 14:12 schrieb Kundenservice <service@nordlicht.example>:\n> Vielen Dank für Ihre Nachricht.\n> Wir melden uns in Kürze.\n"
		}
		if rng.IntN(4) == 0 {
			html := "<html><body><p>" + strings.ReplaceAll(htmlEscape(body), "\n", "<br>") + "</p></body></html>"
			b.WriteString("Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n")
			b.WriteString("--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
			b.WriteString(qp(body))
			b.WriteString("\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
			b.WriteString(qp(html))
			b.WriteString("\r\n--b1--\r\n")
		} else {
			b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
			b.WriteString(qp(body))
		}
		name := fmt.Sprintf("%d.M%dP%dQ%d.genmail", date.Unix(), i%1000000, os.Getpid(), i)
		if err := os.WriteFile(filepath.Join(*out, "new", name), []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "genmail: %d mails in %s\n", *n, *out)
}

type sample struct{ subject, text string }

func readTexts(path string) ([]sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r struct{ Subject, Text string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if r.Text != "" {
			out = append(out, sample{r.Subject, r.Text})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no texts", path)
	}
	return out, sc.Err()
}

func qp(s string) string {
	var b strings.Builder
	w := quotedprintable.NewWriter(&b)
	w.Write([]byte(strings.ReplaceAll(s, "\n", "\r\n")))
	w.Close()
	return b.String()
}

func qEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func asciiName(s string) string {
	return strings.NewReplacer("ü", "ue", "ö", "oe", "ä", "ae", "ı", "i").Replace(s)
}
