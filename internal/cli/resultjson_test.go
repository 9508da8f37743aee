package cli

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
)

// encodeResult is what antwort classify wrote for r before
// appendResultJSON: a json.Encoder without HTML escaping.
func encodeResult(r *antwort.Result) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(r)
	return buf.Bytes(), err
}

// checkResultJSON fails t unless appendResultJSON writes exactly what
// encodeResult does for r (or fails with the same error, leaving the
// buffer as it was).
func checkResultJSON(t *testing.T, r *antwort.Result) {
	t.Helper()
	want, wantErr := encodeResult(r)
	const prefix = "prefix\n"
	got, err := appendResultJSON([]byte(prefix), r)
	if !bytes.HasPrefix(got, []byte(prefix)) {
		t.Fatalf("appendResultJSON overwrote what the buffer held: %q", got)
	}
	got = got[len(prefix):]
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("appendResultJSON error %v, json.Encoder error %v", err, wantErr)
	case err != nil:
		if err.Error() != wantErr.Error() {
			t.Fatalf("appendResultJSON error %q, json.Encoder error %q", err, wantErr)
		}
		if len(got) != 0 {
			t.Fatalf("appendResultJSON wrote %q before failing", got)
		}
	case !bytes.Equal(got, want):
		t.Fatalf("appendResultJSON differs from json.Encoder (-encoder +append):\n%s", cmp.Diff(string(want), string(got)))
	}
}

// TestResultJSONShape fails when a type in antwort.Result changed:
// appendResultJSON then leaves everything to encoding/json until
// recordWriter and resultShape are brought up to date.
func TestResultJSONShape(t *testing.T) {
	if diff := cmp.Diff(resultShape, typeShape(reflect.TypeFor[antwort.Result]())); diff != "" {
		t.Errorf("antwort.Result's types changed; update recordWriter and resultShape (-resultShape +now):\n%s", diff)
	}
	if !resultShapeOK {
		t.Error("resultShapeOK is false")
	}
}

func TestResultJSONValues(t *testing.T) {
	strs := []string{"", "plain", "<script>&amp;</script>", "\"quoted\" \\ back", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
		"\u2028\u2029", "\xff", "a\xc3", "\xe2\x80", "\xe2\x80\xa8x", "é😒\ufffd", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"a<b>c&d long enough to pass the word loop <<>>&&"}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.999999e-7, -1e-7, 1e-9, 1e-10, 1e20, 1e21, -1e21, 1e100,
		5e-324, math.MaxFloat64, -math.MaxFloat64, 123456789.125, 0.9998047365901506, 7.72420352824461e-06}
	for _, s := range strs {
		for _, f := range floats {
			r := &antwort.Result{ID: s, Lang: s}
			r.Intent = antwort.Label{Label: s, Confidence: f, Alternatives: []classifier.Scored{{Label: s, Confidence: f}}, Model: s}
			r.Sentiment.Abstain = true
			r.Explanation.Sentiment = []classifier.Contribution{{Feature: s, Weight: f}, {Feature: "x", Weight: -f}}
			checkResultJSON(t, r)
		}
	}
	empty := &antwort.Result{}
	empty.Intent.Alternatives, empty.Explanation.Intent = []classifier.Scored{}, []classifier.Contribution{}
	for _, r := range []*antwort.Result{nil, {}, empty} {
		checkResultJSON(t, r)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		r := &antwort.Result{Explanation: antwort.Explanation{Intent: []classifier.Contribution{{Weight: f}}}}
		checkResultJSON(t, r)
		if _, err := appendResultJSON(nil, r); err == nil {
			t.Errorf("no error for %v", f)
		}
	}
}

// TestJSONStringSafeWordNoHTML checks safeWordNoHTML on every byte value
// at every position among safe bytes of either end of the range.
func TestJSONStringSafeWordNoHTML(t *testing.T) {
	for _, fill := range []byte{' ', '!', 'a', '=', '?', '~', '<', '&', 0x7f} {
		for c := range 256 {
			for p := range 8 {
				w := bytes.Repeat([]byte{fill}, 8)
				w[p] = byte(c)
				want := c < utf8.RuneSelf && jsonSafeNoHTML[c]
				if got := safeWordNoHTML(binary.LittleEndian.Uint64(w)); got != want {
					t.Errorf("safeWordNoHTML(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
}

// FuzzResultJSON compares appendResultJSON with json.Encoder on results
// filled from the fuzz input.
func FuzzResultJSON(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x01\x01\x02\x06<\x08&\x0a\xff\x0b\xe2\x80\xa8\x01\x00\x01\x05\x09\x02\x02\x05\x03\x04"))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 0x8a, 0x0d, 0x45, 0xff, 0x2c, 9, 0x10}, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r antwort.Result
		(&recordFiller{data: data}).fill(t, reflect.ValueOf(&r).Elem())
		checkResultJSON(t, &r)
	})
}

// FuzzJSONStringNoHTML compares appendJSONStringHTML without HTML
// escaping with json.Encoder.
func FuzzJSONStringNoHTML(f *testing.F) {
	for _, s := range fuzzPieces {
		f.Add("x" + s + "y")
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		if got := appendJSONStringHTML(nil, s, false); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONStringHTML(%q, false) = %s, json.Encoder: %s", s, got, want)
		}
	})
}
