package cache_test

import (
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

func TestRateLimitCountsWithinWindow(t *testing.T) {
	c := newCache(t)
	const limit = 3
	for i := 1; i <= 5; i++ {
		st, err := c.RateLimit("ip", limit, time.Hour)
		must(t, err)
		want := cache.RateLimitStatus{
			Allowed: i <= limit, Count: int64(i), Remaining: max(limit-int64(i), 0),
			ResetAt: st.ResetAt, Limit: limit,
		}
		if st != want {
			t.Fatalf("call %d = %+v, want %+v", i, st, want)
		}
		if !st.ResetAt.After(time.Now()) || time.Until(st.ResetAt) > time.Hour {
			t.Fatalf("ResetAt %v not within the hour window", st.ResetAt)
		}
	}
	other, err := c.RateLimit("other-ip", limit, time.Hour)
	if err != nil || other.Count != 1 {
		t.Fatalf("keys share a counter: %+v, %v", other, err)
	}
}

func TestRateLimitWindowResets(t *testing.T) {
	c := newCache(t)
	const window = 50 * time.Millisecond
	st, err := c.RateLimit("ip", 1, window)
	must(t, err)
	time.Sleep(time.Until(st.ResetAt) + 5*time.Millisecond)
	st, err = c.RateLimit("ip", 1, window)
	if err != nil || !st.Allowed || st.Count != 1 {
		t.Fatalf("first call of the next window = %+v, %v", st, err)
	}
}

func TestRateLimitRejectsBadArguments(t *testing.T) {
	c := newCache(t)
	for _, tc := range []struct {
		limit  int64
		window time.Duration
	}{{-1, time.Second}, {1, 0}, {1, -time.Second}} {
		if _, err := c.RateLimit("k", tc.limit, tc.window); !errors.Is(err, cache.ErrInvalidRateLimit) {
			t.Errorf("RateLimit(%d, %v) = %v, want ErrInvalidRateLimit", tc.limit, tc.window, err)
		}
	}
}
