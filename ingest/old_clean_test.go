package ingest

// This file keeps the behaviour of clean.go from before the performance
// work of 2026-12 as the reference the differential tests compare with.
// Identifiers carry the prefix "old"; do not change the code.

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// oldClean separates the new text of a message from its quoted history and
// its signature. It knows the German and English forms of mail clients
// (Outlook, Gmail, Apple Mail, Thunderbird, iOS and Android mail apps):
//
//   - quoted history: lines starting with ">" wherever they are (inline
//     and bottom-posted answers keep the customer's lines in Text), with
//     the oldAttribution line before them; "Am … schrieb …:", "On … wrote:",
//     "… schrieb am …:" also when wrapped over up to three lines;
//     separators such as "-----Ursprüngliche Nachricht-----", "-----Original
//     Message-----", "---------- Forwarded message ---------", "Begin
//     forwarded message:", "Anfang der weitergeleiteten Nachricht:"; Outlook
//     header blocks ("Von:" followed within a few lines by "Gesendet:" or
//     "Datum:" and "Betreff:", in English "From:", "Sent:"/"Date:",
//     "Subject:", also in bold "*Von:*") and the "_____" line above them.
//     A separator, a header block or an oldAttribution not followed by ">"
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
// oldClean accepts "\r\n" and "\n" line endings and returns "\n"; each part
// is trimmed and runs of blank lines are collapsed to one.
func oldClean(text string) Cleaned {
	return oldCleanDepth(text, 0)
}

// oldCleanDepth is oldClean with the recursion depth of the forward fallback.
func oldCleanDepth(text string, depth int) Cleaned {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")

	quoted := make([]bool, len(lines))
	cut, cutBySeparator := oldFindQuotes(lines, quoted)

	// The unquoted lines above the cut, by index.
	var body []int
	for i := 0; i < cut; i++ {
		if !quoted[i] {
			body = append(body, i)
		}
	}
	sig, ps := oldFindSignature(lines, body)

	var textLines, sigLines, quoteLines []string
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
		Text:      oldJoinLines(textLines),
		Quoted:    oldJoinLines(quoteLines),
		Signature: oldJoinLines(sigLines),
	}
	if c.Text == "" && cutBySeparator && depth == 0 {
		if inner := oldForwardedBody(lines[cut:]); inner != "" {
			f := oldCleanDepth(inner, depth+1)
			if f.Text != "" {
				// The forwarded message's own history stays in Quoted as a
				// whole; its signature joins ours.
				c.Text = f.Text
				c.Signature = oldJoinLines([]string{c.Signature, f.Signature})
			}
		}
	}
	return c
}

// oldJoinLines joins lines with "\n", trims the result and collapses runs of
// blank lines to a single blank line.
func oldJoinLines(lines []string) string {
	var b strings.Builder
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
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

// ---- quoted history ----

// oldFindQuotes marks quoted lines and returns the index from which all lines
// are history (len(lines) when there is no such cut) and whether the cut
// was made at a separator or header block (rather than an oldAttribution
// without ">" lines).
func oldFindQuotes(lines []string, quoted []bool) (int, bool) {
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" {
			continue
		}
		if oldIsQuoteLine(t) {
			quoted[i] = true
			continue
		}
		if oldIsSeparator(t) {
			return i, true
		}
		if oldIsUnderscoreLine(t) {
			if j := oldNextNonBlank(lines, i+1); j >= 0 && oldIsHeaderBlock(lines, j) {
				return i, true
			}
		}
		if oldIsHeaderBlock(lines, i) {
			return i, true
		}
		if n := oldAttribution(lines, i); n > 0 {
			j := oldNextNonBlank(lines, i+n)
			if j >= 0 && oldIsQuoteLine(strings.TrimSpace(lines[j])) {
				for k := i; k < i+n; k++ {
					quoted[k] = true
				}
				i += n - 1
				continue
			}
			if oldStrongAttribution(lines, i, n) {
				return i, true
			}
		}
	}
	return len(lines), false
}

func oldNextNonBlank(lines []string, from int) int {
	for j := from; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) != "" {
			return j
		}
	}
	return -1
}

func oldIsQuoteLine(t string) bool { return strings.HasPrefix(t, ">") }

