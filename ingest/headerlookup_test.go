package ingest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

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
		for name := range lookupKeys {
			if got, want := headerValue(env, name), env.GetHeader(name); got != want {
				t.Fatalf("headerValue(%.200q, %s) = %q, enmime %q", raw, name, got, want)
			}
			if got, want := headerValues(env, name), env.GetHeaderValues(name); !cmp.Equal(got, want, cmpopts.EquateEmpty()) {
				t.Fatalf("headerValues(%.200q, %s) = %q, enmime %q", raw, name, got, want)
			}
			if hasHeader(env, name) {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no mail had any of the fields")
	}
}
