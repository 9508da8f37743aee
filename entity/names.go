package entity

import (
	"bytes"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// Genders reported in Set.Gender. The empty string means unknown.
const (
	GenderFemale = "f"
	GenderMale   = "m"
)

// Values of Set.NameSource.
const (
	NameSourceFrom      = "from"      // display name of the From header
	NameSourceSignature = "signature" // line after a sign-off such as "Viele Grüße"
	NameSourceNER       = "ner"       // named-entity recogniser (English only)
)

// personName is a customer name split into its parts.
type personName struct {
	first, last string
	title       string // "", "Dr.", "Prof." or "Prof. Dr."
	gender      string // from an honorific only; "" when there was none
	family      bool   // "Familie Schulz", "Family Smith"
}

// full returns the name as the customer would write it, without honorific
// or title: "Petra Schulz", "Familie Schulz".
func (p personName) full() string {
	switch {
	case p.family && p.first == "":
		return "Familie " + p.last
	case p.first == "":
		return p.last
	case p.last == "":
		return p.first
	}
	return p.first + " " + p.last
}

// nameFromHeader returns the person in the display name of a From header
// value such as `Petra Schulz <petra@example.de>` or `"Schulz, Petra"
// <p@example.de>`. A role or no-reply address (service@, info@, noreply@ …)
// yields nothing, whatever its display name says, and so does a display
// name that does not look like a person's name. A From value without an
// address (chat handles, plain names) is taken as the display name.
func nameFromHeader(from string) (personName, bool) {
	from = strings.TrimSpace(from)
	if from == "" {
		return personName{}, false
	}
	display, addr := splitFrom(from)
	if addr != "" && isRoleAddress(addr) {
		return personName{}, false
	}
	if strings.Contains(display, "@") {
		return personName{}, false
	}
	return parsePersonName(display)
}

// splitFrom splits a From header into display name and address. It uses
// net/mail (which also decodes RFC 2047 words) and falls back to a lenient
// split at the last '<' for values net/mail rejects, such as an unquoted
// "Schulz, Petra <p@example.de>".
func splitFrom(from string) (display, addr string) {
	if display, addr, ok := splitPlainFrom(from); ok {
		return display, addr
	}
	if a, err := mail.ParseAddress(from); err == nil {
		return a.Name, a.Address
	}
	if i := strings.LastIndexByte(from, '<'); i >= 0 {
		display = from[:i]
		addr = from[i+1:]
		if j := strings.IndexByte(addr, '>'); j >= 0 {
			addr = addr[:j]
		}
		return strings.Trim(strings.TrimSpace(display), `"'`), strings.TrimSpace(addr)
	}
	if strings.Contains(from, "@") && !strings.ContainsAny(from, " \t") {
		return "", from
	}
	return strings.Trim(from, `"'`), ""
}

// splitPlainFrom splits the common From value `Petra Schulz
// <petra.schulz@example.de>` as net/mail does, without its work: ok is
// true only for a display name of atoms (letters, digits and such, UTF-8
// allowed; no '=', which might start an encoded word) separated by single
// spaces, then blanks and an address of two dot-atoms in angle brackets,
// with nothing after it.
func splitPlainFrom(from string) (display, addr string, ok bool) {
	i := strings.IndexByte(from, '<')
	if i <= 0 || from[len(from)-1] != '>' {
		return "", "", false
	}
	addr = from[i+1 : len(from)-1]
	local, domain, _ := strings.Cut(addr, "@")
	if !plainDotAtom(local) || !plainDotAtom(domain) || len(local)+1+len(domain) != len(addr) {
		return "", "", false
	}
	display = strings.TrimRight(from[:i], " \t")
	if display == "" {
		return "", "", false
	}
	word := 0 // runes in the current word
	for j := 0; j < len(display); {
		c := display[j]
		switch {
		case c == ' ':
			if word == 0 {
				return "", "", false // a leading or second blank
			}
			word = 0
			j++
			continue
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(display[j:])
			if r == utf8.RuneError && size == 1 {
				return "", "", false
			}
			j += size
		case c == '=' || !isAtextByte(c):
			return "", "", false
		default:
			j++
		}
		word++
	}
	return display, addr, true
}

// plainDotAtom reports whether s is an RFC 5322 dot-atom of ASCII
// characters: atoms joined by single dots.
func plainDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && !isAtextByte(c) {
			return false
		}
	}
	return true
}

