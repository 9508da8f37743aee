// Command bigmail writes large customer mails for the memory benchmark
// (bench/bigmail.sh): each a question on top of megabytes of text, as a
// plain text body (quoted-printable or 8bit), as HTML, or as a text part
// beside an HTML part.
//
//	go run ./bench/bigmail -out DIR -n 4 -mb 20
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

var words = strings.Fields(`Bestellung Lieferung Paket Rechnung Kundennummer Vertrag Kündigung Rücksendung
Gutschein Passwort Konto Adresse Zahlung Lastschrift Mahnung leider bitte schnell noch immer nicht angekommen
order parcel invoice refund delivery account password address payment reminder please still not arrived
Sehr geehrte Damen und Herren die Ware war beschädigt und der Karton völlig durchnässt ich bitte um Ersatz`)

func main() {
	out := flag.String("out", "", "folder to write the mails into (created)")
	n := flag.Int("n", 4, "number of mails")
	mb := flag.Int("mb", 20, "size of each body in MB")
	flag.Parse()
	if *out == "" {
		log.Fatal("bigmail: -out is required")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	kinds := []string{"text8bit", "textqp", "html", "alternative"}
	for i := range *n {
		kind := kinds[i%len(kinds)]
		if err := write(filepath.Join(*out, fmt.Sprintf("big%02d_%s.eml", i, kind)), i, kind, *mb<<20); err != nil {
			log.Fatal(err)
		}
	}
}

// filler writes size bytes of lines of random words to w, each line
// wrapped in pre and post.
func filler(w *bufio.Writer, r *rand.Rand, size int, pre, post string) {
	for written := 0; written < size; {
		var b strings.Builder
		b.WriteString(pre)
		for b.Len() < 70 {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString(post)
		b.WriteString("\r\n")
		n, _ := w.WriteString(b.String())
		written += n
	}
}

func write(path string, i int, kind string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(uint64(i), 7))
	fmt.Fprintf(w, "From: Kunde %d <kunde%d@kunde.example>\r\nTo: service@nordlicht.example\r\nSubject: Wo bleibt meine Bestellung 4711-%04d?\r\n", i, i, i)
	fmt.Fprintf(w, "Message-ID: <big%d@kunde.example>\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n", i)
	question := "Guten Tag, meine Bestellung 4711-2231 ist noch nicht angekommen. Wo bleibt mein Paket? Unten das Protokoll."
	switch kind {
	case "text8bit":
		fmt.Fprintf(w, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n\r\n", question)
		filler(w, r, size, "", "")
	case "textqp":
		fmt.Fprintf(w, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n%s\r\n\r\n", question)
		filler(w, r, size, "", "=")
	case "html":
		fmt.Fprintf(w, "Content-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>%s</p>\r\n", question)
		filler(w, r, size, "<p>", "</p>")
		w.WriteString("</body></html>\r\n")
	case "alternative":
		fmt.Fprintf(w, "Content-Type: multipart/alternative; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\n", question)
		filler(w, r, size/2, "", "")
		fmt.Fprintf(w, "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>%s</p>\r\n", question)
		filler(w, r, size/2, "<div>", "</div>")
		w.WriteString("--b1--\r\n")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}
