package ingest

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// Cleaned is a message body split into the customer's new text, the
// quoted history and the signature. Joined in the right order the three
// hold every non-blank line of the input.
type Cleaned struct {
	// Text is what the customer wrote now: greeting and request, without
	// quoted history, sign-off and signature.
	Text string `json:"text"`
	// Quoted is the quoted history: "> " lines with the attribution line
	// above them ("Am 12.03.2026 um 10:15 schrieb …:", "On … wrote:"),
	// and everything from a separator ("-----Ursprüngliche Nachricht-----",
	// "---------- Forwarded message ---------") or an Outlook header block
	// ("Von: … Gesendet: … An: … Betreff: …") to the end.
	Quoted string `json:"quoted,omitempty"`
	// Signature is the sign-off and what follows it ("Mit freundlichen
	// Grüßen\nMax Mustermann\nTel. …"), a "-- " signature, a mobile footer
	// ("Gesendet von meinem iPhone") and a legal disclaimer.
	Signature string `json:"signature,omitempty"`
}

// Clean separates the new text of a message from its quoted history and
// its signature. It knows the German and English forms of mail clients
// (Outlook, Gmail, Apple Mail, Thunderbird, iOS and Android mail apps):
//
//   - quoted history: lines starting with ">" wherever they are (inline
//     and bottom-posted answers keep the customer's lines in Text), with
//     the attribution line before them; "Am … schrieb …:", "On … wrote:",
//     "… schrieb am …:" also when wrapped over up to three lines;
//     separators such as "-----Ursprüngliche Nachricht-----", "-----Original
//     Message-----", "---------- Forwarded message ---------", "Begin
//     forwarded message:", "Anfang der weitergeleiteten Nachricht:"; Outlook
//     header blocks ("Von:" followed within a few lines by "Gesendet:" or
//     "Datum:" and "Betreff:", in English "From:", "Sent:"/"Date:",
//     "Subject:", also in bold "*Von:*") and the "_____" line above them.
//     A separator, a header block or an attribution not followed by ">"
//     lines moves everything after it to Quoted.
//   - signature: a "-- " line; a mobile footer ("Gesendet von meinem
//     iPhone", "Von meinem iPhone gesendet", "Sent from my iPhone", "Sent
//     from Outlook for Android", "Get Outlook for iOS"); a legal disclaimer
//     or company footer that starts a paragraph ("Diese E-Mail enthält
//     vertrauliche …", "This e-mail is confidential …", "Sitz der
//     Gesellschaft:", "Amtsgericht …"); a sign-off line ("Mit freundlichen
//     Grüßen", "Viele Grüße", "LG", "Gruß Max", "Best regards", "Cheers,",
//     "Thanks,\nJohn") followed only by signature-like lines (names,
//     addresses, phone numbers; no prose).
//
// A sign-off only counts when it is a line of its own (optionally with a
// short name after it) below some text: "Grüße" inside a sentence, or a
// message that is only "Viele Grüße", stays in Text. A "P.S." paragraph
// after the sign-off is moved back to Text. When nothing is left of the
// text but the history was cut at a separator or header block (a forward
// without a comment), the first quoted message becomes the text.
//
// Clean accepts "\r\n" and "\n" line endings and returns "\n"; each part
// is trimmed and runs of blank lines are collapsed to one.
func Clean(text string) Cleaned {
	return clean(text, 0)
}

