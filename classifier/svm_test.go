package classifier

import (
	"context"
	"math"
	"testing"
)

// primal returns the L2-loss SVM objective of the weights w and bias b
// (the bias regularised as a weight, as svm learns it) for label on rows.
func primal(ds *dataset, rows []int, label int, c float64, w []float32, b float32) float64 {
	obj := float64(b) * float64(b)
	for _, x := range w {
		obj += float64(x) * float64(x)
	}
	obj /= 2
	for _, r := range rows {
		idx, val := ds.row(r)
		m := float64(b)
		for t, col := range idx {
			m += float64(w[col]) * float64(val[t])
		}
		y := -1.0
		if int(ds.y[r]) == label {
			y = 1
		}
		if xi := 1 - y*m; xi > 0 {
			obj += c * xi * xi
		}
	}
	return obj
}

// demoDataset vectorises the demo corpus's intent examples.
func demoDataset(t *testing.T) (*dataset, int) {
	t.Helper()
	examples := sample(t)
	raws, err := extractAll(context.Background(), examples, Options{}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	fo := FeatureOptions{}.withDefaults()
	voc := buildVocab(raws, fo)
	ds := vectorizeAll(raws, &voc, fo.CharWeight)
	labels := map[string]int32{}
	for _, ex := range examples {
		if _, ok := labels[ex.Label]; !ok {
			labels[ex.Label] = int32(len(labels))
		}
		ds.y = append(ds.y, labels[ex.Label])
	}
	return &ds, len(labels)
}

// TestWarmStartReachesColdOptimum fits every label along a path of
// costs, each warm-started from the one before (as the C search does),
// and checks that each fit's objective is within 1% of a fit from zero,
// and that it needs fewer passes over the examples in all.
func TestWarmStartReachesColdOptimum(t *testing.T) {
	ds, k := demoDataset(t)
	var rows []int
	for i := range ds.y {
		if i%3 != 0 {
			rows = append(rows, i)
		}
	}
	ctx := context.Background()
	warm, cold := newSVM(ds, 60, 1), newSVM(ds, 60, 1)
	for label := range k {
		for i, c := range []float64{0.25, 0.5, 1, 4} {
			warm.reseed(uint64(label))
			ww, wb := warm.train(ctx, rows, label, c, i > 0)
			cold.reseed(uint64(label))
			cw, cb := cold.train(ctx, rows, label, c, false)
			pw, pc := primal(ds, rows, label, c, ww, wb), primal(ds, rows, label, c, cw, cb)
			if math.Abs(pw-pc) > 0.01*pc {
				t.Errorf("label %d, C %v: objective %.6g warm-started, %.6g from zero", label, c, pw, pc)
			}
		}
	}
	if warm.visits >= cold.visits {
		t.Errorf("warm starts visited %d examples, fits from zero %d", warm.visits, cold.visits)
	}
	t.Logf("examples visited: %d warm-started, %d from zero", warm.visits, cold.visits)
}

// sample returns the demo corpus's intent examples.
func sample(t *testing.T) []Example {
	t.Helper()
	ex := loadJSONL(t, "../testdata/demo/train.jsonl", "lang", "de", "intent")
	return append(ex, loadJSONL(t, "../testdata/demo/train.jsonl", "lang", "en", "intent")...)
}
