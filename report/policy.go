package report

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/antwort-dev/antwort/reply"
)

// Keys of the reply policy that UpdatePolicy sets.
const (
	keyThreshold  = "intent_threshold"
	keyThresholds = "intent_thresholds"
)

// UpdatePolicy returns the YAML of a reply policy (see reply.Policy) with
// the advice's thresholds: intent_threshold is set to the global
// threshold and intent_thresholds to the intents with a threshold of their
// own, each with a comment giving its held-out support and precision.
// Every other key of existing, and its comments, are kept; existing may be
// empty (a new policy with defaults for the rest). note, if not empty,
// becomes the comment above intent_threshold. The result is checked with
// reply.ParsePolicy. Thresholds are rounded down to 4 decimals, so an
// answer the advice admits stays admitted.
func UpdatePolicy(existing []byte, a *Advice, note string) ([]byte, error) {
	doc, err := policyDoc(existing)
	if err != nil {
		return nil, err
	}
	m := doc.Content[0]
	global, per := a.Thresholds()
	tk, _ := setKey(m, keyThreshold, scalar(global))
	if note != "" {
		tk.HeadComment = note
	}
	tm := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, l := range slices.Sorted(maps.Keys(per)) {
		ia := a.Intents[l]
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: l}
		v := scalar(per[l])
		if ia.Source == Never {
			v.LineComment = fmt.Sprintf("never reaches %s precision on %d held-out predictions", pct(a.TargetPrecision), ia.Support)
		} else {
			v.LineComment = fmt.Sprintf("%d held-out predictions: %s answered, %s right", ia.Support, pct(ia.Coverage), pct(ia.Precision))
		}
		tm.Content = append(tm.Content, k, v)
	}
	if len(tm.Content) == 0 {
		tm.Style = yaml.FlowStyle
	}
	setKey(m, keyThresholds, tm)
	return encodePolicy(doc)
}

// SetFittedRule returns the YAML of a reply policy with max_wrong and the
// fitted send rule (auto) set to r's, or both removed for a nil r, keeping
// every other key of existing and its comments; existing may be empty.
// note, if not empty, becomes the comment above max_wrong. The result is
// checked with reply.ParsePolicy.
func SetFittedRule(existing []byte, r *reply.FittedRule, note string) ([]byte, error) {
	doc, err := policyDoc(existing)
	if err != nil {
		return nil, err
	}
	m := doc.Content[0]
	if r == nil {
		for i := 0; i+1 < len(m.Content); {
			if k := m.Content[i].Value; k == "max_wrong" || k == "auto" {
				m.Content = append(m.Content[:i], m.Content[i+2:]...)
				continue
			}
			i += 2
		}
		return encodePolicy(doc)
	}
	mk, _ := setKey(m, "max_wrong", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(r.MaxWrong, 'f', -1, 64)})
	if note != "" {
		mk.HeadComment = note
	}
	var auto yaml.Node
	if err := auto.Encode(r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPolicyFile, err)
	}
	ak, _ := setKey(m, "auto", &auto)
	ak.HeadComment = "The send rule fitted by 'antwort policy fit' for max_wrong; fit it again rather than edit it."
	return encodePolicy(doc)
}

// policyDoc parses a policy file into a YAML document whose content is a
// mapping (an empty one for empty input).
func policyDoc(existing []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if len(bytes.TrimSpace(existing)) > 0 {
		if err := yaml.Unmarshal(existing, &doc); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPolicyFile, err)
		}
	}
	if doc.Kind == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: the policy is not a YAML mapping of settings", ErrPolicyFile)
	}
	return &doc, nil
}

// encodePolicy writes the document and checks that it loads.
func encodePolicy(doc *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPolicyFile, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPolicyFile, err)
	}
	if _, err := reply.ParsePolicy(b.Bytes()); err != nil {
		return nil, fmt.Errorf("%w: the result would not load: %v", ErrPolicyFile, err)
	}
	return b.Bytes(), nil
}

// scalar returns a YAML float node with v rounded down to 4 decimals.
func scalar(v float64) *yaml.Node {
	v = math.Floor(v*1e4+1e-9) / 1e4
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'f', -1, 64)}
}

// setKey sets key to value in mapping m, keeping the key's position and
// comments if it exists, else appending it (so that comments above the
// existing keys stay where they are). It returns the key node and whether
// it existed.
func setKey(m *yaml.Node, key string, value *yaml.Node) (*yaml.Node, bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			value.LineComment = firstNonEmpty(value.LineComment, m.Content[i+1].LineComment)
			m.Content[i+1] = value
			return m.Content[i], true
		}
	}
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	m.Content = append(m.Content, k, value)
	return k, false
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