// isAtextByte reports whether the ASCII byte c may stand in an RFC 5322
// dot-atom: a visible character other than the specials but '.'.
func isAtextByte(c byte) bool { return atextBytes[c] }

var atextBytes = func() (t [256]bool) {
	for c := byte('!'); c <= '~'; c++ {
		t[c] = strings.IndexByte(`()<>[]:;@\,"`, c) < 0
	}
	return t
}()

// isRoleAddress reports whether the mailbox is a shared, role or
// no-reply address whose display name does not name a person.
func isRoleAddress(addr string) bool {
	local, _, _ := strings.Cut(strings.TrimSpace(addr), "@")
	local, _, _ = strings.Cut(local, "+")
	local = nlp.Fold(local)
	for _, p := range []string{"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "mailer-daemon", "bounce"} {
		if strings.HasPrefix(local, p) {
			return true
		}
	}
	switch local {
	case "info", "service", "support", "kundenservice", "kundendienst", "kontakt", "contact",
		"hello", "hallo", "mail", "email", "e-mail", "office", "buero", "admin", "administrator",
		"postmaster", "hostmaster", "webmaster", "notification", "notifications", "notify",
		"alert", "alerts", "newsletter", "news", "marketing", "sales", "vertrieb", "billing",
		"invoice", "invoices", "rechnung", "rechnungen", "buchhaltung", "accounting", "order",
		"orders", "bestellung", "bestellungen", "shop", "team", "help", "hilfe", "helpdesk",
		"feedback", "abuse", "security", "privacy", "datenschutz", "jobs", "careers",
		"bewerbung", "presse", "press", "reply", "system", "daemon", "root", "verwaltung",
		"zentrale", "empfang", "reception", "service-team", "customerservice", "customer-service":
		return true
	}
	return false
}

// SplitName splits a person's name, read as Extract reads names in From
// headers and signatures ("Petra Schulz", "Schulz, Petra", "Frau Dr.
// Petra Schulz"), into first and last name without honorific or title.
// Either part may be empty ("Petra", "Frau Schulz"). ok is false when s
// does not look like a person's name (a company, a role, a sentence).
func SplitName(s string) (first, last string, ok bool) {
	p, ok := parsePersonName(s)
	return p.first, p.last, ok
}

// parsePersonName parses s as a person's name: 1–4 capitalised words
// without digits, optionally preceded by an honorific (Frau, Herr, Mr, Mrs,
// Ms, Miss), an academic title (Dr., Prof.), "Familie"/"Family", or a
// German signing prefix (i. A., i. V., ppa., Ihr/Ihre). "Schulz, Petra" is
// read as "Petra Schulz". Parenthesised and bracketed parts and anything
// after " | " or " - " are dropped. Words written in capitals are
// converted to title case. It reports false for anything else, including
// company names (GmbH, Ltd, Team, Kundenservice …).
func parsePersonName(s string) (personName, bool) {
	if len(s) > 200 {
		return personName{}, false
	}
	s = dropBracketed(s)
	for _, sep := range []string{" | ", " / ", " - ", " – ", " — ", "\t"} {
		if i := strings.Index(s, sep); i >= 0 {
			s = s[:i]
		}
	}
	s = strings.Trim(strings.TrimSpace(s), `"'„“”‚‘’,;:`)
	if s == "" || len(s) > 120 {
		return personName{}, false
	}
	if left, right, ok := strings.Cut(s, ","); ok {
		right = strings.TrimSpace(right)
		lw := strings.Fields(left)
		rw := strings.Fields(right)
		if len(lw) == 1 && len(rw) >= 1 && len(rw) <= 3 && !strings.Contains(right, ",") {
			// "Schulz, Petra" or "Schulz, Dr. Petra": swap, unless the
			// part after the comma is not a name ("Petra, Berlin" is not
			// told apart from that; both read as one person).
			if p, ok := parseNameWords(append(rw, lw...)); ok {
				return p, true
			}
		}
		s = left
	}
	var arr [8]string
	return parseNameWords(appendFields(arr[:0], s))
}

