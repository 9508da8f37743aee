package ingest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// lookupNames are the fields autoReason looks up.
var lookupNames = append([]string{
	"X-Loop", "Return-Path", "Auto-Submitted", "Precedence", "List-Id", "List-Unsubscribe", "X-Precedence",
	"X-Auto-Response-Suppress", "X-MS-Exchange-Inbox-Rules-Loop", "X-MS-Exchange-Generated-Message-Source",
}, autoHeaders...)

// TestHeaderLookupSameAsEnmime checks headerValue and headerValues
// against enmime's GetHeader and GetHeaderValues for the names autoReason
// looks up, on every mail at hand and on fields written in odd cases.
func TestHeaderLookupSameAsEnmime(t *testing.T) {
	inputs := diffInputs(t)
	for _, c := range []string{
		"Subject: x\nx-loop: antwort\nX-LOOP: b\nreturn-path: <>\nAUTO-SUBMITTED: auto-replied\nx-ms-exchange-inbox-rules-loop: a@b\n\nz",
		"Subject: x\nX-Ms-Exchange-Generated-Message-Source: Transport Rule Agent\nx-fc-machinegenerated: true\nX-SFDC-AutoResponse: 1\n\nz",
		"Subject: x\nList-Id: =?utf-8?q?Liste_=C3=BC?= <l.x>\nPrecedence: bulk\nX-Precedence: list\nX-Auto-Response-Suppress: All\n\nz",
		"Subject: x\nX-Loop:\nList-Unsubscribe: \n\nz",
	} {
		inputs = append(inputs, []byte(c))
	}
	n := 0
	for _, raw := range inputs {
		env, err := readEnvelope(raw, true)
		if err != nil {
			continue
		}
		for _, name := range lookupNames {
			key := canonicalKey([]byte(name))
			if got, want := headerValue(env, key), env.GetHeader(name); got != want {
				t.Fatalf("headerValue(%.200q, %s) = %q, enmime %q", raw, key, got, want)
			}
			if got, want := headerValues(env, key), env.GetHeaderValues(name); !cmp.Equal(got, want, cmpopts.EquateEmpty()) {
				t.Fatalf("headerValues(%.200q, %s) = %q, enmime %q", raw, key, got, want)
			}
			if len(env.Root.Header[key]) > 0 {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no mail had any of the fields")
	}
}
