package classifier

import (
	"context"
	"math/rand/v2"
	"slices"
)

// CrossPredict trains folds models on examples, each without one
// stratified fold, and returns for every example the prediction (all
// labels as alternatives) of the model that did not see it: out-of-fold
// predictions, what a model trained on all the examples is expected to do
// on new text of the same kind. Folds are drawn with opts.Seed. Labels
// with fewer examples than folds appear in some folds only; an example
// whose label its fold model lacks is still predicted (wrongly).
func CrossPredict(ctx context.Context, examples []Example, opts Options, folds int) ([]Prediction, error) {
	if folds < 2 {
		return nil, errorf("cross-prediction needs at least 2 folds, got %d", folds)
	}
	fold := Folds(examples, folds, opts.Seed)
	out := make([]Prediction, len(examples))
	for f := range folds {
		var train []Example
		for i, ex := range examples {
			if fold[i] != f {
				train = append(train, ex)
			}
		}
		m, err := Train(ctx, train, opts)
		if err != nil {
			return nil, err
		}
		for i, ex := range examples {
			if fold[i] == f {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				out[i] = m.PredictTop(ex.Text, -1)
			}
		}
	}
	return out, nil
}

// Folds assigns each example one of k folds, stratified by label (each
// label's examples spread evenly) and shuffled with seed (0 means 1).
func Folds(examples []Example, k int, seed int64) []int {
	if seed == 0 {
		seed = 1
	}
	labels := make([]string, 0)
	idx := map[string]int32{}
	y := make([]int32, len(examples))
	for i, ex := range examples {
		j, ok := idx[ex.Label]
		if !ok {
			j = int32(len(labels))
			idx[ex.Label] = j
			labels = append(labels, ex.Label)
		}
		y[i] = j
	}
	// Label order must not depend on example order beyond the labels'
	// first appearance: sort them and renumber.
	sorted := slices.Clone(labels)
	slices.Sort(sorted)
	for i := range y {
		j, _ := slices.BinarySearch(sorted, labels[y[i]])
		y[i] = int32(j)
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x666f6c6473))
	return stratifiedFolds(y, len(sorted), k, rng)
}
