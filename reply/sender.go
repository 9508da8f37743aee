package reply

import (
	"strings"
	"unicode/utf8"
)

// Sender addresses are read for every message, twice (the rate limit's
// key and the policy), and net/mail's parser took a fifth of Decide's
// time. plainMailbox reads the forms mail comes with by hand and leaves
// everything else to net/mail; sender_test.go compares both.

// plainMailbox returns the addr-spec of s, a From value without leading
// or trailing white space, when s is in one of the plain forms
// net/mail.ParseAddress reads as that addr-spec:
//
//	local@domain
//	<local@domain>
//	Display Name <local@domain>
//	"Display, Name" <local@domain>
//
// local and domain are ASCII dot-atoms (no leading, trailing or double
// dot); the display name is words of atom characters (UTF-8 letters
// allowed, no encoded words) or one quoted string. ok is false for any
// other s, which may still be an address (net/mail decides).
func plainMailbox(s string) (spec string, ok bool) {
	if s == "" {
		return "", false
	}
	if s[len(s)-1] != '>' {
		return s, plainSpec(s)
	}
	lt := strings.LastIndexByte(s, '<')
	if lt < 0 {
		return "", false
	}
	spec = s[lt+1 : len(s)-1]
	if !plainSpec(spec) || !plainPhrase(strings.TrimRight(s[:lt], " \t")) {
		return "", false
	}
	return spec, true
}

// plainSpec reports whether s is local@domain with both parts ASCII
// dot-atoms.
func plainSpec(s string) bool {
	at := strings.IndexByte(s, '@')
	return at >= 0 && dotAtom(s[:at]) && dotAtom(s[at+1:])
}

// dotAtom reports whether s is a non-empty run of ASCII atom characters
// and dots, with no dot first, last or beside another.
func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if s[i+1] == '.' {
				return false
			}
			continue
		}
		if !atomByte[c] {
			return false
		}
	}
	return true
}

// plainPhrase reports whether s is empty, one quoted string, or words of
// atom characters and dots (valid UTF-8 beyond ASCII) apart by spaces or
// tabs that net/mail takes as they are: none looks like an encoded word
// ("=?").
func plainPhrase(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == '"' {
		return plainQuoted(s)
	}
	if strings.Contains(s, "=?") {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !atomByte[c] && c != '.' && c != ' ' && c != '\t' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}

// plainQuoted reports whether s is exactly one quoted string whose
// characters net/mail accepts: printable ASCII, spaces, tabs and valid
// UTF-8 beyond ASCII, '"' and '\' only escaped.
func plainQuoted(s string) bool {
	for i := 1; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			return i == len(s)-1
		case c == '\\':
			if i+1 == len(s) {
				return false
			}
			i++
			if s[i] < utf8.RuneSelf {
				if !quotedByte(s[i]) && s[i] != '"' && s[i] != '\\' {
					return false
				}
				i++
				continue
			}
		case c < utf8.RuneSelf:
			if !quotedByte(c) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return false // no closing quote
}

// quotedByte reports whether the ASCII byte c may stand unescaped in a
// quoted string: printable but '"' and '\', space or tab.
func quotedByte(c byte) bool {
	return c >= ' ' && c <= '~' && c != '"' && c != '\\' || c == '\t'
}

// atomByte marks RFC 5322's ASCII atom characters (atext): letters,
// digits and !#$%&'*+-/=?^_`{|}~.
var atomByte = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = !strings.ContainsRune(`()<>[]:;@\,".`, c)
	}
	return t
}()

// defaultNoReply is the default policy's pattern of automatic senders;
// matchNoReply matches it without the regexp engine.
const defaultNoReply = `(?i)^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?|notifications?)([+.\-_].*)?@`

// noReplyNames are the names defaultNoReply starts with, each spelling.
var noReplyNames = []string{
	"noreply", "no-reply", "donotreply", "do-notreply", "donot-reply", "do-not-reply",
	"mailer-daemon", "postmaster", "bounce", "bounces", "notification", "notifications",
}

// matchNoReply reports whether defaultNoReply matches s.
func matchNoReply(s string) bool {
	for _, name := range noReplyNames {
		rest, ok := cutPrefixFold(s, name)
		if !ok || rest == "" {
			continue
		}
		switch rest[0] {
		case '@':
			return true
		case '+', '.', '-', '_':
			// ".*@": an '@' before the first line break.
			if i := strings.IndexAny(rest[1:], "@\n"); i >= 0 && rest[1+i] == '@' {
				return true
			}
		}
	}
	return false
}

// cutPrefixFold returns s after prefix when s starts with prefix (ASCII
// lower case) as a regexp with (?i) matches it (see foldsTo).
func cutPrefixFold(s, prefix string) (string, bool) {
	i := 0
	for j := 0; j < len(prefix); j++ {
		if i == len(s) {
			return "", false
		}
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if !foldsTo(r, prefix[j]) {
			return "", false
		}
		i += size
	}
	return s[i:], true
}

// foldsTo reports whether r case-folds to the ASCII character p (lower
// case when a letter): p itself, the capital letter, and KELVIN SIGN
// for 'k' and LATIN SMALL LETTER LONG S for 's'.
func foldsTo(r rune, p byte) bool {
	switch {
	case r == rune(p):
		return true
	case 'a' <= p && p <= 'z':
		return r == rune(p-'a'+'A') || p == 's' && r == '\u017f' || p == 'k' && r == '\u212a'
	}
	return false
}