// clean is Clean with the recursion depth of the forward fallback.
func clean(text string, depth int) Cleaned {
	if strings.IndexByte(text, '\r') >= 0 { // else both leave it as it is
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	lines := strings.Split(text, "\n")

	quoted := make([]bool, len(lines))
	cut, cutBySeparator := findQuotes(lines, quoted)

	// The unquoted lines above the cut, by index.
	body := make([]int, 0, cut)
	for i := 0; i < cut; i++ {
		if !quoted[i] {
			body = append(body, i)
		}
	}
	sig, ps := findSignature(lines, body)

	textLines := make([]string, 0, len(body))
	var sigLines, quoteLines []string
	for k, i := range body {
		switch {
		case k < sig || k >= ps:
			textLines = append(textLines, lines[i])
		default:
			sigLines = append(sigLines, lines[i])
		}
	}
	for i := 0; i < len(lines); i++ {
		if i >= cut || quoted[i] {
			quoteLines = append(quoteLines, lines[i])
		}
	}
	c := Cleaned{
		Text:      joinLines(textLines),
		Quoted:    joinLines(quoteLines),
		Signature: joinLines(sigLines),
	}
	if c.Text == "" && cutBySeparator && depth == 0 {
		if inner := forwardedBody(lines[cut:]); inner != "" {
			f := clean(inner, depth+1)
			if f.Text != "" {
				// The forwarded message's own history stays in Quoted as a
				// whole; its signature joins ours.
				c.Text = f.Text
				c.Signature = joinLines([]string{c.Signature, f.Signature})
			}
		}
	}
	return c
}

// joinLines joins lines with "\n", trims the result and collapses runs of
// blank lines to a single blank line.
func joinLines(lines []string) string {
	var b strings.Builder
	size := 0
	for _, l := range lines {
		size += len(l) + 2
	}
	b.Grow(size)
	blank := 0
	for _, l := range lines {
		l = trimRightSpace(l)
		if l == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			if blank > 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.WriteString(l)
	}
	return strings.TrimSpace(b.String())
}

// trimRightSpace is strings.TrimRightFunc(s, unicode.IsSpace), which it
// calls only for a line ending in a byte outside ASCII.
func trimRightSpace(s string) string {
	for len(s) > 0 {
		c := s[len(s)-1]
		if c >= utf8.RuneSelf {
			return strings.TrimRightFunc(s, unicode.IsSpace)
		}
		if !asciiSpace[c] {
			return s
		}
		s = s[:len(s)-1]
	}
	return s
}

// ---- quoted history ----

// findQuotes marks quoted lines and returns the index from which all lines
// are history (len(lines) when there is no such cut) and whether the cut
// was made at a separator or header block (rather than an attribution
// without ">" lines).
func findQuotes(lines []string, quoted []bool) (int, bool) {
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" {
			continue
		}
		if isQuoteLine(t) {
			quoted[i] = true
			continue
		}
		if isSeparator(t) {
			return i, true
		}
		if isUnderscoreLine(t) {
			if j := nextNonBlank(lines, i+1); j >= 0 && isHeaderBlock(lines, j) {
				return i, true
			}
		}
		if isHeaderBlock(lines, i) {
			return i, true
		}
		if n := attribution(lines, i); n > 0 {
			j := nextNonBlank(lines, i+n)
			if j >= 0 && isQuoteLine(strings.TrimSpace(lines[j])) {
				for k := i; k < i+n; k++ {
					quoted[k] = true
				}
				i += n - 1
				continue
			}
			if strongAttribution(lines, i, n) {
				return i, true
			}
		}
	}
	return len(lines), false
}

func nextNonBlank(lines []string, from int) int {
	for j := from; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) != "" {
			return j
		}
	}
	return -1
}

func isQuoteLine(t string) bool { return strings.HasPrefix(t, ">") }

var separatorRE = regexp.MustCompile(`(?i)^[-_=*\s]*(?:` +
	`urspr(?:ü|ue|u)ngliche nachricht|original[- ]?nachricht|original message|originalnachricht|` +
	`weitergeleitete nachricht|forwarded message|begin forwarded message|` +
	`anfang der weitergeleiteten nachricht|nachricht weitergeleitet|message transféré|message d'origine` +
	`)[-_=*\s:]*$`)

