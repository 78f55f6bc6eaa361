package groupcache

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestGhostQueueMatchesModel runs random adds, takes and lookups of a few
// hashes, under a limit that changes as a cache's entry count does,
// against a plain list of the remembered adds. Few hashes make the same
// hash often sit in the ring several times, taken or not, which is where
// forgetting the oldest add could forget a newer one.
func TestGhostQueueMatchesModel(t *testing.T) {
	type add struct {
		h    uint32
		live bool
	}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 15))
		var q ghostQueue
		var model []add
		limit := 1 + rng.IntN(12)
		for op := range 2000 {
			h := uint32(rng.IntN(8))
			switch rng.IntN(8) {
			case 0:
				limit = 1 + rng.IntN(12)
			case 1, 2:
				got := q.take(h)
				want := false
				for i := range model {
					if model[i].h == h && model[i].live {
						want = true
						model[i].live = false
					}
				}
				if got != want {
					t.Fatalf("seed %d op %d: take(%d) = %v, want %v", seed, op, h, got, want)
				}
			case 3, 4:
				want := slices.Contains(model, add{h, true})
				if got := q.contains(h); got != want {
					t.Fatalf("seed %d op %d: contains(%d) = %v, want %v", seed, op, h, got, want)
				}
			default:
				q.add(h, limit)
				model = append(model, add{h, true})
				if len(model) > limit {
					model = model[len(model)-limit:]
				}
			}
			if q.n != len(model) {
				t.Fatalf("seed %d op %d: %d hashes in the ring, want %d", seed, op, q.n, len(model))
			}
		}
	}
}