// appendFields appends the words of s, as strings.Fields splits them, to
// words.
func appendFields(words []string, s string) []string {
	start := -1 // of the current word
	for i, r := range s {
		switch {
		case !unicode.IsSpace(r):
			if start < 0 {
				start = i
			}
		case start >= 0:
			words = append(words, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

// foldBytes returns nlp.Fold(w) as bytes: in buf, without allocating, when
// w is ASCII (as most words of names are) and fits.
func foldBytes(buf *[32]byte, w string) []byte {
	if len(w) > len(buf) {
		return []byte(nlp.Fold(w))
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= utf8.RuneSelf:
			return []byte(nlp.Fold(w))
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c < ' ' || c == 0x7f:
			c = ' '
		}
		buf[i] = c
	}
	return buf[:len(w)]
}

// parseNameWords does the work of parsePersonName on words.
func parseNameWords(words []string) (personName, bool) {
	var p personName
	var dr, prof bool
	var buf, buf1 [32]byte
	// Leading prefixes, honorifics and titles, in any order.
prefixes:
	for len(words) > 0 {
		f := foldBytes(&buf, words[0])
		if len(words) > 1 && (string(f) == "i." || string(f) == "i") {
			if n := foldBytes(&buf1, words[1]); string(n) == "a." || string(n) == "v." {
				words = words[2:] // "i. A. Petra Schulz"
				continue
			}
		}
		switch string(f) {
		case "i.a.", "i.v.", "ppa.", "ppa", "i.a", "i.v", "ihr", "ihre", "dein", "deine", "euer", "eure", "yours":
		case "frau", "fr.", "mrs", "mrs.", "ms", "ms.", "miss":
			p.gender = GenderFemale
		case "herr", "hr.", "herrn", "mr", "mr.":
			p.gender = GenderMale
		case "familie", "family", "fam.":
			p.family = true
		case "dr.", "dr":
			dr = true
		case "med.", "dent.", "vet.", "rer.", "nat.", "phil.", "jur.", "oec.", "pol.", "h.c.", "habil.", "ing.", "mult.":
			if !dr {
				break prefixes
			}
			// "Dr. med.", "Dr. rer. nat."
		case "prof.", "prof", "professor", "professorin":
			prof = true
		default:
			switch {
			case bytes.HasPrefix(f, []byte("dr.")): // "Dr.-Ing.", "Dr.med."
				dr = true
			case bytes.HasPrefix(f, []byte("dipl.")) || bytes.HasPrefix(f, []byte("dipl-")):
			default:
				break prefixes
			}
		}
		words = words[1:]
	}
	// Trailing degrees and suffixes.
	for len(words) > 1 {
		switch string(bytes.Trim(foldBytes(&buf, words[len(words)-1]), ".,")) {
		case "jr", "sr", "phd", "ph.d", "mba", "msc", "m.sc", "bsc", "b.sc", "m.a", "b.a", "ll.m", "iii", "ii":
			words = words[:len(words)-1]
			continue
		}
		break
	}
	if len(words) == 0 || len(words) > 5 {
		return personName{}, false
	}
	capital := 0
	for i, w := range words {
		if isParticle(w) {
			if i == len(words)-1 {
				return personName{}, false
			}
			continue
		}
		if !isNameWord(w) || isNotNameWord(w) {
			return personName{}, false
		}
		words[i] = titleCaseIfUpper(w)
		capital++
	}
	if capital == 0 || capital > 4 {
		return personName{}, false
	}
	switch {
	case prof && dr:
		p.title = "Prof. Dr."
	case prof:
		p.title = "Prof."
	case dr:
		p.title = "Dr."
	}
	// The last name is the last word with the particles before it.
	i := len(words) - 1
	for i > 0 && isParticle(words[i-1]) {
		i--
	}
	if len(words) == 1 && p.gender == "" && p.title == "" && !p.family {
		// A single word without an honorific is how people sign with
		// their first name ("LG\nPetra").
		p.first = words[0]
		return p, true
	}
	p.last = strings.Join(words[i:], " ")
	p.first = strings.Join(words[:i], " ")
	if p.first != "" && isParticle(words[0]) {
		return personName{}, false
	}
	return p, true
}

// dropBracketed removes "(…)" and "[…]" parts.
func dropBracketed(s string) string {
	for _, pair := range [][2]byte{{'(', ')'}, {'[', ']'}} {
		for {
			i := strings.IndexByte(s, pair[0])
			if i < 0 {
				break
			}
			j := strings.IndexByte(s[i:], pair[1])
			if j < 0 {
				s = s[:i]
				break
			}
			s = s[:i] + " " + s[i+j+1:]
		}
	}
	return s
}

// isParticle reports whether w is a lower-case name particle such as
// "von" or "van".
func isParticle(w string) bool {
	switch w {
	case "von", "vom", "van", "de", "der", "den", "del", "della", "di", "da", "du", "zu", "zur", "zum", "ten", "ter", "la", "le":
		return true
	}
	return false
}

// isNameWord reports whether w looks like one word of a person's name:
// an upper-case letter followed by letters, with inner hyphens or
// apostrophes ("Müller-Lüdenscheidt", "O'Brien"), or an initial ("M.").
func isNameWord(w string) bool {
	if w == "" || len(w) > 40 {
		return false
	}
	first, size := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(first) {
		return false
	}
	rest := w[size:]
	if rest == "." {
		return true // initial
	}
	prevJoin := false
	for _, r := range rest {
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
			prevJoin = false
		case r == '-' || r == '\'' || r == '’':
			if prevJoin {
				return false
			}
			prevJoin = true
		default:
			return false
		}
	}
	return !prevJoin
}

// titleCaseIfUpper turns an all-capital word of two or more letters into
// title case ("SCHULZ" → "Schulz", "MÜLLER-LÜDENSCHEIDT" →
// "Müller-Lüdenscheidt").
func titleCaseIfUpper(w string) string {
	letters := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return w
			}
			letters++
		}
	}
	if letters < 2 {
		return w
	}
	var b strings.Builder
	start := true
	for _, r := range w {
		if start {
			b.WriteRune(r)
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		start = r == '-' || r == '\'' || r == '’'
	}
	return b.String()
}

