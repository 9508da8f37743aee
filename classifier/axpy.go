package classifier

import "gonum.org/v1/gonum/blas/gonum"

// axpy adds alpha times x to y element by element: y[j] += alpha*x[j].
// x has at least len(y) elements.
//
// A row of at least blasMinRow labels goes through gonum's BLAS, whose
// kernel multiplies and adds four float32 at a time with SSE on amd64
// (a third faster than the loop for Banking77's 77 labels, slower for
// the demo's 12, measured): each element gets the same single-precision
// multiply, then add, as in the loop, so the sums are bit for bit the
// same (TestAxpySameAsLoop). BLAS returns at once when alpha is 0,
// leaving -0 and adding no NaN from an infinite x: such rows take the loop.
func axpy(alpha float32, x, y []float32) {
	if len(y) >= blasMinRow && alpha != 0 {
		blas.Saxpy(len(y), alpha, x, 1, y, 1)
		return
	}
	axpyLoop(alpha, x, y)
}

// blasMinRow is the shortest row axpy hands to BLAS.
const blasMinRow = 40

var blas gonum.Implementation

// axpyLoop is axpy in Go, unrolled by 8.
func axpyLoop(alpha float32, x, y []float32) {
	x = x[:len(y)]
	for len(x) >= 8 && len(y) >= 8 {
		x8, y8 := x[:8], y[:8]
		y8[0] += alpha * x8[0]
		y8[1] += alpha * x8[1]
		y8[2] += alpha * x8[2]
		y8[3] += alpha * x8[3]
		y8[4] += alpha * x8[4]
		y8[5] += alpha * x8[5]
		y8[6] += alpha * x8[6]
		y8[7] += alpha * x8[7]
		x, y = x[8:], y[8:]
	}
	for i := range min(len(x), len(y)) {
		y[i] += alpha * x[i]
	}
}