// isSeparator reports whether t is a line that starts quoted or forwarded
// history: "-----Ursprüngliche Nachricht-----", "-------- Original Message
// --------", "---------- Forwarded message ---------", "Begin forwarded
// message:".
func isSeparator(t string) bool {
	if len(t) > 100 {
		return false
	}
	// The lower-cased t must hold "nachricht" or "message"; so t holds
	// "nachr" or "message" in ASCII letters of either case (see
	// attributionHint).
	if !containsFoldASCII(t, "nachr") && !containsFoldASCII(t, "message") {
		return false
	}
	var buf [128]byte
	if l := appendLower(buf[:0], t); !bytes.Contains(l, []byte("nachricht")) && !bytes.Contains(l, []byte("message")) {
		return false
	}
	if !separatorRE.MatchString(t) {
		return false
	}
	// Without dashes around it the phrase must end in ':' or stand alone
	// as a known full line ("Begin forwarded message:").
	if strings.ContainsAny(t, "-_=*") {
		return true
	}
	l := strings.ToLower(strings.TrimRight(t, " :"))
	return strings.HasSuffix(t, ":") && (strings.HasPrefix(l, "begin forwarded") ||
		strings.HasPrefix(l, "anfang der weitergeleiteten") || strings.HasPrefix(l, "weitergeleitete nachricht") ||
		strings.HasPrefix(l, "ursprüngliche nachricht") || strings.HasPrefix(l, "original message"))
}

func isUnderscoreLine(t string) bool {
	return len(t) >= 8 && strings.Trim(t, "_") == ""
}

// headerName returns the lower-cased field name when t looks like
// "Name: value" or "*Name:* value" with a name from a quoted header block.
func headerName(t string) string {
	t = strings.TrimLeft(t, "*_ \t")
	i := strings.IndexByte(t, ':')
	if i <= 0 || i > 20 {
		return ""
	}
	name := strings.ToLower(strings.TrimRight(t[:i], "* \t"))
	switch name {
	case "von", "from", "gesendet", "sent", "datum", "date", "an", "to", "cc", "betreff", "subject", "antwort an", "reply-to", "wichtigkeit", "importance":
		return name
	}
	return ""
}

// isHeaderBlock reports whether the lines from i on are a quoted header
// block: a sender field ("Von:", "From:"), a date field ("Gesendet:",
// "Sent:", "Datum:", "Date:") and a subject field ("Betreff:",
// "Subject:") within seven lines, starting with the sender or the date
// (GMX and WEB.DE put "Gesendet:" first), or all of them on one line.
func isHeaderBlock(lines []string, i int) bool {
	first := strings.TrimSpace(lines[i])
	var from, date, subject bool
	switch headerName(first) {
	case "von", "from":
		if l := strings.ToLower(first); (strings.Contains(l, "betreff:") || strings.Contains(l, "subject:")) && oneLineHeaderRE.MatchString(first) {
			return true
		}
		from = true
	case "gesendet", "sent", "datum", "date":
		date = true
	default:
		return false
	}
	for j := i + 1; j < len(lines) && j <= i+7; j++ {
		t := strings.TrimSpace(lines[j])
		if t == "" {
			continue
		}
		switch headerName(t) {
		case "von", "from":
			from = true
		case "gesendet", "sent", "datum", "date":
			date = true
		case "betreff", "subject":
			subject = true
		case "an", "to", "cc", "antwort an", "reply-to", "wichtigkeit", "importance":
		default:
			// A wrapped long value ("To: a@x, b@y,\n c@z") is allowed.
			if !strings.HasPrefix(lines[j], " ") && !strings.HasPrefix(lines[j], "\t") && !strings.Contains(t, "@") {
				return from && date && subject
			}
		}
		if from && date && subject {
			return true
		}
	}
	return false
}

var oneLineHeaderRE = regexp.MustCompile(`(?i)^\*?(?:von|from):.{1,200}\b(?:gesendet|sent|datum|date):.{1,100}\b(?:betreff|subject):`)

// Attribution lines. Each must end with ':' and is matched on up to three
// joined lines (Gmail wraps long ones).
var (
	// The joined lines are at most 400 bytes, so unbounded repetitions
	// are fine (and keep the programs small).
	attrStrongRE = regexp.MustCompile(`(?i)^(?:` +
		`am\s.+\s(?:schrieb|schrieben)(?:\s.+)?|` + // Am 12.03.2026 um 10:15 schrieb Max <m@x>:
		`on\s.+\s(?:wrote|writes)|` + // On Thu, Mar 12, 2026 at 10:15 AM Max <m@x> wrote:
		`.+\sschrieb am\s.+|` + // Max <m@x> schrieb am Do., 12. März 2026, 10:15:
		`.+\swrote on\s.+|` +
		`zitat von\s.+|quoting\s.+` + // Horde
		`):$`)
	attrWeakRE = regexp.MustCompile(`(?i)^.+\s(?:schrieb|wrote|writes|hat geschrieben|a écrit)\s?:$`)
)