// isNotNameWord reports capitalised words that appear in signatures and
// display names but are not part of a person's name: company forms,
// departments, greetings, contact labels.
func isNotNameWord(w string) bool {
	var buf [32]byte
	switch string(bytes.Trim(foldBytes(&buf, w), ".,;:!")) {
	case "gmbh", "ag", "kg", "ug", "ohg", "gbr", "ev", "e.v", "mbh", "co", "ltd", "inc", "llc", "plc",
		"corp", "corporation", "company", "limited", "gesellschaft", "holding", "group", "gruppe",
		"team", "service", "services", "support", "kundenservice", "kundendienst", "customer",
		"shop", "store", "versand", "abteilung", "department", "sales", "vertrieb",
		"buchhaltung", "verwaltung", "hausverwaltung", "info", "mail", "e-mail", "email", "admin",
		"office", "newsletter", "redaktion", "praxis", "kanzlei", "bank", "versicherung",
		"stadtwerke", "online", "hotline", "zentrale", "management", "marketing",
		"tel", "telefon", "phone", "mobil", "mobile", "handy", "fax", "web", "www", "adresse",
		"address", "strasse", "str", "deutschland", "germany",
		"sent", "gesendet", "von", "from", "iphone", "android", "outlook",
		"gruesse", "gruss", "gruessen", "regards", "thanks", "thank", "danke", "dank", "cheers",
		"hallo", "hello", "hi", "dear", "sehr", "geehrte", "geehrter", "liebe", "lieber",
		"guten", "tag", "mfg", "lg", "vg", "sincerely", "best", "kind", "freundlichen", "viele",
		"beste", "herzliche", "schoene", "ich", "wir", "bitte", "please", "the", "und", "and",
		"kunde", "kundin", "anonym", "anonymous", "unknown", "unbekannt", "user", "nutzer", "test":
		return true
	}
	return false
}