var oldSeparatorRE = regexp.MustCompile(`(?i)^[-_=*\s]*(?:` +
	`urspr(?:ü|ue|u)ngliche nachricht|original[- ]?nachricht|original message|originalnachricht|` +
	`weitergeleitete nachricht|forwarded message|begin forwarded message|` +
	`anfang der weitergeleiteten nachricht|nachricht weitergeleitet|message transféré|message d'origine` +
	`)[-_=*\s:]*$`)

// oldIsSeparator reports whether t is a line that starts quoted or forwarded
// history: "-----Ursprüngliche Nachricht-----", "-------- Original Message
// --------", "---------- Forwarded message ---------", "Begin forwarded
// message:".
func oldIsSeparator(t string) bool {
	if len(t) > 100 {
		return false
	}
	if l := strings.ToLower(t); !strings.Contains(l, "nachricht") && !strings.Contains(l, "message") {
		return false
	}
	if !oldSeparatorRE.MatchString(t) {
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

func oldIsUnderscoreLine(t string) bool {
	return len(t) >= 8 && strings.Trim(t, "_") == ""
}

// oldHeaderName returns the lower-cased field name when t looks like
// "Name: value" or "*Name:* value" with a name from a quoted header block.
func oldHeaderName(t string) string {
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

// oldIsHeaderBlock reports whether the lines from i on are a quoted header
// block: a sender field ("Von:", "From:"), a date field ("Gesendet:",
// "Sent:", "Datum:", "Date:") and a subject field ("Betreff:",
// "Subject:") within seven lines, starting with the sender or the date
// (GMX and WEB.DE put "Gesendet:" first), or all of them on one line.
func oldIsHeaderBlock(lines []string, i int) bool {
	first := strings.TrimSpace(lines[i])
	var from, date, subject bool
	switch oldHeaderName(first) {
	case "von", "from":
		if l := strings.ToLower(first); (strings.Contains(l, "betreff:") || strings.Contains(l, "subject:")) && oldOneLineHeaderRE.MatchString(first) {
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
		switch oldHeaderName(t) {
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

var oldOneLineHeaderRE = regexp.MustCompile(`(?i)^\*?(?:von|from):.{1,200}\b(?:gesendet|sent|datum|date):.{1,100}\b(?:betreff|subject):`)

// Attribution lines. Each must end with ':' and is matched on up to three
// joined lines (Gmail wraps long ones).
var (
	// The joined lines are at most 400 bytes, so unbounded repetitions
	// are fine (and keep the programs small).
	oldAttrStrongRE = regexp.MustCompile(`(?i)^(?:` +
		`am\s.+\s(?:schrieb|schrieben)(?:\s.+)?|` + // Am 12.03.2026 um 10:15 schrieb Max <m@x>:
		`on\s.+\s(?:wrote|writes)|` + // On Thu, Mar 12, 2026 at 10:15 AM Max <m@x> wrote:
		`.+\sschrieb am\s.+|` + // Max <m@x> schrieb am Do., 12. März 2026, 10:15:
		`.+\swrote on\s.+|` +
		`zitat von\s.+|quoting\s.+` + // Horde
		`):$`)
	oldAttrWeakRE = regexp.MustCompile(`(?i)^.+\s(?:schrieb|wrote|writes|hat geschrieben|a écrit)\s?:$`)
)

// oldMayStartAttribution is a cheap test whether line t can start an
// oldAttribution, so that the regular expressions run on few lines.
func oldMayStartAttribution(t string) bool {
	if len(t) > 400 {
		return false
	}
	l := strings.ToLower(t)
	return strings.HasPrefix(l, "am ") || strings.HasPrefix(l, "on ") || strings.HasPrefix(l, "zitat von") ||
		strings.HasPrefix(l, "quoting") || strings.Contains(l, "schrieb") || strings.Contains(l, "wrote") ||
		strings.Contains(l, "writes") || strings.Contains(l, "geschrieben") || strings.Contains(l, "a écrit") ||
		strings.HasSuffix(l, "<")
}

// oldAttribution returns how many lines (1 to 3) starting at i form an
// oldAttribution line, or 0.
func oldAttribution(lines []string, i int) int {
	if !oldMayStartAttribution(strings.TrimSpace(lines[i])) {
		return 0
	}
	joined := ""
	for n := 1; n <= 3 && i+n-1 < len(lines); n++ {
		t := strings.TrimSpace(lines[i+n-1])
		if t == "" || oldIsQuoteLine(t) {
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
			if oldAttrStrongRE.MatchString(joined) || oldAttrWeakRE.MatchString(joined) {
				return n
			}
			return 0
		}
		// Only a line that starts like an oldAttribution may continue.
		if n == 1 && !oldAttrStartRE.MatchString(t) {
			return 0
		}
	}
	return 0
}

var oldAttrStartRE = regexp.MustCompile(`(?i)^(?:am|on)\s|\s(?:schrieb|wrote)\b|<[^>]*$`)

// oldStrongAttribution reports whether the oldAttribution at i (n lines) is
// specific enough to cut the message even without ">" lines below it: the
// "Am … schrieb" / "On … wrote" forms with a time or an address in them.
func oldStrongAttribution(lines []string, i, n int) bool {
	parts := make([]string, 0, n)
	for k := i; k < i+n; k++ {
		parts = append(parts, strings.TrimSpace(lines[k]))
	}
	joined := strings.Join(parts, " ")
	return oldAttrStrongRE.MatchString(joined) && oldTimeOrAddrRE.MatchString(joined)
}

// oldTimeOrAddrRE finds a time of day or an address in an oldAttribution; mail
// clients always write one, a customer's "Am 3.5. schrieb mir Ihr
// Kollege:" has neither.
var oldTimeOrAddrRE = regexp.MustCompile(`\d{1,2}:\d{2}|@`)

// oldForwardedBody returns the first message of quoted history without its
// separator and header block and with one level of ">" removed.
func oldForwardedBody(lines []string) string {
	i := 0
	// Separator and underscore lines.
	for i < len(lines) {
		t := strings.TrimSpace(lines[i])
		if t == "" || oldIsSeparator(t) || oldIsUnderscoreLine(t) {
			i++
			continue
		}
		break
	}
	// Header block fields and their continuation lines, or an oldAttribution.
	if i < len(lines) && oldIsHeaderBlock(lines, i) {
		for i < len(lines) {
			t := strings.TrimSpace(lines[i])
			if t == "" {
				break
			}
			if oldHeaderName(t) == "" && !strings.HasPrefix(lines[i], " ") && !strings.HasPrefix(lines[i], "\t") && !strings.Contains(t, "@") {
				break
			}
			i++
		}
	} else if i < len(lines) {
		if n := oldAttribution(lines, i); n > 0 {
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

// oldFindSignature looks at the body lines (indexes into lines) and returns
// the position in body where the signature starts (len(body) when there
// is none) and where a "P.S." after it starts (len(body) when none).
func oldFindSignature(lines []string, body []int) (int, int) {
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
		case oldIsMobileFooter(t):
			hard = k
		case oldIsDisclaimer(t) && (k == 0 || line(k-1) == ""):
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
		kind := oldSignOff(line(k))
		if kind == noSignOff {
			continue
		}
		if oldSignatureBelow(lines, body, k+1, hard, kind) {
			sig = k
			break
		}
	}
	// A P.S. below the sign-off belongs to the text.
	ps := n
	if sig < n {
		for k := sig + 1; k < n; k++ {
			if oldPsRE.MatchString(line(k)) {
				ps = k
				break
			}
		}
	}
	return sig, ps
}

var oldPsRE = regexp.MustCompile(`^(?i:p\.?\s?s\.?)(?:[:\s]|$)`)

// oldSignatureBelow reports whether body lines [from, to) look like the rest
// of a signature: a few short lines (names, titles, addresses, phone
// numbers, links), no prose. After a weak sign-off ("Thanks,", "Danke")
// a name must follow and at most four lines.
func oldSignatureBelow(lines []string, body []int, from, to int, kind int) bool {
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
		if oldPsRE.MatchString(t) {
			break
		}
		if nonBlank++; nonBlank > limit || oldIsProse(t) {
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

// oldIsProse reports whether t reads like a sentence of a message rather
// than a signature line: a question, a sentence of five or more words
// ending in '.' or '!', or any line of twelve words or more. Contact
// lines and lines split by '|' are never prose.
func oldIsProse(t string) bool {
	if oldContactRE.MatchString(t) || strings.Contains(t, " | ") || strings.Contains(t, "·") {
		return false
	}
	words := 0
	for _, w := range strings.Fields(t) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			words++
		}
	}
	switch {
	case strings.HasSuffix(t, "?"):
		return true
	case words >= 5 && (strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!")):
		return true
	}
	return words >= 12
}

var oldContactRE = regexp.MustCompile(`(?i)@|https?://|www\.|\+?\d[\d /()-]{6,}|^(?:tel|fon|phone|mobil|mobile|fax|e-?mail|web|adresse|address)\b`)

// oldSignOff classifies t as a sign-off line, optionally followed by a short
// name ("Viele Grüße, Max", "Gruß Max", "Cheers, Tom", "Thanks, John").
func oldSignOff(t string) int {
	if len(t) > 80 {
		return noSignOff
	}
	try := func(s string) int {
		// The list of closing formulas is shared with package entity
		// since the old code was kept; the reference keeps the way it
		// is applied.
		switch nlp.SignOff(strings.TrimRight(oldFoldUmlauts(strings.ToLower(s)), " ,.!:;-–")) {
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
		if !oldAllNameWords(words[cut:]) {
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

func oldAllNameWords(ws []string) bool {
	for _, w := range ws {
		w = strings.Trim(w, ",.")
		r, _ := utf8.DecodeRuneInString(w)
		if w == "" || !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

var oldUmlautFolder = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

func oldFoldUmlauts(s string) string { return oldUmlautFolder.Replace(s) }

var oldMobileRE = regexp.MustCompile(`(?i)^(?:` +
	`(?:gesendet|versendet|verschickt) (?:von|mit|über|ueber|vom|via) (?:meinem|meiner|mein|der|dem|einem|einer) .{2,60}|` +
	`von meinem .{2,40} (?:gesendet|verschickt)|` +
	`sent (?:from|with|via|using|by) (?:my |the )?.{2,60}|` +
	`(?:get|holen sie sich) outlook (?:f(?:ü|ue|u)r|for) (?:ios|android).*|` +
	`diese nachricht wurde von meinem .{2,40} gesendet` +
	`)\.?$`)

// oldIsMobileFooter reports whether t is a mail app footer such as "Gesendet
// von meinem iPhone" or "Sent from Outlook for Android".
func oldIsMobileFooter(t string) bool {
	if len(t) > 100 {
		return false
	}
	switch oldFirstWord(t) {
	case "gesendet", "versendet", "verschickt", "von", "sent", "get", "holen", "diese":
		return oldMobileRE.MatchString(t)
	}
	return false
}

// oldFirstWord returns the first word of t in lower case, without
// punctuation.
func oldFirstWord(t string) string {
	if i := strings.IndexAny(t, " \t,:;"); i >= 0 {
		t = t[:i]
	}
	if len(t) > 40 {
		return ""
	}
	return strings.ToLower(t)
}

// oldDisclaimerWords are the first words of the disclaimers oldDisclaimerRE
// knows.
var oldDisclaimerWords = map[string]bool{
	"diese": true, "der": true, "wenn": true, "sollten": true, "falls": true, "vertraulichkeitshinweis": true,
	"rechtlicher": true, "haftungsausschluss": true, "pflichtangaben": true, "sitz": true, "vorstand": true,
	"registergericht": true, "amtsgericht": true, "handelsregister": true, "bitte": true, "this": true,
	"the": true, "if": true, "confidentiality": true, "disclaimer": true, "legal": true, "registered": true,
	"company": true, "please": true,
}

var oldDisclaimerRE = regexp.MustCompile(`(?i)^(?:` +
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

// oldIsDisclaimer reports whether t starts a legal disclaimer or a company
// footer.
func oldIsDisclaimer(t string) bool {
	w := oldFirstWord(t)
	if !oldDisclaimerWords[w] && !strings.HasPrefix(w, "gesch") && !strings.HasPrefix(w, "aufsichtsrat") && !strings.HasPrefix(w, "ust") {
		return false
	}
	return oldDisclaimerRE.MatchString(t)
}
