package report

import (
	"slices"

	"github.com/antwort-dev/antwort/classifier"
)

// NoLabel stands for an empty label (an empty message predicts none) in
// matrices and figures.
const NoLabel = "(none)"

// labelsOf returns the union of the model's labels and every gold and
// predicted label in outs, sorted; an empty label becomes NoLabel.
func labelsOf(outs []classifier.Outcome, labels []string) []string {
	seen := make(map[string]bool, len(labels))
	var out []string
	add := func(l string) {
		if l == "" {
			l = NoLabel
		}
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	for _, l := range labels {
		add(l)
	}
	for _, o := range outs {
		add(o.Gold)
		add(o.Predicted)
	}
	slices.Sort(out)
	return out
}

func orNone(l string) string {
	if l == "" {
		return NoLabel
	}
	return l
}

// confusionCounts returns the confusion matrix over labels: m[g][p] counts
// outcomes with gold labels[g] predicted as labels[p].
func confusionCounts(outs []classifier.Outcome, labels []string) [][]int {
	idx := make(map[string]int, len(labels))
	for i, l := range labels {
		idx[l] = i
	}
	m := make([][]int, len(labels))
	for i := range m {
		m[i] = make([]int, len(labels))
	}
	for _, o := range outs {
		g, okg := idx[orNone(o.Gold)]
		p, okp := idx[orNone(o.Predicted)]
		if okg && okp {
			m[g][p]++
		}
	}
	return m
}

// Order returns labels (the model's labels and every label seen in outs)
// ordered so that labels confused with each other sit next to each other:
// average-linkage agglomerative clustering on the symmetric off-diagonal
// confusion counts, each merge joining the two clusters at their most
// confused ends. Groups that are confused come first, largest confusion
// first; labels confused with nothing follow in alphabetical order. The
// result is deterministic.
func Order(outs []classifier.Outcome, labels []string) []string {
	all := labelsOf(outs, labels)
	n := len(all)
	cm := confusionCounts(outs, all)
	sim := make([][]float64, n)
	for i := range sim {
		sim[i] = make([]float64, n)
		for j := range n {
			if i != j {
				sim[i][j] = float64(cm[i][j] + cm[j][i])
			}
		}
	}
	// Clusters as ordered member lists; w[a][b] is the summed similarity
	// between clusters a and b (Lance–Williams update for average linkage).
	clusters := make([][]int, n)
	w := make([][]float64, n)
	for i := range n {
		clusters[i] = []int{i}
		w[i] = slices.Clone(sim[i])
	}
	alive := make([]bool, n)
	for i := range alive {
		alive[i] = true
	}
	internal := make([]float64, n) // confusion inside each cluster
	for {
		ba, bb, best := -1, -1, 0.0
		for a := range n {
			if !alive[a] {
				continue
			}
			for b := a + 1; b < n; b++ {
				if !alive[b] || w[a][b] == 0 {
					continue
				}
				link := w[a][b] / float64(len(clusters[a])*len(clusters[b]))
				if link > best {
					ba, bb, best = a, b, link
				}
			}
		}
		if ba < 0 {
			break
		}
		clusters[ba] = join(clusters[ba], clusters[bb], sim)
		internal[ba] += internal[bb] + w[ba][bb]
		for c := range n {
			if alive[c] && c != ba && c != bb {
				w[ba][c] += w[bb][c]
				w[c][ba] = w[ba][c]
			}
		}
		alive[bb] = false
		clusters[bb] = nil
	}
	var groups [][]int
	var order []float64
	var single []int
	for a := range n {
		if !alive[a] {
			continue
		}
		if len(clusters[a]) == 1 {
			single = append(single, clusters[a][0])
			continue
		}
		groups = append(groups, clusters[a])
		order = append(order, internal[a])
	}
	idx := make([]int, len(groups))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(x, y int) int {
		switch {
		case order[x] > order[y]:
			return -1
		case order[x] < order[y]:
			return 1
		}
		return 0
	})
	out := make([]string, 0, n)
	for _, g := range idx {
		for _, i := range groups[g] {
			out = append(out, all[i])
		}
	}
	for _, i := range single {
		out = append(out, all[i])
	}
	return out
}

// join concatenates a and b, each possibly reversed, so that the two
// labels that meet are the most confused pair among the four choices.
func join(a, b []int, sim [][]float64) []int {
	ra, rb := reversed(a), reversed(b)
	best, pick := -1.0, 0
	for k, pair := range [][2][]int{{a, b}, {a, rb}, {ra, b}, {ra, rb}} {
		if s := sim[pair[0][len(pair[0])-1]][pair[1][0]]; s > best {
			best, pick = s, k
		}
	}
	var x, y []int
	switch pick {
	case 0:
		x, y = a, b
	case 1:
		x, y = a, rb
	case 2:
		x, y = ra, b
	default:
		x, y = ra, rb
	}
	return append(slices.Clone(x), y...)
}

func reversed(s []int) []int {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

// mostConfused returns the k labels with the most off-diagonal confusion
// (as gold or as prediction), in the order of labels.
func mostConfused(outs []classifier.Outcome, labels []string, k int) []string {
	if len(labels) <= k {
		return labels
	}
	errs := make(map[string]int)
	for _, o := range outs {
		if o.Gold != o.Predicted {
			errs[orNone(o.Gold)]++
			errs[orNone(o.Predicted)]++
		}
	}
	ranked := slices.Clone(labels)
	slices.SortStableFunc(ranked, func(x, y string) int { return errs[y] - errs[x] })
	keep := make(map[string]bool, k)
	for _, l := range ranked[:k] {
		keep[l] = true
	}
	var out []string
	for _, l := range labels {
		if keep[l] {
			out = append(out, l)
		}
	}
	return out
}