// genderOfFirstName returns the gender of a common, unambiguous German or
// English first name, or "" for any other. For a double name
// ("Hans-Peter", "Anna Maria") the first part decides. Names used for
// both sexes (Kim, Alex, Chris, Andrea, Sascha, Robin, Luca, Kai …) are
// deliberately missing.
func genderOfFirstName(first string) string {
	if first == "" {
		return ""
	}
	f := nlp.Fold(first)
	if i := strings.IndexAny(f, " -"); i > 0 {
		if g := genderOfFirstName(f[:i]); g != "" {
			return g
		}
	}
	switch f {
	// German female
	case "anna", "anja", "angelika", "anke", "annette", "antje", "barbara", "bettina", "birgit",
		"brigitte", "carina", "carolin", "caroline", "christa", "christiane", "christina",
		"christine", "claudia", "cornelia", "daniela", "diana", "doris", "dorothea", "elena",
		"elisabeth", "elke", "emilia", "emma", "erika", "eva", "franziska", "gabriele", "gisela",
		"hannah", "hanna", "heike", "helga", "ilse", "ines", "ingrid", "iris", "jana", "janina",
		"jasmin", "johanna", "julia", "jutta", "karin", "katharina", "kathrin", "katrin",
		"kerstin", "klara", "clara", "lara", "laura", "lea", "lena", "lina", "lisa", "luisa",
		"magdalena", "manuela", "maren", "maria", "marie", "marina", "marion", "martina",
		"melanie", "mia", "michaela", "miriam", "monika", "nadine", "natalie", "nicole", "nina",
		"petra", "renate", "rita", "ruth", "sabine", "sabrina", "sandra", "sara", "sarah",
		"silke", "simone", "sofia", "sophie", "sonja", "stefanie", "stephanie", "susanne",
		"svenja", "tanja", "theresa", "ulrike", "ursula", "ute", "vanessa", "verena", "yvonne",
		"gudrun", "hildegard", "irmgard", "waltraud", "heidi", "beate", "dagmar", "regina",
		// English female
		"amanda", "amy", "ashley", "betty", "carol", "catherine", "charlotte", "deborah", "donna",
		"elizabeth", "emily", "grace", "helen", "jennifer", "jessica", "joan", "karen", "kate",
		"kathleen", "kimberly", "linda", "margaret", "mary", "megan", "melissa", "michelle",
		"nancy", "olivia", "patricia", "rachel", "rebecca", "sharon", "susan", "victoria",
		"amelia", "chloe", "ella", "isabella", "lucy", "ava", "jane", "judith", "alice", "anne",
		"ann", "diane", "julie", "heather", "samantha", "emilie", "sophia", "abigail", "ellie":
		return GenderFemale
	// German male
	case "alexander", "andreas", "axel", "benjamin", "bernd", "bjoern", "christian",
		"christoph", "daniel", "david", "dennis", "dieter", "dirk", "elias", "felix", "finn",
		"florian", "frank", "friedrich", "georg", "gerhard", "guenter", "guenther", "hans",
		"harald", "heinz", "helmut", "holger", "horst", "jan", "jens", "jonas", "joerg", "josef",
		"juergen", "karl", "klaus", "lars", "leon", "lukas", "lucas", "marcel", "marco",
		"markus", "marcus", "martin", "matthias", "max", "maximilian", "michael", "moritz",
		"niklas", "nils", "noah", "oliver", "patrick", "paul", "peter", "philipp", "rainer",
		"ralf", "reinhard", "robert", "roland", "rolf", "ruediger", "sebastian", "stefan",
		"stephan", "sven", "thomas", "thorsten", "torsten", "tim", "tobias", "uwe", "volker",
		"walter", "werner", "wolfgang", "ben", "jakob", "johannes", "julian", "heiko", "olaf",
		"ulrich", "manfred", "kurt", "otto", "hermann", "ernst", "fritz", "gustav", "hubert",
		"detlef", "norbert", "wilhelm", "dominik", "fabian", "kevin",
		// English male
		"james", "john", "william", "richard", "joseph", "charles", "christopher", "matthew",
		"anthony", "mark", "donald", "steven", "andrew", "joshua", "kenneth", "brian", "george",
		"edward", "ronald", "timothy", "jason", "jeffrey", "ryan", "jacob", "gary", "eric",
		"stephen", "jonathan", "larry", "justin", "scott", "brandon", "samuel", "gregory",
		"raymond", "jack", "jerry", "tyler", "aaron", "henry", "harry", "liam", "ethan", "oscar",
		"alfie", "arthur", "leo", "freddie", "adam", "simon", "neil", "ian", "gavin", "graham",
		"nigel", "stuart", "colin", "alan", "keith", "tom", "mike", "steve", "dave", "bob",
		"bill", "jim", "joe", "nick", "douglas", "philip", "roger", "terry":
		return GenderMale
	}
	return ""
}

// extractName fills the name fields of e.
func (x *Extractor) extractName(e *Set, from, text, lang string) {
	fromName, okFrom := nameFromHeader(from)
	sigName, okSig := nameFromSignature(text)
	var p personName
	switch {
	case okFrom:
		p = fromName
		e.NameSource = NameSourceFrom
		if okSig && samePerson(fromName, sigName) {
			// "Petra Schulz <…>" signing as "Frau Dr. Petra Schulz".
			if p.gender == "" {
				p.gender = sigName.gender
			}
			if p.title == "" {
				p.title = sigName.title
			}
		}
	case okSig:
		p = sigName
		e.NameSource = NameSourceSignature
	case x.persons != nil && lang == nlp.English:
		names, err := x.persons.Persons(text)
		if err != nil {
			return
		}
		found := false
		for _, n := range names {
			if q, ok := parsePersonName(n); ok && q.first != "" && q.last != "" {
				p, found = q, true
			}
		}
		if !found {
			return
		}
		e.NameSource = NameSourceNER
	default:
		return
	}
	e.Name = p.full()
	e.FirstName = p.first
	e.LastName = p.last
	e.Title = p.title
	e.Gender = p.gender
	if e.Gender == "" {
		e.Gender = genderOfFirstName(p.first)
	}
}

