package cachecore

import (
	"math"
	"testing"
	"time"
)

func TestExpiresAtClampsForeverTTLs(t *testing.T) {
	now := time.Now()
	for _, ttl := range []time.Duration{math.MaxInt64, math.MaxInt64 - 1, 250 * 365 * 24 * time.Hour} {
		at := ExpiresAt(now, ttl)
		if got := at.UnixNano(); got != math.MaxInt64 {
			t.Errorf("ExpiresAt(now, %v).UnixNano() = %d, want the clamp %d", ttl, got, int64(math.MaxInt64))
		}
	}
	if at := ExpiresAt(now, time.Hour); !at.Equal(now.Add(time.Hour)) {
		t.Errorf("ExpiresAt(now, 1h) = %v, want %v", at, now.Add(time.Hour))
	}
}
