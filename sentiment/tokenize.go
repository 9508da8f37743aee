package sentiment

import (
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// The tokenizer: text to folded words, punctuation, emoticons and emoji,
// in one pass, for the scorer in score.go.

type tokKind uint8

const (
	tkWord   tokKind = iota
	tkEmo            // emoticon or emoji
	tkPunct          // run of '!' and '?'
	tkClause         // , : ( ) dash
	tkSent           // . ; … blank line
)

// token is one token of a text. It holds no pointers, so that the
// garbage collector need not scan the token lists nor track writes to
// them: a word's folded form is folded[fs:fe] of the string tokenize
// returns with the tokens (norm), the text of the other tokens is
// text[os:oe].
type token struct {
	os, oe   int32   // byte range in the original text
	fs, fe   int32   // byte range of a word in the folded words
	w        float64 // weight of an emoticon or emoji
	nEx, nQ  uint16  // '!' and '?' in a punctuation run (saturating)
	kind     tokKind
	caps     bool
	shout    bool // in capitals: caps, or a short shout word ("NOW")
	elongate bool // a letter repeated three or more times ("suuuper")
}

type tokenizer struct {
	l    *Lexicon
	buf  []byte // folded words, back to back
	toks []token

	in                   bool
	start, fstart        int
	upper, lower, digits int
	prev                 rune
	run                  int
	elongate             bool
	newlines             int
	chunk                bool // the next non-space byte starts a chunk
	chunkStart, chunkTok int  // where the current chunk started
}

// tokenize splits text into folded words and the punctuation, emoticons
// and emoji the scorer needs, in one pass, and returns them with the
// folded words back to back (see token). Folding: lower case, ä→ae,
// ö→oe, ü→ue, ß→ss (also for decomposed umlauts), typographic apostrophes
// to "'". Links and e-mail addresses are skipped; invalid UTF-8 separates
// words.
func (l *Lexicon) tokenize(text string) ([]token, string) { return l.tokenizeIn(nil, text) }

// norm is the folded form of a word token t of the folded words folded.
func (t *token) norm(folded string) string { return folded[t.fs:t.fe] }

// tokBuf holds the memory of a tokenize call for the next one (see
// tokBufs); nil means new memory.
type tokBuf struct {
	buf  []byte
	toks []token
}

// tokBufs keep tokBufs for Analyze and Score, whose tokens do not outlive
// them: the words they report are copied out.
var tokBufs = sync.Pool{New: func() any { return new(tokBuf) }}

// maxPooled is the most memory (bytes of text) kept in a pooled tokBuf.
const maxPooled = 1 << 16

// getTokBuf returns a tokBuf from the pool.
func getTokBuf() *tokBuf { return tokBufs.Get().(*tokBuf) }

// putTokBuf returns tb to the pool.
func putTokBuf(tb *tokBuf) {
	if cap(tb.buf) > maxPooled {
		return
	}
	tb.buf, tb.toks = tb.buf[:0], tb.toks[:0]
	tokBufs.Put(tb)
}

// tokenizeIn is tokenize in tb's memory (nil: new memory). The tokens are
// valid until tb is used again.
func (l *Lexicon) tokenizeIn(tb *tokBuf, text string) ([]token, string) {
	t := tokenizer{l: l, chunk: true}
	if tb != nil && cap(tb.buf) >= len(text)+8 {
		t.buf, t.toks = tb.buf[:0], tb.toks[:0]
	} else {
		t.buf = make([]byte, 0, len(text)+8)
		t.toks = make([]token, 0, len(text)/5+8)
	}
	if tb != nil {
		defer func() { tb.buf, tb.toks = t.buf, t.toks }()
	}
	for i := 0; i < len(text); {
		c := text[i]
		if 'a' <= c && c <= 'z' && t.in {
			// Inside a word (so not at a chunk start: a blank ends the
			// word before it starts a chunk), what the ASCII fast path
			// below does with a lower-case letter.
			t.lower++
			t.buf = append(t.buf, c)
			t.track(rune(c))
			i++
			continue
		}
		if t.chunk && !isASCIISpace(c) {
			t.chunk = false
			t.chunkStart, t.chunkTok = i, len(t.toks)
			if f := c | 0x20; (f == 'h' || f == 'w') && isLinkStart(text[i:]) {
				i = chunkEnd(text, i)
				continue
			}
		}
		if c < utf8.RuneSelf { // ASCII fast path
			switch {
			case 'a' <= c && c <= 'z':
				t.begin(i)
				t.lower++
				t.buf = append(t.buf, c)
				t.track(rune(c))
				i++
				continue
			case 'A' <= c && c <= 'Z':
				t.begin(i)
				t.upper++
				c += 'a' - 'A'
				t.buf = append(t.buf, c)
				t.track(rune(c))
				i++
				continue
			case '0' <= c && c <= '9':
				t.begin(i)
				t.digits++
				t.buf = append(t.buf, c)
				t.prev, t.run = 0, 0
				i++
				continue
			}
		}
		if c == ' ' { // what the general path below does with a blank
			t.endWord(i)
			t.chunk = true
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
			if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				t.begin(i)
				t.addRune(r)
				i += size
				continue
			}
		}
		if t.in {
			if isApostrophe(r) && startsWithLetter(text[i+size:]) {
				t.buf = append(t.buf, '\'')
				t.prev, t.run = '\'', 1
				i += size
				continue
			}
			if r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r) {
				if r == '\u0308' && (t.prev == 'a' || t.prev == 'o' || t.prev == 'u') {
					t.buf = append(t.buf, 'e')
					t.prev, t.run = 'e', 1
				}
				i += size
				continue
			}
		}
		t.endWord(i)
		if isSpace(r) {
			if r == '\n' {
				t.newlines++
				if t.newlines == 2 {
					t.mark(tkSent, i, i+1)
				}
			}
			t.chunk = true
			i += size
			continue
		}
		t.newlines = 0
		if r == '@' && i > t.chunkStart { // e-mail address: drop the whole chunk
			t.toks = t.toks[:t.chunkTok]
			i = chunkEnd(text, i)
			continue
		}
		if n, w := l.emoticon(text, i); n > 0 {
			t.toks = append(t.toks, token{kind: tkEmo, os: int32(i), oe: int32(i + n), w: w})
			i += n
			continue
		}
		switch r {
		case '!', '?':
			j, nEx, nQ := i, 0, 0
			for ; j < len(text) && (text[j] == '!' || text[j] == '?'); j++ {
				if text[j] == '!' {
					nEx++
				} else {
					nQ++
				}
			}
			t.toks = append(t.toks, token{kind: tkPunct, os: int32(i), oe: int32(j),
				nEx: uint16(min(nEx, math.MaxUint16)), nQ: uint16(min(nQ, math.MaxUint16))})
			i = j
			continue
		case '.', ';', '…':
			t.mark(tkSent, i, i+size)
		case ',', ':', '(', ')', '[', ']', '–', '—':
			t.mark(tkClause, i, i+size)
		case '-':
			if i > 0 && text[i-1] == ' ' && i+1 < len(text) && text[i+1] == ' ' {
				t.mark(tkClause, i, i+1)
			}
		default:
			if w, ok := l.emoji[r]; ok {
				t.toks = append(t.toks, token{kind: tkEmo, os: int32(i), oe: int32(i + size), w: w})
			}
		}
		i += size
	}
	t.endWord(len(text))
	return t.toks, string(t.buf)
}

