package cli

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
)

// appendResult appends r as one JSON line, byte for byte what a
// json.Encoder without HTML escaping writes for it (classify_json_test.go
// compares both, and fails when a field is added to the result types
// without being added here). encoding/json spends most of its time on
// reflection for this small, fixed shape; classify writes one per text.
func appendResult(b []byte, r *antwort.Result) ([]byte, error) {
	b, err := appendResultFields(append(b, '{'), r, false)
	if err != nil {
		return b, err
	}
	return append(b, "}\n"...), nil
}

// appendResultFields appends r's fields, without the braces around them;
// html escapes <, > and & in strings (see appendJSONStringHTML).
func appendResultFields(b []byte, r *antwort.Result, html bool) ([]byte, error) {
	var err error
	b = append(b, `"id":`...)
	b = appendJSONStringHTML(b, r.ID, html)
	b = append(b, `,"lang":`...)
	b = appendJSONStringHTML(b, r.Lang, html)
	b = append(b, `,"intent":`...)
	if b, err = appendLabel(b, &r.Intent, html); err != nil {
		return b, err
	}
	b = append(b, `,"sentiment":`...)
	if b, err = appendLabel(b, &r.Sentiment, html); err != nil {
		return b, err
	}
	b = append(b, `,"explanation":{`...)
	sep := false
	for _, c := range []struct {
		name string
		list []classifier.Contribution
	}{{"intent", r.Explanation.Intent}, {"sentiment", r.Explanation.Sentiment}} {
		if len(c.list) == 0 {
			continue
		}
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = append(b, '"')
		b = append(b, c.name...)
		b = append(b, `":[`...)
		for i, x := range c.list {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"feature":`...)
			b = appendJSONStringHTML(b, x.Feature, html)
			b = append(b, `,"weight":`...)
			if b, err = appendJSONFloat(b, x.Weight); err != nil {
				return b, err
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendLabel appends l as a JSON object.
func appendLabel(b []byte, l *antwort.Label, html bool) ([]byte, error) {
	var err error
	b = append(b, `{"label":`...)
	b = appendJSONStringHTML(b, l.Label, html)
	b = append(b, `,"confidence":`...)
	if b, err = appendJSONFloat(b, l.Confidence); err != nil {
		return b, err
	}
	b = append(b, `,"abstain":`...)
	b = strconv.AppendBool(b, l.Abstain)
	if len(l.Alternatives) > 0 {
		b = append(b, `,"alternatives":[`...)
		for i, a := range l.Alternatives {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"label":`...)
			b = appendJSONStringHTML(b, a.Label, html)
			b = append(b, `,"confidence":`...)
			if b, err = appendJSONFloat(b, a.Confidence); err != nil {
				return b, err
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"model":`...)
	b = appendJSONStringHTML(b, l.Model, html)
	return append(b, '}'), nil
}

// appendJSONFloat appends f as encoding/json does: the shortest decimal
// that reads back as f, in exponent form below 1e-6 and from 1e21 on,
// with the exponent not padded. NaN and infinities are not JSON.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 -> e-7
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendJSONStringHTML appends s as a JSON string as encoding/json does:
// quotes, backslashes and control characters escaped, invalid UTF-8 as
// U+FFFD, U+2028 and U+2029 escaped, and <, > and & escaped when html is
// true (encoding/json's default; classify turns it off with
// json.Encoder.SetEscapeHTML(false), batch keeps it). Runs of bytes
// that need no escaping are copied whole, found 8 bytes at a time.
func appendJSONStringHTML(b []byte, s string, html bool) []byte {
	const hex = "0123456789abcdef"
	// Eight bytes x at a time: zero(v) = (v-ones) &^ v has the high bit
	// of a byte set when the byte is 0 (and perhaps of bytes above it:
	// as a yes or no it is exact), (x-' '*ones) &^ x when one is below
	// ' ', and x itself when one is beyond ASCII. With HTML escaping, x|4
	// is '&' for '"' and '&' only, and x|2 is '>' for '<' and '>' only.
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	safe := &jsonSafe
	or1, c1, or2, c2 := uint64(0), uint64('"'*ones), uint64(0), uint64('\\'*ones)
	if html {
		safe = &jsonSafeHTML
		or1, c1, or2, c2 = 4*ones, '&'*ones, 2*ones, '>'*ones
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) {
			x := load8(s, i)
			v1, v2, v3 := (x|or1)^c1, (x|or2)^c2, x^('\\'*ones)
			if (x|(x-' '*ones)&^x|(v1-ones)&^v1|(v2-ones)&^v2|(v3-ones)&^v3)&highs != 0 {
				break
			}
			i += 8
		}
		for i < len(s) && safe[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		// A valid two-byte sequence (most letters beyond ASCII) stays.
		if c >= 0xC2 && c < 0xE0 && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonSafe and jsonSafeHTML mark the bytes appendJSONStringHTML copies
// as they are: ASCII but control characters, '"' and '\\' (and '<', '>'
// and '&' for HTML).
var jsonSafe, jsonSafeHTML = func() (plain, html [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		plain[c] = c != '"' && c != '\\'
		html[c] = plain[c] && c != '<' && c != '>' && c != '&'
	}
	return plain, html
}()

// load8 returns s[i:i+8] as a little-endian number.
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
