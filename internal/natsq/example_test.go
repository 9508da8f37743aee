package natsq_test

import (
	"fmt"

	"github.com/antwort-dev/antwort/internal/natsq"
)

func ExampleInboundSubject() {
	fmt.Println(natsq.InboundSubject("email"))
	fmt.Println(natsq.InboundSubject("Facebook Messenger"))
	fmt.Println(natsq.InboundSubject(""))
	// Output:
	// antwort.in.email
	// antwort.in.facebook_messenger
	// antwort.in.other
}

func ExampleMailID() {
	raw := []byte("From: Jana Berg <jana@kunde.example>\r\nMessage-ID: <4711@kunde.example>\r\nSubject: Paket\r\n\r\nWo bleibt mein Paket?\r\n")
	fmt.Println(natsq.MailID(raw))
	fmt.Println(natsq.MailID([]byte("Subject: ohne ID\r\n\r\nHallo\r\n"))[:7])
	// Output:
	// 4711@kunde.example
	// sha256:
}

func ExampleReplyKey() {
	// The claim key, outbox subject token and de-duplication id of the
	// reply to a message: the same for every worker.
	key := natsq.ReplyKey("4711@kunde.example")
	fmt.Println(len(key), key[:1], natsq.OutboxSubject(key) == "antwort.outbox."+key)
	// Output:
	// 33 r true
}
