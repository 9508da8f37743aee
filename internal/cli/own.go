package cli

import (
	"net/mail"
	"strings"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/reply"
)

// ownMail adds our own addresses and domains to the reply policy, which
// then never answers them, and returns the ingest options that mark mail
// from them as our own (Message.Auto): the address of from (the sender of
// the answers; nil when there is none), its domain when --from was given
// explicitly, the --own-domain values, and what the policy file lists
// under own_addresses.
func ownMail(pol *reply.Policy, from *mail.Address, fromSet bool, domains []string, opts ingest.Options) (ingest.Options, error) {
	var add []string
	if from != nil {
		add = append(add, from.Address)
		if fromSet {
			add = append(add, domainOf(from.Address))
		}
	}
	if err := pol.AddOwn(append(add, domains...)...); err != nil {
		return opts, flagErrorf("%v", err)
	}
	for _, e := range pol.OwnAddresses {
		e = strings.TrimSpace(e)
		if local, _, _ := strings.Cut(e, "@"); strings.Contains(e, "@") && local != "" {
			opts.OwnAddresses = append(opts.OwnAddresses, e)
		} else if e != "" {
			opts.OwnDomains = append(opts.OwnDomains, e)
		}
	}
	return opts, nil
}

// toMailbox is the mailbox a reply to a is addressed to.
func toMailbox(a ingest.Address) mail.Address {
	return mail.Address{Name: a.Name, Address: a.Address}
}

// domainOf returns the lower-cased domain of addr, "" without one.
func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return strings.ToLower(d)
}
