package trust

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Upper returns the one-sided Clopper–Pearson upper confidence bound at
// level (e.g. 0.95) on an error rate after k errors in n trials: the
// largest rate under which seeing at most k errors still has probability
// 1-level. It is 1 for n = 0.
func Upper(k, n int, level float64) float64 {
	if n <= 0 || k >= n {
		return 1
	}
	return mathext.InvRegIncBeta(float64(k+1), float64(n-k), level)
}

// Lower returns the one-sided Clopper–Pearson lower confidence bound at
// level on an error rate after k errors in n trials; 0 for k = 0.
func Lower(k, n int, level float64) float64 {
	if k <= 0 || n <= 0 {
		return 0
	}
	if k >= n {
		k = n
		return mathext.InvRegIncBeta(float64(k), 1, 1-level)
	}
	return mathext.InvRegIncBeta(float64(k), float64(n-k+1), 1-level)
}

// Needed returns how many answers, all right, it takes for the upper
// bound at level to reach maxWrong: the "rule of three" generalised.
func Needed(maxWrong, level float64) int {
	if maxWrong <= 0 || maxWrong >= 1 || level <= 0 || level >= 1 {
		return 0
	}
	// Upper(0, n) = 1 - (1-level)^(1/n).
	return int(math.Ceil(math.Log(1-level) / math.Log(1-maxWrong)))
}
