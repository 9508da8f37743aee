package ingest

import (
	"encoding/json"
	"strconv"
	"testing"
)

// checkPlainJSONString fails when plainJSONString takes raw and returns
// other than json.Unmarshal does.
func checkPlainJSONString(t *testing.T, raw string) {
	t.Helper()
	got, ok := plainJSONString(json.RawMessage(raw))
	if !ok {
		return
	}
	var want string
	if err := json.Unmarshal([]byte(raw), &want); err != nil {
		t.Fatalf("plainJSONString took %q, which json.Unmarshal refuses: %v", raw, err)
	}
	if got != want {
		t.Fatalf("plainJSONString(%q) = %q, json.Unmarshal gives %q", raw, got, want)
	}
}

func TestPlainJSONStringSameAsUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		fast bool // decoded without json.Unmarshal
	}{
		{`"Wo bleibt meine Bestellung 4711?"`, true},
		{`""`, true},
		{`"Grüße <b>&amp;</b> \u00fc"`, false},
		{`"a\"b"`, false},
		{`"a\\b"`, false},
		{"\"tab\there\"", false},
		{"\"\xff\"", false},
		{`"unterminated`, false},
		{`"`, false},
		{`"a"b"`, false},
		{`12`, false},
	} {
		_, ok := plainJSONString(json.RawMessage(tc.raw))
		if ok != tc.fast {
			t.Errorf("plainJSONString(%q): fast path %v, want %v", tc.raw, ok, tc.fast)
		}
		checkPlainJSONString(t, tc.raw)
	}
}

func FuzzPlainJSONStringSameAsUnmarshal(f *testing.F) {
	f.Add("Wo bleibt meine Bestellung?")
	f.Add("a\"b\\c\x00\xff\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		checkPlainJSONString(t, `"`+s+`"`)
		checkPlainJSONString(t, strconv.Quote(s))
		checkPlainJSONString(t, s)
	})
}
