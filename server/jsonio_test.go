package server

import (
	"errors"
	"testing"
)

// FuzzDecodeJSON checks that any body decodes or gives a 400 whose
// position lies inside the body, and never panics.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"text": "a",}`, `{"text": 42}`, `{"text":"hallo","mesage":"x"}`, `{"text": "x"} tail`, ``, `[`, "{\n\"a\":\n", `{"clean": "yes"}`,
		`{"id":"x","subject":"s","text":"t","from":"f","channel":"chat","clean":true,"auto":""}`, `{"text":"\u00fc\ud83d"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req MessageRequest
		err := decodeJSON(body, &req)
		if err == nil {
			return
		}
		var ae *apiError
		if !errors.As(err, &ae) || ae.Status != 400 || ae.Message == "" {
			t.Fatalf("decodeJSON(%q) error = %v, want a 400 apiError", body, err)
		}
		if ae.Offset != nil && (*ae.Offset < 0 || *ae.Offset > int64(len(body)) || ae.Line < 1 || ae.Column < 1) {
			t.Fatalf("decodeJSON(%q) position line %d column %d offset %d outside the body", body, ae.Line, ae.Column, *ae.Offset)
		}
	})
}
