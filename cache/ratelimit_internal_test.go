package cache

import (
	"context"
	"testing"
	"time"
)

// TestRateLimitWindowsOfDifferentLengthsCountSeparately checks that limits
// on one key with different windows do not share a counter when their
// windows start at the same instant, as a 1 s and a 2 s window do at every
// even second.
func TestRateLimitWindowsOfDifferentLengthsCountSeparately(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache(NewMemoryStore(ctx))
	now := time.Now().Truncate(4 * time.Second)
	for _, window := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		for i := int64(1); i <= 2; i++ {
			st, err := c.rateLimitAt(now, "k", 3, window)
			if err != nil {
				t.Fatal(err)
			}
			if st.Count != i || !st.ResetAt.Equal(now.Add(window)) {
				t.Fatalf("call %d with a %v window: count %d, reset %v; want count %d, reset %v",
					i, window, st.Count, st.ResetAt, i, now.Add(window))
			}
		}
	}
}
