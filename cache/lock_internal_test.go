package cache

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// TestTryLockWorkIsAmortisedOverHeldLocks checks that pruning expired
// tokens looks at O(1) tokens per acquisition however many locks the
// Cache holds, instead of scanning all of them on every TryLock once a
// threshold is passed.
func TestTryLockWorkIsAmortisedOverHeldLocks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache(NewMemoryStore(ctx))
	const held, cycles = 5000, 5000
	for i := range held {
		if ok, err := c.TryLock("held:"+strconv.Itoa(i), time.Hour); !ok || err != nil {
			t.Fatalf("TryLock = %v, %v", ok, err)
		}
	}
	for range cycles {
		if ok, err := c.TryLock("job", time.Minute); !ok || err != nil {
			t.Fatalf("TryLock = %v, %v", ok, err)
		}
		if err := c.Unlock("job"); err != nil {
			t.Fatal(err)
		}
	}
	examined := 0
	for i := range c.shared.locks.stripes {
		s := &c.shared.locks.stripes[i]
		s.mu.Lock()
		examined += s.examined
		s.mu.Unlock()
	}
	// Each prune at least doubles the threshold, so the tokens examined
	// stay within a small multiple of the acquisitions.
	if limit := 4 * (held + cycles); examined > limit {
		t.Fatalf("pruning examined %d tokens for %d acquisitions, want at most %d", examined, held+cycles, limit)
	}
}

// TestTryLockForgetsExpiredTokens checks that tokens of leases left to run
// out are forgotten as more locks are acquired, while live ones stay.
func TestTryLockForgetsExpiredTokens(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache(NewMemoryStore(ctx))
	const n = 4 * lockTableStripes * minLockPrune
	// Leases of a nanosecond have ended by the second prune that sees them.
	for i := range n {
		if ok, _ := c.TryLock("short:"+strconv.Itoa(i), time.Nanosecond); !ok {
			t.Fatal("TryLock failed")
		}
	}
	if ok, _ := c.TryLock("live", time.Hour); !ok {
		t.Fatal("TryLock failed")
	}
	// Four times as many again make every stripe prune at least twice.
	for i := range 4 * n {
		if ok, _ := c.TryLock("again:"+strconv.Itoa(i), time.Hour); !ok {
			t.Fatal("TryLock failed")
		}
	}
	remembered := 0
	for i := range c.shared.locks.stripes {
		s := &c.shared.locks.stripes[i]
		s.mu.Lock()
		remembered += len(s.held)
		s.mu.Unlock()
	}
	if remembered != 4*n+1 {
		t.Fatalf("%d tokens remembered, want the %d live ones", remembered, 4*n+1)
	}
	if err := c.Unlock("live"); err != nil {
		t.Fatalf("Unlock of a live lock after pruning = %v", err)
	}
}
