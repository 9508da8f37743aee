package classifier

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAxpySameAsLoop checks that axpy, through BLAS for long rows, sums
// bit for bit what the Go loop does, for every row length around the
// switch and for awkward values (subnormals, large, negative zero).
func TestAxpySameAsLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	special := []float32{0, float32(math.Copysign(0, -1)), 1e-45, -1e-40, 3.4e38, -3.4e38, 1, -1}
	value := func() float32 {
		if rng.IntN(8) == 0 {
			return special[rng.IntN(len(special))]
		}
		return float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-3)))
	}
	for n := range 3*blasMinRow + 40 {
		for trial := range 20 {
			// Offsets make unaligned slices, which the kernel handles
			// apart.
			off := trial % 4
			x := make([]float32, n+off+trial%3)
			y := make([]float32, n+off)
			for i := range x {
				x[i] = value()
			}
			for i := range y {
				y[i] = value()
			}
			alpha := value()
			want := append([]float32(nil), y[off:]...)
			axpyLoop(alpha, x[off:], want)
			got := append(make([]float32, off), y[off:]...)[off:]
			axpy(alpha, x[off:], got)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
					t.Fatalf("n=%d off=%d alpha=%v: element %d is %v, the loop gives %v", n, off, alpha, i, got[i], want[i])
				}
			}
		}
	}
}

func BenchmarkAxpy(b *testing.B) {
	for _, n := range []int{12, 24, 32, 48, 77} {
		x, y := make([]float32, 64*n), make([]float32, n)
		for i := range x {
			x[i] = float32(i%13) * 0.1
		}
		for _, impl := range []struct {
			name string
			f    func(float32, []float32, []float32)
		}{{"loop", axpyLoop}, {"axpy", axpy}} {
			b.Run(impl.name+"/"+string(rune('0'+n/10))+string(rune('0'+n%10)), func(b *testing.B) {
				i := 0
				for b.Loop() {
					r := (i * 37) % 64
					impl.f(0.5, x[r*n:r*n+n], y)
					i++
				}
			})
		}
	}
}
