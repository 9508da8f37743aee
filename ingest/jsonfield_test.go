package ingest

import (
	"encoding/json"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
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

// checkFlatJSONObject fails when flatJSONObject takes line and reads it
// otherwise than json.Unmarshal does.
func checkFlatJSONObject(t *testing.T, line string) bool {
	t.Helper()
	if !utf8.ValidString(line) {
		return false // the reader refuses such lines before
	}
	got, ok := flatJSONObject([]byte(line))
	if !ok {
		return false
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &want); err != nil {
		t.Fatalf("flatJSONObject took %q, which json.Unmarshal refuses: %v", line, err)
	}
	if diff := cmp.Diff(want, map[string]json.RawMessage(got)); diff != "" {
		t.Fatalf("flatJSONObject(%q) differs from json.Unmarshal (-json +ours):\n%s", line, diff)
	}
	return true
}

func TestFlatJSONObjectSameAsUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		line string
		fast bool
	}{
		{`{"id": "1", "text": "Wo bleibt meine Bestellung?"}`, true},
		{`{"id":"1","text":"x","id":"2"}`, true}, // the last one wins, as in json.Unmarshal
		{"{ \t\"a\" :\r\n \"b\" }", true},
		{`{}`, true},
		{` { } `, true},
		{`{"text": "Grüße 😀"}`, true},
		{`{"id": 1, "text": "x"}`, false},
		{`{"text": "a\"b"}`, false},
		{`{"te\u0078t": "b"}`, false},
		{`{"text": {"a": "b"}}`, false},
		{`{"text": "x",}`, false},
		{`{"text": "x"} x`, false},
		{`{"text": "x"`, false},
		{`{"text" "x"}`, false},
		{`{"text": "x"}}`, false},
		{"{\"text\": \"x\"\v}", false},
		{`{"text": null}`, false},
		{`{,}`, false},
	} {
		if got := checkFlatJSONObject(t, tc.line); got != tc.fast {
			t.Errorf("flatJSONObject(%q): fast path %v, want %v", tc.line, got, tc.fast)
		}
	}
}

func FuzzFlatJSONObjectSameAsUnmarshal(f *testing.F) {
	f.Add(`{"id": "1", "text": "Wo bleibt meine Bestellung?"}`)
	f.Add(`{"a":"b","a":"c", "d" : "" }`)
	f.Add(`{"a":1}`)
	f.Fuzz(func(t *testing.T, line string) {
		checkFlatJSONObject(t, line)
	})
}
