package classifier

import "math"

// trainNB fits complement naive Bayes (Rennie et al., ICML 2003) with
// weight normalisation on the given rows. The score of label j is
// -Σ x_c·ŵ_jc, so that larger is better like the SVM's decision value.
func trainNB(ds *dataset, k int, rows []int, alpha float64, f *fit) {
	d := ds.d
	feat := make([][]float64, k) // per label feature totals
	for j := range feat {
		feat[j] = make([]float64, d)
	}
	all := make([]float64, d)
	for _, r := range rows {
		j := ds.y[r]
		idx, val := ds.row(r)
		for t, c := range idx {
			feat[j][c] += float64(val[t])
			all[c] += float64(val[t])
		}
	}
	var allSum float64
	for _, x := range all {
		allSum += x
	}
	for j := range k {
		var compSum float64
		for c := range d {
			compSum += all[c] - feat[j][c]
		}
		w := make([]float64, d)
		var norm float64
		for c := range d {
			theta := (alpha + all[c] - feat[j][c]) / (alpha*float64(d) + compSum)
			w[c] = math.Log(theta)
			norm += math.Abs(w[c])
		}
		out := make([]float32, d)
		for c := range d {
			out[c] = float32(-w[c] / norm * float64(d))
		}
		f.w[j] = out
		f.bias[j] = 0
	}
}
