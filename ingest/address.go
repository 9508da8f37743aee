package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
)

// Address is one mailbox, its display name and its address kept apart
// from parsing to delivery: a reply goes to Address, and nothing written
// in Name is ever read as an address.
//
// For a post (JSONL, CSV) Name holds the author ("@kunde123", "Petra S.")
// when the author is not a mail address.
type Address struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"` // an RFC 5322 addr-spec, "petra@example.com"
}

// ErrAddress is wrapped by the errors of ParseAddress and of Address's
// UnmarshalJSON: a value that is not exactly one mailbox.
var ErrAddress = errors.New("ingest: not one address")

// IsZero reports whether a is empty.
func (a Address) IsZero() bool { return a.Name == "" && a.Address == "" }

// String returns a as a mail client writes it, for people to read and for
// net/mail to parse back into the same name and address: `Petra Schulz
// <petra@example.com>`, `"Hoffmann, Brigitte" <n1@kunde.example>` (the
// name quoted when it holds anything but letters, digits, spaces and the
// characters RFC 5322 allows in an atom), the address alone without a
// name, the name alone without an address. Names stay UTF-8.
func (a Address) String() string {
	switch {
	case a.Address == "":
		return a.Name
	case a.Name == "":
		return a.Address
	}
	return quotePhrase(a.Name) + " <" + a.Address + ">"
}

// quotePhrase returns name as an RFC 5322 phrase: as it is when every word
// is an atom (UTF-8 letters allowed, RFC 6532), else as a quoted string.
func quotePhrase(name string) string {
	plain := !strings.HasPrefix(name, "=?") // not to be taken for an encoded word
	for _, r := range name {
		if r != ' ' && !isAtext(r) {
			plain = false
			break
		}
	}
	if plain && strings.TrimSpace(name) == name && !strings.Contains(name, "  ") {
		return name
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range name {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// isAtext reports whether r may appear in an RFC 5322 atom (RFC 6532:
// any non-ASCII character too).
func isAtext(r rune) bool {
	switch {
	case r >= utf8.RuneSelf:
		return unicode.IsPrint(r)
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
}

// UnmarshalJSON reads an address given as an object {"name", "address"}
// or as a string in any form ParseAuthor takes. A list, a group, an
// object whose address is not one addr-spec, or anything else is an
// error wrapping ErrAddress.
func (a *Address) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseAuthor(s)
		if err != nil {
			return err
		}
		*a = v
		return nil
	case len(b) > 0 && b[0] == '{':
		type plain Address
		var p plain
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return fmt.Errorf("%w: %v", ErrAddress, err)
		}
		v, err := checkAddress(Address(p))
		if err != nil {
			return err
		}
		*a = v
		return nil
	}
	return fmt.Errorf("%w: want a string or an object with name and address", ErrAddress)
}

// checkAddress validates a mailbox given in parts: Address must be one
// addr-spec (or empty), Name is cleaned of control characters.
func checkAddress(a Address) (Address, error) {
	a.Name = headerText(a.Name)
	a.Address = strings.TrimSpace(a.Address)
	if a.Address == "" {
		return a, nil
	}
	addr, ok := addrSpec(a.Address)
	if !ok {
		return Address{}, fmt.Errorf("%w: address %q is not one mail address", ErrAddress, truncate(a.Address, 80))
	}
	a.Address = addr
	return a, nil
}

// addrSpec returns s when it is exactly one RFC 5322 addr-spec.
func addrSpec(s string) (string, bool) {
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return "", false
	}
	a, err := mail.ParseAddress("<" + s + ">")
	if err != nil || a.Name != "" || !strings.Contains(a.Address, "@") {
		return "", false
	}
	return a.Address, true
}

