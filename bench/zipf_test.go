package bench

import (
	"math/rand/v2"
	"testing"
)

func TestZipfFrequencies(t *testing.T) {
	const n, draws = 1000, 200_000
	z := NewZipf(rand.New(rand.NewPCG(3, 4)), 1.0, n)
	counts := make([]int, n)
	for range draws {
		k := z.Next()
		if k < 0 || k >= n {
			t.Fatalf("Next() = %d, outside [0, %d)", k, n)
		}
		counts[k]++
	}
	// With s = 1, value k is drawn (k+1) times less often than value 0.
	for _, k := range []int{1, 3, 9} {
		ratio := float64(counts[0]) / float64(counts[k])
		want := float64(k + 1)
		if ratio < 0.85*want || ratio > 1.15*want {
			t.Errorf("count(0)/count(%d) = %.2f, want about %.0f", k, ratio, want)
		}
	}
}

func TestZipfUniformAtZero(t *testing.T) {
	z := NewZipf(rand.New(rand.NewPCG(5, 6)), 0, 4)
	counts := make([]int, 4)
	for range 40_000 {
		counts[z.Next()]++
	}
	for k, c := range counts {
		if c < 9_000 || c > 11_000 {
			t.Errorf("count(%d) = %d of 40000, want about 10000 for s = 0", k, c)
		}
	}
}
