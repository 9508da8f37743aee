package reply

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// keyComments explain each key of a policy file, in DefaultYAML.
var keyComments = map[string]string{
	"max_wrong": "Target for automatic answers: at most this share of them wrong (e.g. 0.01).\n" +
		"Set by 'antwort policy fit --max-wrong P', which also writes the rule (auto:) fitted for it\n" +
		"on your labelled mail. 0: no target; intent_threshold and kb_threshold decide.",
	"intent_threshold":  "Without a fitted rule: least intent confidence for an automatic answer.",
	"intent_thresholds": "Without a fitted rule: the same per intent ('antwort policy suggest' writes these).",
	"kb_threshold":      "Without a fitted rule: least knowledge-base score of the chosen article.",
	"min_scope":         "No automatic answer for a mail unlike the training data (scope below this): likely a request no intent covers.",
	"max_negative":      "No automatic answer when P(negative) (trained model or built-in lexicon) reaches this: the customer is upset.",
	"escalate_negative": "Escalate when P(negative) reaches this; 1 = off (anger escalates, see escalate_anger).",
	"escalate_anger":    "Escalate when the anger score (insults, threats, legal steps, ultimatums, shouting) reaches this.",
	"escalate_words":    "Escalate a mail with any of these words (case and umlaut spelling ignored): legal steps, security, fraud.",
	"never_auto":        "Intents never answered automatically.",
	"vips":              "Sender addresses or @domains whose mail is escalated.",
	"no_reply":          "Regular expressions on the sender address of automatic senders: their mail is ignored.",
	"channels":          "Channels on which automatic answers are allowed.",
	"rate_limit":        "At most max automatic answers per sender within per (0 = none, negative = no limit).",
	"brand": "How answers are signed and sent: company, from (one address, never answered),\n" +
		"sign_off per language (de, en) or language/channel (en/twitter), footer per language (e-mail only).",
}

// DefaultYAML returns the default policy as a policy file, every key with
// its default value and a comment saying what it does. 'antwort init'
// writes it, and the documentation shows it.
func DefaultYAML() ([]byte, error) {
	var doc yaml.Node
	if err := doc.Encode(DefaultPolicy()); err != nil {
		return nil, err
	}
	m := doc
	if m.Kind == yaml.DocumentNode {
		m = *m.Content[0]
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if c, ok := keyComments[k.Value]; ok {
			k.HeadComment = c
		}
	}
	var b bytes.Buffer
	b.WriteString("# antwort reply policy. Every key is optional: what the file leaves out keeps\n" +
		"# the default shown here, and a value written here is the value used.\n\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&m); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\n# Your own formats of order, customer, contract and ticket numbers, regular\n" +
		"# expressions whose first group is the number, for example:\n" +
		"# patterns:\n#   order: ['\\b(NL-\\d{6})\\b']\n#   customer: ['\\bKD-(\\d{7})\\b']\n")
	return b.Bytes(), nil
}
