package bench

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Zipf draws integers in [0, n) where k has probability proportional to
// 1/(k+1)^s. Unlike math/rand's Zipf, which needs s > 1, it takes any
// s >= 0, and so the classic s = 1 of cache workloads. It inverts the
// cumulative distribution, precomputed in O(n) memory, by binary search.
type Zipf struct {
	r   *rand.Rand
	cdf []float64 // cdf[k] = P(X <= k); cdf[n-1] = 1
}

// NewZipf returns a sampler of n values with exponent s drawing from r.
// It panics if n < 1 or s < 0.
func NewZipf(r *rand.Rand, s float64, n int) *Zipf {
	if n < 1 || s < 0 {
		panic("bench: NewZipf needs n >= 1 and s >= 0")
	}
	cdf := make([]float64, n)
	sum := 0.0
	for k := range cdf {
		sum += math.Pow(float64(k+1), -s)
		cdf[k] = sum
	}
	for k := range cdf {
		cdf[k] /= sum
	}
	cdf[n-1] = 1 // no rounding may leave a draw beyond the last value
	return &Zipf{r: r, cdf: cdf}
}

// Next returns the next value.
func (z *Zipf) Next() int {
	return sort.SearchFloat64s(z.cdf, z.r.Float64())
}