// ParseAddress reads s as exactly one mailbox in the forms mail clients
// write: "petra@example.com", "Petra Schulz <petra@example.com>",
// `"Hoffmann, Brigitte" <n1@kunde.example>`, RFC 2047 encoded names in any
// charset, UTF-8 names; and, as Outlook and some scripts write them, an
// unquoted name with a comma or semicolon before a single <address>
// ("Hoffmann, Brigitte <n1@kunde.example>"), as long as that name holds no
// '@' of its own. A list of several mailboxes, a group ("Kunden: a@x;"),
// an empty value or anything without an address is an error wrapping
// ErrAddress that says which.
func ParseAddress(s string) (Address, error) {
	s = strings.TrimSpace(toUTF8(s))
	if s == "" {
		return Address{}, fmt.Errorf("%w: empty", ErrAddress)
	}
	list, err := parseAddressList(s)
	if err != nil {
		return Address{}, err
	}
	switch len(list) {
	case 0:
		return Address{}, fmt.Errorf("%w: %q holds no address", ErrAddress, truncate(headerText(s), 80))
	case 1:
		return list[0], nil
	}
	var addrs []string
	for _, a := range list {
		addrs = append(addrs, a.Address)
	}
	return Address{}, fmt.Errorf("%w: %d addresses (%s); a reply goes to exactly one", ErrAddress, len(list), truncate(strings.Join(addrs, ", "), 120))
}

// ParseAuthor reads the author of a post or API message: a mailbox as
// ParseAddress takes it, or, when s holds no '@' or is a handle
// ("@kunde123"), a name without address. A list, a group or a malformed
// address is an error wrapping ErrAddress.
func ParseAuthor(s string) (Address, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Address{}, nil
	}
	if isHandle(s) || !strings.Contains(s, "@") && !strings.ContainsAny(s, "<>") {
		return Address{Name: headerText(s)}, nil
	}
	return ParseAddress(s)
}

// isHandle reports whether s is a social media handle: "@" and a name of
// letters, digits, '_', '.' or '-'.
func isHandle(s string) bool {
	rest, ok := strings.CutPrefix(s, "@")
	if !ok || rest == "" || len(rest) > 64 {
		return false
	}
	for _, r := range rest {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

// parseAddressList parses an address header value (raw: RFC 2047 words
// not yet decoded) into its mailboxes. A group is an error: From and
// Reply-To must name mailboxes.
func parseAddressList(s string) ([]Address, error) {
	if a, ok := simpleMailbox(s); ok {
		return []Address{a}, nil
	}
	return parseAddressListMail(s)
}

// simpleMailbox reads the one mailbox of the most common values, as
// parseAddressListMail does, without net/mail: "local@domain",
// "<local@domain>" and "Name Words <local@domain>", where the name is
// words of ASCII letters, digits and '-' between single spaces, the local
// part and the domain dot-atoms of ASCII letters, digits, '-' (and in the
// local part '_' and '+'). ok is false for anything else.
func simpleMailbox(s string) (a Address, ok bool) {
	addr := s
	if rest, found := strings.CutSuffix(s, ">"); found {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			return Address{}, false
		}
		if i > 0 {
			name, found := strings.CutSuffix(rest[:i], " ")
			if !found {
				return Address{}, false
			}
			switch ascii, ok := simpleWords(name); {
			case !ok:
				return Address{}, false
			case ascii:
				a.Name = name // what headerText gives for it
			default:
				a.Name = headerText(name) // as parseAddressListMail cleans net/mail's name
			}
		}
		addr = rest[i+1:]
	}
	local, domain, found := strings.Cut(addr, "@")
	if !found || !dotAtom(local, "_+") || !dotAtom(domain, "") {
		return Address{}, false
	}
	a.Address = addr
	return a, true
}

// simpleWords reports whether s is words of ASCII letters, digits, '-'
// and characters of more than one byte in valid UTF-8 (which net/mail
// takes for atom text), between single spaces; ascii reports whether s is
// all ASCII.
func simpleWords(s string) (ascii, ok bool) {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false, false
	}
	ascii = true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			ascii = false
		} else if c != ' ' && c != '-' && !isAlnum(c) {
			return false, false
		}
	}
	return ascii, ascii || utf8.ValidString(s)
}

// dotAtom reports whether s is ASCII letters, digits, '-' and the bytes
// of extra, in parts between single dots.
func dotAtom(s, extra string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && c != '-' && !isAlnum(c) && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// parseAddressListMail is parseAddressList with net/mail.
func parseAddressListMail(s string) ([]Address, error) {
	if isGroup(s) {
		return nil, fmt.Errorf("%w: %q is a group; a reply goes to one mailbox", ErrAddress, truncate(headerText(s), 80))
	}
	p := mail.AddressParser{WordDecoder: wordDecoder}
	list, err := p.ParseList(s)
	if err != nil {
		if a, ok := lenientMailbox(s); ok {
			return []Address{a}, nil
		}
		return nil, fmt.Errorf("%w: %q: %v", ErrAddress, truncate(headerText(s), 80), strings.TrimPrefix(err.Error(), "mail: "))
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, Address{Name: headerText(a.Name), Address: a.Address})
	}
	return out, nil
}

