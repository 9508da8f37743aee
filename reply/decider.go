package reply

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// decider builds a Decision. The texts of its checks are written into one
// buffer, which becomes one string at the end that each check's Detail
// and Problem are parts of: a decision costs two allocations, its checks
// and their texts, instead of one or more per check, and a check that
// passes builds no problem text.
type decider struct {
	d      Decision
	group  string
	buf    strings.Builder
	checks [maxChecks]pending
	n      int // checks used
}

// pending is a check whose texts are in the buffer.
type pending struct {
	name, group     string
	ok              bool
	detail, problem piece
}

// piece is a text of a check: s, or when b > 0 the buffer's bytes a to b
// (an empty piece of the buffer is "" either way).
type piece struct {
	s    string
	a, b int
}

func lit(s string) piece { return piece{s: s} }

// add appends the check name in the current group with its detail and
// returns ok; a failed check gets its problem from fail.
func (dc *decider) add(name string, ok bool, detail piece) bool {
	dc.checks[dc.n] = pending{name: name, group: dc.group, ok: ok, detail: detail}
	dc.n++
	return ok
}

// fail sets the problem of the check added last.
func (dc *decider) fail(problem piece) { dc.checks[dc.n-1].problem = problem }

// done fills in the checks and returns the decision.
func (dc *decider) done() Decision {
	all := dc.buf.String()
	dc.d.Reasons = make([]Check, dc.n)
	for i := range dc.n {
		c := &dc.checks[i]
		r := Check{Name: c.name, Passed: c.ok, Detail: c.detail.in(all), Group: c.group}
		if !c.ok {
			r.Problem = c.problem.in(all)
		}
		dc.d.Reasons[i] = r
	}
	return dc.d
}

func (p piece) in(all string) string {
	if p.b > 0 {
		return all[p.a:p.b]
	}
	return p.s
}

// mark returns where the next piece starts; since(mark) is the piece
// written from there.
func (dc *decider) mark() int { return dc.buf.Len() }

func (dc *decider) since(a int) piece { return piece{a: a, b: dc.buf.Len()} }

func (dc *decider) text(s string) *decider {
	dc.buf.WriteString(s)
	return dc
}

// copy appends the text of p.
func (dc *decider) copy(p piece) *decider {
	// The builder's String is a view of what is written so far, kept
	// when writing grows the buffer.
	return dc.text(p.in(dc.buf.String()))
}

// fixed appends v with prec decimals, as fmt's "%.2f" does for prec 2.
func (dc *decider) fixed(v float64, prec int) *decider {
	var tmp [32]byte
	dc.buf.Write(appendFixed(tmp[:0], v, prec))
	return dc
}

// appendFixed appends v with prec (1 to 3) decimals as
// strconv.AppendFloat(b, v, 'f', prec, 64) does: v rounded to the
// nearest multiple of 10^-prec, a tie to the even one. It computes that
// multiple n exactly: math.FMA(v, scale, -c) is v*scale-c rounded once,
// so its sign is the sign of the exact difference. Values from 1e12 on,
// NaN and infinities go to strconv.
func appendFixed(b []byte, v float64, prec int) []byte {
	a := math.Abs(v)
	if prec < 1 || prec > 3 || !(a < 1e12) {
		return strconv.AppendFloat(b, v, 'f', prec, 64)
	}
	scale := [...]float64{1, 10, 100, 1000}[prec]
	n := math.Floor(a * scale) // off by at most one: a*scale < 2^53
	if math.FMA(a, scale, -n) < 0 {
		n--
	} else if math.FMA(a, scale, -(n+1)) >= 0 {
		n++
	}
	// n <= a*scale < n+1: round.
	if h := math.FMA(a, scale, -(n + 0.5)); h > 0 || h == 0 && math.Mod(n, 2) == 1 {
		n++
	}
	if math.Signbit(v) {
		b = append(b, '-')
	}
	i, div := int64(n), int64(scale)
	b = strconv.AppendInt(b, i/div, 10)
	b = append(b, '.')
	frac := i % div
	for d := div / 10; d > 0; d /= 10 {
		b = append(b, byte('0'+frac/d%10))
	}
	return b
}

func (dc *decider) int(n int) *decider {
	var tmp [24]byte
	dc.buf.Write(strconv.AppendInt(tmp[:0], int64(n), 10))
	return dc
}

func (dc *decider) bool(v bool) *decider {
	return dc.text(strconv.FormatBool(v))
}

// join appends items apart by ", ".
func (dc *decider) join(items []string) *decider {
	for i, s := range items {
		if i > 0 {
			dc.buf.WriteString(", ")
		}
		dc.buf.WriteString(s)
	}
	return dc
}

// prefixed returns prefix followed by the text of p.
func (dc *decider) prefixed(prefix string, p piece) piece {
	a := dc.mark()
	return dc.text(prefix).copy(p).since(a)
}

// list returns items apart by ", ", or none when there are none.
func (dc *decider) list(items []string, none string) piece {
	switch len(items) {
	case 0:
		return lit(none)
	case 1:
		return lit(items[0])
	}
	a := dc.mark()
	return dc.join(items).since(a)
}

// list2 returns prefix and items apart by ", ".
func (dc *decider) list2(prefix string, items []string) piece {
	a := dc.mark()
	return dc.text(prefix).join(items).since(a)
}

// senderDetail says what the sender check found.
func (dc *decider) senderDetail(addr, noReply string, own, auto bool, reason string) piece {
	a := dc.mark()
	switch {
	case auto && reason != "":
		return dc.text("the message is an automatic one: ").text(reason).since(a)
	case auto:
		return lit("the message is an automatic one (auto-reply, bounce)")
	case own:
		return dc.text(addr).text(" is our own address").since(a)
	case noReply != "":
		return dc.text(noReply).text(" is an automatic sender").since(a)
	case addr == "":
		return lit("no sender address")
	}
	return lit(addr)
}

// escalationWords returns the EscalateWords text contains (case and
// umlaut spelling ignored), in their order.
func (p *Policy) escalationWords(text string) []string {
	if len(p.escape) == 0 {
		return nil
	}
	var words []string
	if set := p.escapeSet; set != nil {
		// ASCII text is read as nlp.Fold would write it, without
		// writing it.
		var found uint64
		if isASCII(text) {
			found = set.find(text, &asciiFold)
		} else {
			found = set.find(nlp.Fold(text), &sameByte)
		}
		for i := 0; found != 0; i, found = i+1, found>>1 {
			if found&1 != 0 {
				words = append(words, p.EscalateWords[i])
			}
		}
		return words
	}
	folded := nlp.Fold(text)
	for i, w := range p.escape {
		if containsWord(folded, w) {
			words = append(words, p.EscalateWords[i])
		}
	}
	return words
}

// noReplyPattern is a compiled NoReply pattern; the default one is
// matched without the regexp engine.
type noReplyPattern struct {
	re      *regexp.Regexp
	builtin bool
}

func (m noReplyPattern) match(addr string) bool {
	if m.builtin {
		return matchNoReply(addr)
	}
	return m.re.MatchString(addr)
}

// per returns the rate limit's window as Duration.String writes it.
func (p *Policy) per() string {
	if p.perText != "" && p.perFor == p.RateLimit.Per {
		return p.perText
	}
	return p.RateLimit.Per.String()
}

// brandFrom returns the address of Brand.From and whether it has one.
func (p *Policy) brandFrom() (string, bool) {
	if p.Brand.From == p.from.src {
		return p.from.addr, p.from.ok
	}
	return parseBrandFrom(p.Brand.From)
}