// mark records a clause or sentence boundary. Consecutive boundaries are
// merged into the stronger one; repeating them changes nothing.
func (t *tokenizer) mark(k tokKind, os, oe int) {
	if n := len(t.toks); n > 0 {
		if last := &t.toks[n-1]; last.kind == tkClause || last.kind == tkSent {
			last.kind = max(last.kind, k)
			last.oe = int32(oe)
			return
		}
	}
	t.toks = append(t.toks, token{kind: k, os: int32(os), oe: int32(oe)})
}

// begin starts a word at byte i unless one is already open.
func (t *tokenizer) begin(i int) {
	if t.in {
		return
	}
	t.in, t.start, t.fstart = true, i, len(t.buf)
	t.upper, t.lower, t.digits = 0, 0, 0
	t.prev, t.run, t.elongate = 0, 0, false
	t.newlines = 0
}

// addRune folds a non-ASCII letter or digit into the current word.
func (t *tokenizer) addRune(r rune) {
	if unicode.IsDigit(r) {
		t.digits++
		t.buf = utf8.AppendRune(t.buf, r)
		t.prev, t.run = 0, 0
		return
	}
	if unicode.IsUpper(r) {
		t.upper++
	} else if unicode.IsLower(r) {
		t.lower++
	}
	lr := unicode.ToLower(r)
	if u, ok := nlp.Umlaut(lr); ok {
		t.buf = append(t.buf, u...)
	} else {
		t.buf = utf8.AppendRune(t.buf, lr)
	}
	t.track(lr)
}

// track notices letters repeated three or more times.
func (t *tokenizer) track(r rune) {
	if r == t.prev {
		t.run++
		if t.run >= 3 {
			t.elongate = true
		}
		return
	}
	t.prev, t.run = r, 1
}

func (t *tokenizer) endWord(i int) {
	if !t.in {
		return
	}
	t.in = false
	upper := t.lower == 0 && t.digits == 0
	caps := upper && t.upper >= minCapsLetters && !t.l.acronyms[string(t.buf[t.fstart:])]
	shout := caps || upper && t.upper >= 2 && t.l.shout[string(t.buf[t.fstart:])]
	t.toks = append(t.toks, token{kind: tkWord, os: int32(t.start), oe: int32(i),
		fs: int32(t.fstart), fe: int32(len(t.buf)),
		caps: caps, shout: shout, elongate: t.elongate})
}

// isLinkStart reports whether s starts with a web link.
func isLinkStart(s string) bool {
	switch s[0] {
	case 'h', 'H':
		return hasPrefixFold(s, "http://") || hasPrefixFold(s, "https://")
	case 'w', 'W':
		return hasPrefixFold(s, "www.")
	}
	return false
}

// chunkEnd returns the index of the first ASCII whitespace at or after i.
func chunkEnd(text string, i int) int {
	for i < len(text) && !isASCIISpace(text[i]) {
		i++
	}
	return i
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// emoticon returns the length and weight of an ASCII emoticon at text[i:],
// or 0. The emoticon must not run into a letter or digit, and ":/" must
// not be part of "://".
func (l *Lexicon) emoticon(text string, i int) (int, float64) {
	switch text[i] {
	case ':', ';', '=', '<', '>', '^', '-':
	default:
		return 0, 0
	}
	for n := min(l.maxEmoticon, len(text)-i); n >= 2; n-- {
		w, ok := l.emoticons[text[i:i+n]]
		if !ok {
			continue
		}
		j := i + n
		last := text[j-1]
		if last == ')' || last == '(' || last == 'D' {
			for j < len(text) && text[j] == last {
				j++
			}
		}
		if j < len(text) {
			next := text[j]
			if isASCIIAlnum(next) {
				continue
			}
			if (last == '/' || last == '\\') && (next == '/' || next == '\\') {
				continue
			}
		}
		return j - i, w
	}
	return 0, 0
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIISpace(byte(r))
	}
	return unicode.IsSpace(r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == '`' || r == '´'
}

func startsWithLetter(s string) bool {
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}
