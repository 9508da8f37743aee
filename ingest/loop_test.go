package ingest

import (
	"context"
	"strings"
	"testing"
)

func TestAutoReason(t *testing.T) {
	const base = "From: Kunde <kunde@example.de>\r\nTo: service@nordlicht.example\r\nMessage-ID: <m1@mail.example.de>\r\n"
	mail := func(headers, subject string) string {
		return base + headers + "Subject: " + subject + "\r\n\r\nHallo, wo bleibt mein Paket?\r\n"
	}
	tests := []struct {
		name string
		raw  string
		opts Options
		want string
	}{
		{"customer mail", mail("", "Wo bleibt mein Paket?"), Options{}, ""},
		{"Auto-Submitted: no", mail("Auto-Submitted: no\r\n", "Frage"), Options{}, ""},
		{"Auto-Submitted: auto-replied", mail("Auto-Submitted: auto-replied\r\n", "Frage"), Options{}, "Auto-Submitted: auto-replied"},
		{"Auto-Submitted: auto-generated", mail("Auto-Submitted: auto-generated\r\n", "Frage"), Options{}, "Auto-Submitted: auto-generated"},
		{"X-Autoreply", mail("X-Autoreply: yes\r\n", "Re: Frage"), Options{}, "X-Autoreply: yes"},
		{"X-Autorespond", mail("X-Autorespond: Re: Frage\r\n", "Frage"), Options{}, "X-Autorespond: Re: Frage"},
		{"X-Autoreply: no", mail("X-Autoreply: no\r\n", "Frage"), Options{}, ""},
		{"Precedence bulk", mail("Precedence: bulk\r\n", "Angebot"), Options{}, "Precedence: bulk"},
		{"Precedence list", mail("Precedence: list\r\n", "x"), Options{}, "Precedence: list"},
		{"Precedence junk", mail("Precedence: JUNK\r\n", "x"), Options{}, "Precedence: junk"},
		{"Precedence first-class", mail("Precedence: first-class\r\n", "x"), Options{}, ""},
		{"List-Id", mail("List-Id: Kunden-Forum <forum.example.de>\r\n", "x"), Options{}, "List-Id: Kunden-Forum <forum.example.de>"},
		{"List-Unsubscribe", mail("List-Unsubscribe: <mailto:u@x.example>\r\n", "x"), Options{}, "List-Unsubscribe (newsletter or mailing list)"},
		{"empty Return-Path", mail("Return-Path: <>\r\n", "x"), Options{}, "Return-Path: <> (bounce)"},
		{"normal Return-Path", mail("Return-Path: <kunde@example.de>\r\n", "x"), Options{}, ""},
		{"MAILER-DAEMON", strings.Replace(mail("", "Fehler"), "Kunde <kunde@example.de>", "MAILER-DAEMON@mx.example.de", 1), Options{}, "From: MAILER-DAEMON@mx.example.de (bounce)"},
		{"X-Loop ours", mail("X-Loop: antwort\r\n", "AW: Frage"), Options{}, "X-Loop: antwort (our own reply)"},
		{"X-Loop ours, other LoopID", mail("X-Loop: nordlicht-bot\r\n", "AW: Frage"), Options{LoopID: "nordlicht-bot"}, "X-Loop: nordlicht-bot (our own reply)"},
		{"X-Loop of someone else", mail("X-Loop: ticket-system@other.example\r\n", "Frage"), Options{}, ""},
		{"X-Loop, second value ours", mail("X-Loop: list@x.example\r\nX-Loop: antwort\r\n", "Frage"), Options{}, "X-Loop: antwort (our own reply)"},
		{"own Message-ID domain", strings.Replace(mail("", "AW: Frage"), "m1@mail.example.de", "r1@nordlicht.example", 1),
			Options{OwnDomains: []string{"nordlicht.example"}}, "Message-ID domain nordlicht.example (our own message)"},
		{"own Message-ID subdomain", strings.Replace(mail("", "AW: Frage"), "m1@mail.example.de", "r1@mx2.nordlicht.example", 1),
			Options{OwnDomains: []string{"@Nordlicht.Example"}}, "Message-ID domain mx2.nordlicht.example (our own message)"},
		{"customer domain, own set", mail("", "Frage"), Options{OwnDomains: []string{"nordlicht.example"}}, ""},
		{"lookalike domain", strings.Replace(mail("", "Frage"), "m1@mail.example.de", "r1@evilnordlicht.example", 1),
			Options{OwnDomains: []string{"nordlicht.example"}}, ""},
		{"subject Abwesenheitsnotiz", mail("", "Abwesenheitsnotiz: Ihre Bestellung"), Options{}, "subject: Abwesenheitsnotiz"},
		{"subject Automatische Antwort", mail("", "Automatische Antwort: Rechnung"), Options{}, "subject: Automatische Antwort"},
		{"subject Automatic reply", mail("", "Automatic reply: Invoice"), Options{}, "subject: Automatic reply"},
		{"subject Out of Office", mail("", "Out of Office: Invoice"), Options{}, "subject: Out of Office"},
		{"subject [Auto-Reply]", mail("", "[Auto-Reply] Invoice"), Options{}, "subject: Auto-Reply"},
		{"subject Undeliverable", mail("", "Undeliverable: Your order"), Options{}, "subject: Undeliverable"},
		{"subject Unzustellbar", mail("", "Unzustellbar: AW: Bestellung"), Options{}, "subject: Unzustellbar"},
		{"subject Mail delivery failed", mail("", "Mail delivery failed: returning message to sender"), Options{}, "subject: Mail delivery failed"},
		// A customer may use these words; only the machine forms count.
		{"customer: unzustellbar?", mail("", "Paket unzustellbar? Bitte um Hilfe"), Options{}, ""},
		{"customer: abwesend", mail("", "Abwesend bei Zustellung – Paket zurück?"), Options{}, ""},
		{"customer: Re: out of office", mail("", "Re: your out of office hours"), Options{}, ""},
		{"read receipt", base + "Subject: Gelesen: Frage\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=r\r\n\r\n--r\r\nContent-Type: text/plain\r\n\r\nIhre Nachricht wurde gelesen.\r\n--r--\r\n",
			Options{}, "multipart/report (read receipt)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(context.Background(), strings.NewReader(tt.raw), tt.opts)
			if err != nil {
				t.Fatalf("Parse error = %v", err)
			}
			if m.Auto != tt.want {
				t.Errorf("Auto = %q, want %q", m.Auto, tt.want)
			}
		})
	}
}

