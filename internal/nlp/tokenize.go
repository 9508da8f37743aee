package nlp

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Class tokens replace text that identifies a customer or a transaction
// rather than saying what the message is about. They keep the fact that
// "an order number was given" as a feature without the number itself.
const (
	TokNum   = "<num>"   // a short number or amount: 3, 2026, 49,99
	TokID    = "<id>"    // an order, customer or ticket number: 4711-2231, A-77412, 100045882
	TokDate  = "<date>"  // 03.03.2026, 3/3/26, 2026-03-03
	TokEmail = "<email>" // max@example.de
	TokURL   = "<url>"   // https://…, www.…
)

// Tokenize splits folded text (see Fold) into word tokens, masking numbers,
// IDs, dates, e-mail addresses and URLs to class tokens (TokNum, …).
// Runs of '!' and '?' become the tokens "!" / "!!" and "?" / "??", and
// each emoji, currency sign or other symbol becomes a token of its own; other punctuation
// is dropped. The returned strings share memory with s.
func Tokenize(s string) []string {
	return AppendTokens(nil, s)
}

// AppendTokens appends the tokens of s (see Tokenize) to dst and returns
// the extended slice. It allocates only when dst must grow.
func AppendTokens(dst []string, s string) []string {
	for {
		chunk, at, rest, ok := nextChunk(s)
		if !ok {
			return dst
		}
		dst = appendChunk(dst, chunk, at)
		s = rest
	}
}

// nextChunk returns the first whitespace-free chunk of s, whether it
// contains an '@', and the rest of s after it; ok is false when s has no
// chunk left. The tokens of s are those of its chunks (appendChunk), in
// turn.
func nextChunk(s string) (chunk string, at bool, rest string, ok bool) {
	for len(s) > 0 {
		// Skip spaces.
		if c := s[0]; c < utf8.RuneSelf {
			if ascii[c]&clSpace != 0 {
				s = s[1:]
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s); unicode.IsSpace(r) {
			s = s[size:]
			continue
		}
		end, at := chunkEnd(s)
		return s[:end], at, s[end:], true
	}
	return "", false, "", false
}

// Classes of ASCII bytes in ascii.
const (
	clSpace  = 1 << iota // unicode.IsSpace: '\t', '\n', '\v', '\f', '\r', ' '
	clWord               // a letter or digit (isWordRune)
	clDigit              // '0'–'9'
	clJoiner             // isJoiner
)

// ascii holds the classes of each ASCII byte.
var ascii = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		r := rune(c)
		if unicode.IsSpace(r) {
			t[c] |= clSpace
		}
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			t[c] |= clWord
		}
		if '0' <= r && r <= '9' {
			t[c] |= clDigit
		}
		if isJoiner(byte(c)) {
			t[c] |= clJoiner
		}
	}
	return t
}()

// chunkEnd returns the index of the first space (unicode.IsSpace) in s, or
// len(s), and whether s[:end] contains an '@'.
func chunkEnd(s string) (end int, at bool) {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if ascii[c]&clSpace != 0 {
				return i, at
			}
			at = at || c == '@'
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return i, at
		}
		i += size
	}
	return len(s), at
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return ascii[r]&clWord != 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isJoiner(c byte) bool {
	switch c {
	case '-', '/', '.', ',', '#', '_', '\'', ':', '+':
		return true
	}
	return false
}

// appendChunk tokenises one whitespace-free chunk; at tells whether it
// contains an '@' (and so may be an e-mail address).
func appendChunk(dst []string, c string, at bool) []string {
	if looksLikeURL(c) {
		return append(dst, TokURL)
	}
	if at && looksLikeEmail(c) {
		return append(dst, TokEmail)
	}
	for i := 0; i < len(c); {
		var r rune
		size := 1
		if b := c[i]; b < utf8.RuneSelf {
			r = rune(b)
		} else {
			r, size = utf8.DecodeRuneInString(c[i:])
		}
		switch {
		case isWordRune(r):
			j, plain := wordEnd(c, i)
			if plain {
				dst = append(dst, c[i:j]) // what appendWord does with it
			} else {
				dst = appendWord(dst, c[i:j])
			}
			i = j
		case r == '!' || r == '?':
			j := i
			for j < len(c) && c[j] == byte(r) {
				j++
			}
			if j-i >= 2 {
				dst = append(dst, c[i:i+2])
			} else {
				dst = append(dst, c[i:i+1])
			}
			i = j
		case r == utf8.RuneError && size == 1:
			i++
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sc, r):
			dst = append(dst, c[i:i+size])
			i += size
		default:
			i += size
		}
	}
	return dst
}