// lenientMailbox reads the one mailbox of a value net/mail rejects
// because of an unquoted display name: "Hoffmann, Brigitte <n1@x.example>",
// "Brigitte [Kunde] <n1@x.example>". It takes the value only when it ends
// with the one '<' … '>' in it, what stands there is an addr-spec, and the
// name before it has no '@' (so no second address hides in it).
func lenientMailbox(s string) (Address, bool) {
	s = strings.TrimSpace(s)
	i := strings.IndexByte(s, '<')
	if i < 0 || !strings.HasSuffix(s, ">") || strings.Count(s, "<") != 1 || strings.Count(s, ">") != 1 {
		return Address{}, false
	}
	name := s[:i]
	if strings.ContainsRune(name, '@') {
		return Address{}, false
	}
	addr, ok := addrSpec(strings.TrimSpace(s[i+1 : len(s)-1]))
	if !ok {
		return Address{}, false
	}
	name = strings.TrimSpace(name)
	if len(name) >= 2 && name[0] == '"' && name[len(name)-1] == '"' {
		name = strings.ReplaceAll(strings.ReplaceAll(name[1:len(name)-1], `\"`, `"`), `\\`, `\`)
	}
	if d, err := wordDecoder.DecodeHeader(name); err == nil {
		name = d
	}
	return Address{Name: headerText(name), Address: addr}, true
}

// isGroup reports whether an address header value uses group syntax
// ("name: addr, addr;"): a ':' outside quoted strings, comments and
// angle brackets.
func isGroup(s string) bool {
	depth, angle, quoted := 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && (quoted || depth > 0):
			i++
		case quoted:
			quoted = c != '"'
		case c == '"' && depth == 0:
			quoted = true
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth > 0:
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case c == ':' && !angle:
			return true
		}
	}
	return false
}

// wordDecoder decodes RFC 2047 encoded words in any charset
// golang.org/x/text knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return nil, fmt.Errorf("unknown charset %s", strconv.Quote(charset))
	}
	return enc.NewDecoder().Reader(input), nil
}}

// addressHeader is an address header of a mail: its mailboxes, or why
// they could not be read.
type addressHeader struct {
	raw   string // the value as written, encoded words and all
	addrs []Address
	err   error // wraps ErrAddress; nil when raw is empty
}

func readAddressHeader(raw string) addressHeader {
	h := addressHeader{raw: strings.TrimSpace(raw)}
	if h.raw != "" {
		h.addrs, h.err = parseAddressList(toUTF8(h.raw))
	}
	return h
}

// one returns the header's mailbox when it holds exactly one, and a
// warning naming the field otherwise (empty when the header is absent).
func (h addressHeader) one(field string) (Address, string) {
	switch {
	case h.raw == "":
		return Address{}, ""
	case h.err != nil:
		return Address{}, field + ": " + strings.TrimPrefix(h.err.Error(), ErrAddress.Error()+": ")
	case len(h.addrs) == 1:
		return h.addrs[0], ""
	case len(h.addrs) == 0:
		return Address{}, field + ": no address"
	}
	var addrs []string
	for _, a := range h.addrs {
		addrs = append(addrs, a.Address)
	}
	return Address{}, fmt.Sprintf("%s: %d addresses (%s); a reply goes to exactly one", field, len(h.addrs), truncate(strings.Join(addrs, ", "), 120))
}

// Recipient returns the one mailbox a reply to m goes to: Reply-To's when
// the mail has a Reply-To with exactly one valid address, else From's. It
// is the zero Address (or, for a post, the author without address) when
// there is none: a From with several addresses or a group gets no reply.
func (m *Message) Recipient() Address {
	if m.ReplyTo.Address != "" {
		return m.ReplyTo
	}
	return m.From
}