// samePerson reports whether two parsed names plausibly name the same
// person: the same last name, or the same first name when one of them
// has no last name.
func samePerson(a, b personName) bool {
	if a.last != "" && b.last != "" {
		return nlp.Fold(a.last) == nlp.Fold(b.last)
	}
	return a.first != "" && nlp.Fold(a.first) == nlp.Fold(b.first)
}

// signatureWindow is how many non-empty lines at the end of a text are
// searched for a sign-off.
const signatureWindow = 15

// nameFromSignature finds the customer's name after the last sign-off in
// the last lines of text. Quoted lines ("> …") are ignored.
func nameFromSignature(text string) (personName, bool) {
	// The last signatureWindow lines that are neither blank nor quoted,
	// trimmed: lines[first:] in order, gathered in a ring.
	var ring, lines [signatureWindow]string
	n := 0
	for rest := text; ; {
		l := rest
		i := strings.IndexByte(rest, '\n')
		if i >= 0 {
			l, rest = rest[:i], rest[i+1:]
		}
		if l = strings.TrimSpace(l); l != "" && l[0] != '>' {
			ring[n%signatureWindow] = l
			n++
		}
		if i < 0 {
			break
		}
	}
	first := signatureWindow - min(n, signatureWindow)
	for k := first; k < signatureWindow; k++ {
		lines[k] = ring[(n+k)%signatureWindow]
	}
	for k := signatureWindow - 1; k >= first; k-- {
		line := lines[k]
		var rest string
		if line == "--" {
			rest = ""
		} else {
			n, r := signOffPrefix(line)
			if n == 0 {
				continue
			}
			rest = r
		}
		if rest != "" {
			if p, ok := parsePersonName(rest); ok {
				return p, true
			}
			if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsLower(r) {
				continue
			}
			// "Viele Grüße aus Berlin", "Thanks for your help": the name
			// may follow on the next line.
		}
		if k+1 < signatureWindow {
			if p, ok := parsePersonName(lines[k+1]); ok {
				return p, true
			}
		}
	}
	return personName{}, false
}

// signOffPrefix reports how many words at the start of line form a
// sign-off ("Mit freundlichen Grüßen", "LG", "Thanks,") and what follows
// them, with separating punctuation removed. A line made of two sign-offs
// ("Mit freundlichen Grüßen / Kind regards") has an empty rest.
func signOffPrefix(line string) (int, string) {
	// Every phrase tried below begins with the first word, folded: most
	// lines are ruled out by it alone.
	first := strings.TrimLeftFunc(line, unicode.IsSpace)
	if i := strings.IndexFunc(first, unicode.IsSpace); i >= 0 {
		first = first[:i]
	}
	if !nlp.SignOffStart(first) {
		return 0, ""
	}
	var arr [8]string
	words := appendFields(arr[:0], line)
	// The first five words folded and joined once: Fold folds rune by
	// rune and the words end at blanks, so the phrase of the first n
	// words, folded, is folded[:ends[n-1]].
	var ends [5]int
	var b strings.Builder
	for n, w := range words[:min(5, len(words))] {
		if n > 0 {
			b.WriteByte(' ')
		}
		nlp.FoldAppend(&b, w)
		ends[n] = b.Len()
	}
	folded := b.String()
	for n := min(5, len(words)); n >= 1; n-- {
		phrase := strings.TrimRight(folded[:ends[n-1]], ",.!:;-–")
		if !isSignOff(phrase) {
			continue
		}
		rest := strings.TrimLeft(strings.Join(words[n:], " "), ",.!:;-–/| ")
		if f := strings.Fields(rest); len(f) <= 5 && isSignOff(strings.TrimRight(nlp.Fold(strings.Join(f, " ")), ",.!:;-–")) {
			rest = "" // "Mit freundlichen Grüßen / Kind regards"
		}
		return n, rest
	}
	return 0, ""
}

// isSignOff reports whether the folded, trimmed phrase is a closing
// formula: one of those the mail cleaner cuts off (nlp.SignOff).
func isSignOff(f string) bool { return nlp.SignOff(f) != nlp.NoSignOff }