// wordEnd returns the end of the word starting at i: word runes, joined by
// single joiner characters that sit between word runes. plain reports
// that the word has neither ASCII digits nor joiners, so that appendWord
// would keep it as it is.
func wordEnd(c string, i int) (end int, plain bool) {
	j := i
	var seen uint8 // the ASCII classes in the word
	for j < len(c) {
		if b := c[j]; b < utf8.RuneSelf {
			cl := ascii[b]
			if cl&clWord != 0 {
				seen |= cl
				j++
				continue
			}
			if cl&clJoiner != 0 && j+1 < len(c) {
				if n := c[j+1]; n < utf8.RuneSelf && ascii[n]&clWord != 0 {
					seen |= cl
					j++
					continue
				} else if n >= utf8.RuneSelf {
					if r2, _ := utf8.DecodeRuneInString(c[j+1:]); isWordRune(r2) {
						seen |= cl
						j++
						continue
					}
				}
			}
			break
		}
		r, size := utf8.DecodeRuneInString(c[j:])
		if !isWordRune(r) {
			break
		}
		j += size
	}
	return j, seen&(clDigit|clJoiner) == 0
}

// appendWord classifies a joined word: masks numbers, IDs and dates, and
// splits ordinary words at their joiners ("e-mail" → "e", "mail").
func appendWord(dst []string, w string) []string {
	digits, letters, joiners := 0, 0, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		var cl uint8
		if c < utf8.RuneSelf {
			cl = ascii[c]
		}
		switch {
		case cl&clDigit != 0:
			digits++
		case cl&clJoiner != 0:
			joiners++
		default:
			letters++
		}
	}
	if digits == 0 {
		if joiners == 0 {
			return append(dst, w)
		}
		start := 0
		for i := 0; i < len(w); i++ {
			if isJoiner(w[i]) {
				if i > start {
					dst = append(dst, w[start:i])
				}
				start = i + 1
			}
		}
		if start < len(w) {
			dst = append(dst, w[start:])
		}
		return dst
	}
	switch {
	case isDate(w):
		return append(dst, TokDate)
	case letters == 0 && digits <= 4:
		return append(dst, TokNum)
	case letters == 0 && isAmount(w):
		return append(dst, TokNum)
	case digits >= 5 || letters > 0 && len(w) >= 5:
		return append(dst, TokID)
	case letters > 0:
		// Short mixed forms such as "3rd", "24h", "2x", "10am" carry a
		// number and a unit: keep them as a number.
		return append(dst, TokNum)
	default:
		return append(dst, TokNum)
	}
}

// isDate reports whether w looks like 03.03.2026, 3.3.26, 3/3/2026 or
// 2026-03-03.
func isDate(w string) bool {
	var groups [4]int
	n := 0
	var sep byte
	cur := 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		if '0' <= c && c <= '9' {
			cur++
			continue
		}
		if c != '.' && c != '/' && c != '-' {
			return false
		}
		if sep == 0 {
			sep = c
		} else if c != sep {
			return false
		}
		if n >= 2 || cur == 0 {
			return false
		}
		groups[n] = cur
		n++
		cur = 0
	}
	if n != 2 || cur == 0 {
		return false
	}
	groups[2] = cur
	if groups[0] == 4 { // ISO
		return sep == '-' && groups[1] <= 2 && groups[2] <= 2
	}
	return groups[0] <= 2 && groups[1] <= 2 && (groups[2] == 2 || groups[2] == 4)
}

// isAmount reports whether w is a number with thousands or decimal
// separators: 49,99 1.299,00 12.50.
func isAmount(w string) bool {
	last := -1
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == '.' || c == ',' {
			last = i
		} else if c < '0' || c > '9' {
			return false
		}
	}
	return last > 0 && len(w)-last-1 <= 3
}

func looksLikeURL(c string) bool {
	return strings.HasPrefix(c, "http://") || strings.HasPrefix(c, "https://") ||
		strings.HasPrefix(c, "www.") && len(c) > 6
}

func looksLikeEmail(c string) bool {
	at := strings.IndexByte(c, '@')
	if at <= 0 || at >= len(c)-3 {
		return false
	}
	dot := strings.LastIndexByte(c, '.')
	return dot > at+1 && dot < len(c)-1 && strings.IndexByte(c[at+1:], '@') < 0
}
