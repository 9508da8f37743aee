package classifier

import (
	"slices"
	"sort"
)

// refExplain is Explain as it was before it worked from the prediction's
// features: the text extracted again with a readable name per feature key,
// vectorised, every contribution to label computed and the whole list
// sorted. It is the reference the O(features) explanation must match bit
// for bit.
func (m *Model) refExplain(text, label string, n int) []Contribution {
	j, ok := slices.BinarySearch(m.labels, label)
	if !ok || n <= 0 {
		return nil
	}
	ex := newExtractor(m.fo)
	ex.names = make(map[uint32]string)
	var r raw
	ex.extract(text, &r)
	var v sparse
	m.voc.vectorize(&r, m.fo.CharWeight, &v)
	k := len(m.labels)
	out := make([]Contribution, 0, len(v.idx))
	for i, c := range v.idx {
		w := float64(v.val[i]) * float64(m.w.scale[c]) * float64(m.w.q[int(c)*k+j])
		if w <= 0 {
			continue
		}
		out = append(out, Contribution{Feature: ex.names[m.voc.keys[c]], Weight: w})
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Weight != out[b].Weight {
			return out[a].Weight > out[b].Weight
		}
		return out[a].Feature < out[b].Feature
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