// mayStartAttribution is a cheap test whether line t can start an
// attribution, so that the regular expressions run on few lines.
func mayStartAttribution(t string) bool {
	if len(t) > 400 || !attributionHint(t) {
		return false
	}
	var buf [512]byte
	l := appendLower(buf[:0], t)
	has := func(s string) bool { return bytes.Contains(l, []byte(s)) }
	return bytes.HasPrefix(l, []byte("am ")) || bytes.HasPrefix(l, []byte("on ")) || bytes.HasPrefix(l, []byte("zitat von")) ||
		bytes.HasPrefix(l, []byte("quoting")) || has("schrieb") || has("wrote") ||
		has("writes") || has("geschrieben") || has("a écrit") ||
		bytes.HasSuffix(l, []byte("<"))
}

// attributionHint reports whether t passes a test that every line
// mayStartAttribution takes passes, read on the bytes of t without
// lower-casing it: most lines fail it, and lower-casing a line and
// looking for nine words in it was a tenth of Parse.
//
// The words mayStartAttribution looks for in the lower-cased t are made
// of ASCII letters that only the same letter, in either case, lower-cases
// to (from outside ASCII, strings.ToLower gives only 'i', from U+0130,
// and 'k', from U+212A), so t holds them too, side by side: "am " or
// "on " as its first three bytes, "zitat von" starts with 'z', "quoting"
// with "quot", "schrieb" and "geschrieben" hold "schr", "wrote" and
// "writes" hold "wr", "a écrit" holds "cr", and a final '<' is the last
// byte of t.
func attributionHint(t string) bool {
	if t == "" {
		return false
	}
	lower := func(c byte) byte { return c | 0x20 } // for the letters compared with
	switch {
	case t[len(t)-1] == '<', lower(t[0]) == 'z':
		return true
	case len(t) >= 3 && t[2] == ' ' && (lower(t[0]) == 'a' && lower(t[1]) == 'm' || lower(t[0]) == 'o' && lower(t[1]) == 'n'):
		return true
	case len(t) >= 4 && lower(t[0]) == 'q' && lower(t[1]) == 'u' && lower(t[2]) == 'o' && lower(t[3]) == 't':
		return true
	}
	for k := 1; k < len(t); k++ {
		if lower(t[k]) != 'r' {
			continue
		}
		switch lower(t[k-1]) {
		case 'w', 'c':
			return true
		case 'h':
			if k >= 3 && lower(t[k-3]) == 's' && lower(t[k-2]) == 'c' {
				return true
			}
		}
	}
	return false
}