// TestVendorAutoReplyHeaders: the headers Exchange, Outlook, Zendesk and
// Salesforce write on automatic mail mark it as automatic; what only asks
// for no delivery reports, or a forward by one of our own mailboxes'
// rules, does not.
func TestVendorAutoReplyHeaders(t *testing.T) {
	const base = "From: Kunde <kunde@example.de>\r\nTo: service@nordlicht.example\r\nMessage-ID: <m1@mail.example.de>\r\nSubject: Frage\r\n"
	own := Options{OwnDomains: []string{"nordlicht.example"}}
	tests := []struct {
		name    string
		headers string
		opts    Options
		want    string // prefix of Message.Auto; "" for none
	}{
		{"Exchange suppress all", "X-Auto-Response-Suppress: All\r\n", Options{}, "X-Auto-Response-Suppress: All"},
		{"suppress OOF", "X-Auto-Response-Suppress: DR, OOF, AutoReply\r\n", Options{}, "X-Auto-Response-Suppress"},
		{"suppress reports only", "X-Auto-Response-Suppress: DR, NDR, RN, NRN\r\n", Options{}, ""},
		{"suppress none", "X-Auto-Response-Suppress: None\r\n", Options{}, ""},
		{"inbox rules loop", "X-MS-Exchange-Inbox-Rules-Loop: kunde@example.de\r\n", Options{}, "X-MS-Exchange-Inbox-Rules-Loop: kunde@example.de"},
		{"our own mailbox's rule forwarded it", "X-MS-Exchange-Inbox-Rules-Loop: service@nordlicht.example\r\n", own, ""},
		{"transport rule", "X-MS-Exchange-Generated-Message-Source: Transport Rule Agent\r\n", Options{}, "X-MS-Exchange-Generated-Message-Source"},
		{"mailbox rules agent alone", "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent\r\n", Options{}, ""},
		{"X-AutoResponse", "X-AutoResponse: yes\r\n", Options{}, "X-Autoresponse: yes"},
		{"X-Precedence", "X-Precedence: auto_reply\r\n", Options{}, "X-Precedence: auto_reply"},
		{"Salesforce", "X-SFDC-AutoResponse: 1\r\n", Options{}, "X-SFDC-AutoResponse"},
		{"Zendesk notification", "Auto-Submitted: auto-generated\r\nX-Auto-Response-Suppress: All\r\nX-Mailer: Zendesk Mailer\r\nX-Zendesk-From-Account-Id: 68b8aed\r\n", Options{}, "Auto-Submitted: auto-generated"},
		{"Zendesk account id alone", "X-Zendesk-From-Account-Id: 68b8aed\r\n", Options{}, ""},
	}
	for _, tt := range tests {
		m, err := Parse(context.Background(), strings.NewReader(base+tt.headers+"\r\nHallo, wo bleibt mein Paket?\r\n"), tt.opts)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if tt.want == "" && m.Auto != "" || !strings.HasPrefix(m.Auto, tt.want) {
			t.Errorf("%s: Auto = %q, want %q", tt.name, m.Auto, tt.want)
		}
	}
}
