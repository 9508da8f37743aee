package reply

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

func checkFixed(t *testing.T, v float64) {
	t.Helper()
	for prec := 1; prec <= 3; prec++ {
		if got, want := string(appendFixed(nil, v, prec)), strconv.FormatFloat(v, 'f', prec, 64); got != want {
			t.Fatalf("appendFixed(%v, %d) = %s, strconv says %s", v, prec, got, want)
		}
	}
}

// TestAppendFixedSameAsStrconv: ties, values next to ties, signs,
// limits, and many random values of the ranges Decide formats.
func TestAppendFixedSameAsStrconv(t *testing.T) {
	vs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 0.05, 0.005, 0.0005, 0.125, 0.375, 0.625, 0.875, 0.25, 0.75,
		0.0625, 0.1875, 2.5, 1.005, 0.995, 0.9995, 0.9999, 99.995, -0.001, -0.0049, -0.005, 1e-300, 5e-324,
		0.85, 0.02, 0.01, 0.015, 0.045, 100 * 0.01, 100 * 0.015, 1e11 + 0.5, 999999999999.9995, 1e12, 1e15, 1e300,
		math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), 123456.789}
	for _, v := range vs {
		checkFixed(t, v)
		checkFixed(t, math.Nextafter(v, math.Inf(1)))
		checkFixed(t, math.Nextafter(v, math.Inf(-1)))
	}
	// Every tie and its neighbours up to 20.
	for k := range 40000 {
		for _, scale := range []float64{2, 20, 200, 2000} { // halves of 1, 0.1, 0.01, 0.001
			v := float64(2*k+1) / scale
			checkFixed(t, v)
			checkFixed(t, math.Nextafter(v, 0))
			checkFixed(t, math.Nextafter(v, 100))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		checkFixed(t, r.Float64())
		checkFixed(t, r.NormFloat64()*1000)
		checkFixed(t, math.Float64frombits(r.Uint64()))
	}
}

func FuzzAppendFixed(f *testing.F) {
	f.Add(0.125)
	f.Add(-0.005)
	f.Fuzz(func(t *testing.T, v float64) { checkFixed(t, v) })
}