// containsFoldASCII reports whether s holds word, a word of lower-case
// ASCII letters, in ASCII letters of either case.
func containsFoldASCII(s, word string) bool {
	for i := 0; i+len(word) <= len(s); i++ {
		if s[i]|0x20 != word[0] {
			continue
		}
		j := 1
		for j < len(word) && s[i+j]|0x20 == word[j] {
			j++
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// appendLower appends strings.ToLower(s) to dst, so that a caller can
// lower-case into a buffer on its stack.
func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			// strings.ToLower maps every rune (an invalid byte becomes
			// U+FFFD), as this does.
			for _, r := range s[i:] {
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
			}
			return dst
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// attribution returns how many lines (1 to 3) starting at i form an
// attribution line, or 0.
func attribution(lines []string, i int) int {
	if !mayStartAttribution(strings.TrimSpace(lines[i])) {
		return 0
	}
	joined := ""
	for n := 1; n <= 3 && i+n-1 < len(lines); n++ {
		t := strings.TrimSpace(lines[i+n-1])
		if t == "" || isQuoteLine(t) {
			return 0
		}
		if joined == "" {
			joined = t
		} else {
			joined += " " + t
		}
		if len(joined) > 400 {
			return 0
		}
		if strings.HasSuffix(joined, ":") {
			if commonAttribution(joined) || attrStrongRE.MatchString(joined) || attrWeakRE.MatchString(joined) {
				return n
			}
			return 0
		}
		// Only a line that starts like an attribution may continue.
		if n == 1 && !hasWordPrefix(t, "am") && !hasWordPrefix(t, "on") && !attrStartRE.MatchString(t) {
			return 0
		}
	}
	return 0
}

var attrStartRE = regexp.MustCompile(`(?i)^(?:am|on)\s|\s(?:schrieb|wrote)\b|<[^>]*$`)

// strongAttribution reports whether the attribution at i (n lines) is
// specific enough to cut the message even without ">" lines below it: the
// "Am … schrieb" / "On … wrote" forms with a time or an address in them.
func strongAttribution(lines []string, i, n int) bool {
	parts := make([]string, 0, n)
	for k := i; k < i+n; k++ {
		parts = append(parts, strings.TrimSpace(lines[k]))
	}
	joined := strings.Join(parts, " ")
	return (commonAttribution(joined) || attrStrongRE.MatchString(joined)) && timeOrAddrRE.MatchString(joined)
}

// commonAttribution reports whether s is in one of the two forms nearly
// every attribution line has, "Am … schrieb …:" and "On … wrote:", in
// which attrStrongRE matches it; false says nothing. It spares the
// regular expression's backtracking on the common lines.
//
// attrStrongRE's branches `am\s.+\s(?:schrieb|schrieben)(?:\s.+)?` and
// `on\s.+\s(?:wrote|writes)`, followed by ":" at the end, match when s
// has no line feed (which '.' does not match), starts with "am" or "on"
// and a \s byte, and has, with at least one byte between it and that
// \s byte, a \s byte followed by "schrieb" or "schrieben" and then
// the final ':' or a \s byte and one byte or more before it, or by
// "wrote" or "writes" and the final ':'. The words are compared in ASCII
// upper and lower case, which (?i) matches.
func commonAttribution(s string) bool {
	if len(s) < 8 || !strings.HasSuffix(s, ":") || strings.IndexByte(s, '\n') >= 0 || !isREspace(s[2]) {
		return false
	}
	switch {
	case strings.EqualFold(s[:2], "am"):
		// The last "schrieb" preceded by \s, at index 5 or later.
		for k := len(s) - len("schrieb:"); k >= 5; k-- {
			if !isREspace(s[k-1]) || !strings.EqualFold(s[k:k+len("schrieb")], "schrieb") {
				continue
			}
			rest := s[k+len("schrieb") : len(s)-1] // before the final ':'
			if r, ok := cutFold(rest, "en"); ok && (r == "" || len(r) >= 2 && isREspace(r[0])) {
				return true
			}
			if rest == "" || len(rest) >= 2 && isREspace(rest[0]) {
				return true
			}
		}
	case strings.EqualFold(s[:2], "on"):
		for _, w := range []string{"wrote", "writes"} {
			k := len(s) - 1 - len(w)
			if k >= 5 && isREspace(s[k-1]) && strings.EqualFold(s[k:len(s)-1], w) {
				return true
			}
		}
	}
	return false
}

// isREspace reports whether c is a \s byte of Go's regular expressions.
func isREspace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// cutFold is strings.CutPrefix comparing ASCII letters in either case.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// hasWordPrefix reports whether s starts with word (in either case) and
// a \s byte, as `(?i)^word\s` matches.
func hasWordPrefix(s, word string) bool {
	return len(s) > len(word) && strings.EqualFold(s[:len(word)], word) && isREspace(s[len(word)])
}

// timeOrAddrRE finds a time of day or an address in an attribution; mail
// clients always write one, a customer's "Am 3.5. schrieb mir Ihr
// Kollege:" has neither.
var timeOrAddrRE = regexp.MustCompile(`\d{1,2}:\d{2}|@`)

// forwardedBody returns the first message of quoted history without its
// separator and header block and with one level of ">" removed.
func forwardedBody(lines []string) string {
	i := 0
	// Separator and underscore lines.
	for i < len(lines) {
		t := strings.TrimSpace(lines[i])
		if t == "" || isSeparator(t) || isUnderscoreLine(t) {
			i++
			continue
		}
		break
	}
	// Header block fields and their continuation lines, or an attribution.
	if i < len(lines) && isHeaderBlock(lines, i) {
		for i < len(lines) {
			t := strings.TrimSpace(lines[i])
			if t == "" {
				break
			}
			if headerName(t) == "" && !strings.HasPrefix(lines[i], " ") && !strings.HasPrefix(lines[i], "\t") && !strings.Contains(t, "@") {
				break
			}
			i++
		}
	} else if i < len(lines) {
		if n := attribution(lines, i); n > 0 {
			i += n
		}
	}
	out := make([]string, 0, len(lines)-i)
	for _, l := range lines[i:] {
		t := strings.TrimLeft(l, " \t")
		if strings.HasPrefix(t, ">") {
			l = strings.TrimPrefix(t[1:], " ")
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// ---- signature ----

// findSignature looks at the body lines (indexes into lines) and returns
// the position in body where the signature starts (len(body) when there
// is none) and where a "P.S." after it starts (len(body) when none).
func findSignature(lines []string, body []int) (int, int) {
	n := len(body)
	line := func(k int) string { return strings.TrimSpace(lines[body[k]]) }
	// The first non-blank body line: nothing before it counts as text.
	first := -1
	for k := 0; k < n; k++ {
		if line(k) != "" {
			first = k
			break
		}
	}
	if first < 0 {
		return n, n
	}

	// Hard markers: "-- ", mobile footers, disclaimers. They need text
	// above them.
	hard := n
	for k := first + 1; k < n; k++ {
		raw := strings.TrimRight(lines[body[k]], "\r")
		t := line(k)
		switch {
		case raw == "-- " || t == "--" && n-k <= 25:
			hard = k
		case isMobileFooter(t):
			hard = k
		case isDisclaimer(t) && (k == 0 || line(k-1) == ""):
			hard = k
		default:
			continue
		}
		break
	}

	// A sign-off above the hard marker whose following lines look like a
	// signature. The first such line wins. A signature has at most 15
	// lines and a P.S. after it is short, so only the last 400 lines
	// above the marker are candidates (which also bounds the work).
	sig := hard
	for k := max(first+1, hard-400); k < hard; k++ {
		kind := signOff(line(k))
		if kind == noSignOff {
			continue
		}
		if signatureBelow(lines, body, k+1, hard, kind) {
			sig = k
			break
		}
	}
	// A P.S. below the sign-off belongs to the text.
	ps := n
	if sig < n {
		for k := sig + 1; k < n; k++ {
			if isPS(line(k)) {
				ps = k
				break
			}
		}
	}
	return sig, ps
}

var psRE = regexp.MustCompile(`^(?i:p\.?\s?s\.?)(?:[:\s]|$)`)

// isPS reports whether t starts a "P.S.": psRE matches, which it can only
// when t starts with 'p' or 'P'.
func isPS(t string) bool {
	return t != "" && (t[0] == 'p' || t[0] == 'P') && psRE.MatchString(t)
}

// signatureBelow reports whether body lines [from, to) look like the rest
// of a signature: a few short lines (names, titles, addresses, phone
// numbers, links), no prose. After a weak sign-off ("Thanks,", "Danke")
// a name must follow and at most four lines.
func signatureBelow(lines []string, body []int, from, to int, kind int) bool {
	limit := 4
	if kind == strongSignOff {
		limit = 15
	}
	nonBlank := 0
	for k := from; k < to; k++ {
		if k-from > 200 {
			return false // a signature is not that long; also bounds the work
		}
		t := strings.TrimSpace(lines[body[k]])
		if t == "" {
			continue
		}
		if isPS(t) {
			break
		}
		if nonBlank++; nonBlank > limit || isProse(t) {
			return false
		}
	}
	switch kind {
	case strongSignOff:
		return nonBlank <= 15
	case weakNamed:
		return nonBlank <= 4
	}
	return nonBlank >= 1 && nonBlank <= 4
}

// isProse reports whether t reads like a sentence of a message rather
// than a signature line: a question, a sentence of five or more words
// ending in '.' or '!', or any line of twelve words or more. Contact
// lines and lines split by '|' are never prose.
func isProse(t string) bool {
	// Count the words with a letter in them, as strings.Fields splits.
	words := 0
	letter := false // in the current word
	for _, r := range t {
		if unicode.IsSpace(r) {
			if letter {
				words++
			}
			letter = false
			continue
		}
		letter = letter || unicode.IsLetter(r)
	}
	if letter {
		words++
	}
	prose := strings.HasSuffix(t, "?") ||
		words >= 5 && (strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!")) ||
		words >= 12
	// The contact test is the costly one; it only matters for prose.
	return prose && !contactRE.MatchString(t) && !strings.Contains(t, " | ") && !strings.Contains(t, "·")
}

var contactRE = regexp.MustCompile(`(?i)@|https?://|www\.|\+?\d[\d /()-]{6,}|^(?:tel|fon|phone|mobil|mobile|fax|e-?mail|web|adresse|address)\b`)

// Kinds of sign-off lines.
const (
	noSignOff   = iota
	weakSignOff // "Thanks,", "Danke": a name must follow on the next lines
	weakNamed   // "Thanks, John"
	strongSignOff
)

// signOff classifies t as a sign-off line, optionally followed by a short
// name ("Viele Grüße, Max", "Gruß Max", "Cheers, Tom", "Thanks, John").
func signOff(t string) int {
	if len(t) > 80 {
		return noSignOff
	}
	try := func(s string) int {
		// The closing formulas are those the name finder of package
		// entity knows (nlp.SignOff).
		switch nlp.SignOff(nlp.FoldUmlauts(strings.ToLower(s))) {
		case nlp.StrongSignOff:
			return strongSignOff
		case nlp.WeakSignOff:
			return weakSignOff
		}
		return noSignOff
	}
	if k := try(t); k != noSignOff {
		return k
	}
	// "Phrase, Name" or "Phrase Name": up to three name words, each
	// starting with an upper-case letter.
	words := strings.Fields(strings.ReplaceAll(t, ",", ", "))
	for cut := len(words) - 1; cut >= 1 && len(words)-cut <= 3; cut-- {
		if !allNameWords(words[cut:]) {
			break
		}
		switch try(strings.Join(words[:cut], " ")) {
		case strongSignOff:
			return strongSignOff
		case weakSignOff:
			return weakNamed
		}
	}
	return noSignOff
}

func allNameWords(ws []string) bool {
	for _, w := range ws {
		w = strings.Trim(w, ",.")
		r, _ := utf8.DecodeRuneInString(w)
		if w == "" || !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

var mobileRE = regexp.MustCompile(`(?i)^(?:` +
	`(?:gesendet|versendet|verschickt) (?:von|mit|über|ueber|vom|via) (?:meinem|meiner|mein|der|dem|einem|einer) .{2,60}|` +
	`von meinem .{2,40} (?:gesendet|verschickt)|` +
	`sent (?:from|with|via|using|by) (?:my |the )?.{2,60}|` +
	`(?:get|holen sie sich) outlook (?:f(?:ü|ue|u)r|for) (?:ios|android).*|` +
	`diese nachricht wurde von meinem .{2,40} gesendet` +
	`)\.?$`)

// isMobileFooter reports whether t is a mail app footer such as "Gesendet
// von meinem iPhone" or "Sent from Outlook for Android".
func isMobileFooter(t string) bool {
	if len(t) > 100 {
		return false
	}
	var buf [64]byte
	switch string(firstWord(buf[:0], t)) {
	case "gesendet", "versendet", "verschickt", "von", "sent", "get", "holen", "diese":
		return mobileRE.MatchString(t)
	}
	return false
}

// firstWord appends the first word of t in lower case, without
// punctuation, to dst (a buffer on the caller's stack).
func firstWord(dst []byte, t string) []byte {
	for i := 0; i < len(t); i++ { // strings.IndexAny(t, " \t,:;"), without the set that builds
		if c := t[i]; c == ' ' || c == '\t' || c == ',' || c == ':' || c == ';' {
			t = t[:i]
			break
		}
	}
	if len(t) > 40 {
		return dst
	}
	return appendLower(dst, t)
}

// disclaimerWord reports whether w (lower case) is the first word of a
// disclaimer disclaimerRE knows, or starts like one.
func disclaimerWord(w []byte) bool {
	switch string(w) {
	case "diese", "der", "wenn", "sollten", "falls", "vertraulichkeitshinweis",
		"rechtlicher", "haftungsausschluss", "pflichtangaben", "sitz", "vorstand",
		"registergericht", "amtsgericht", "handelsregister", "bitte", "this",
		"the", "if", "confidentiality", "disclaimer", "legal", "registered",
		"company", "please":
		return true
	}
	return bytes.HasPrefix(w, []byte("gesch")) || bytes.HasPrefix(w, []byte("aufsichtsrat")) || bytes.HasPrefix(w, []byte("ust"))
}

var disclaimerRE = regexp.MustCompile(`(?i)^(?:` +
	`diese (?:e-?mail|nachricht|mail)\b.{0,80}\b(?:vertraulich|ausschlie(?:ß|ss)lich f(?:ü|ue)r|rechtlich gesch(?:ü|ue)tzt)|` +
	`der inhalt dieser (?:e-?mail|nachricht)\b.{0,40}vertraulich|` +
	`(?:wenn|sollten|falls) sie nicht der (?:richtige|beabsichtigte|vorgesehene) (?:adressat|empf(?:ä|ae)nger)|` +
	`vertraulichkeitshinweis|rechtlicher hinweis|haftungsausschluss|pflichtangaben|` +
	`sitz der gesellschaft|gesch(?:ä|ae)ftsf(?:ü|ue)hr(?:er|ung|erin)\s*:|vorstand\s*:|aufsichtsrat(?:svorsitz\w*)?\s*:|` +
	`registergericht|amtsgericht \p{L}|handelsregister|ust-?id|` +
	`bitte (?:denken sie an die umwelt|(?:pr(?:ü|ue)fen sie|überlegen sie), ob sie diese e-?mail (?:wirklich )?ausdrucken)|` +
	`this (?:e-?mail|message|communication)\b.{0,80}\b(?:confidential|privileged|intended (?:only|solely) for)|` +
	`the information (?:contained )?in this (?:e-?mail|message|communication)|` +
	`if you (?:are not|have received this).{0,40}(?:intended recipient|in error)|` +
	`confidentiality (?:notice|note|statement)|disclaimer\s*:?|legal notice|` +
	`registered (?:office|in england)|company registration|` +
	`please consider the environment before printing` +
	`)`)

// isDisclaimer reports whether t starts a legal disclaimer or a company
// footer.
func isDisclaimer(t string) bool {
	var buf [64]byte
	w := firstWord(buf[:0], t)
	if !disclaimerWord(w) {
		return false
	}
	if next := disclaimerNext(w); next != "" && len(t) >= len(w) && isASCIIString(t[:len(w)]) {
		// t starts with w as it stands (the word ends there). Its
		// phrases need a space after w and a second word starting with
		// a letter of next, in either case; only 's' of those also
		// matches a letter outside ASCII, so a second word starting
		// outside ASCII is given to the regular expression.
		if len(t) < len(w)+2 || t[len(w)] != ' ' {
			return false
		}
		if c := t[len(w)+1]; c < utf8.RuneSelf && strings.IndexByte(next, c|0x20) < 0 {
			return false
		}
	}
	return disclaimerRE.MatchString(t)
}

// disclaimerNext is the first letters of the second words of the
// phrases of disclaimerRE that start with the word w, for a w that
// starts no phrase of one word; else "".
func disclaimerNext(w []byte) string {
	switch string(w) {
	case "diese":
		return "enm" // e-mail, email, nachricht, mail
	case "der", "the":
		return "i" // inhalt, information
	case "wenn", "sollten", "falls":
		return "s" // sie
	case "bitte":
		return "dp" // denken, prüfen, pruefen (überlegen starts outside ASCII)
	case "this":
		return "emc" // e-mail, email, message, communication
	case "if":
		return "y" // you
	case "please", "company":
		return "cr" // consider, registration
	case "confidentiality":
		return "ns" // notice, note, statement
	case "legal":
		return "n" // notice
	case "registered":
		return "oi" // office, in
	case "sitz":
		return "d" // der
	case "rechtlicher":
		return "h" // hinweis
	}
	return ""
}
