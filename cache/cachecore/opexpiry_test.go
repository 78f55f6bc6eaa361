package cachecore

import (
	"context"
	"errors"
	"io"
	"math"
	"testing"
	"time"
)

func TestOpErrorWrapsTheContextsError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if err := OpError(ctx, "x", "get", io.EOF); errors.Is(err, context.Canceled) || !errors.Is(err, io.EOF) || err.Error() != "x: get: EOF" {
		t.Fatalf("live context: %v", err)
	}
	cancel()
	err := OpError(ctx, "x", "get", io.EOF)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, io.EOF) {
		t.Fatalf("ended context: %v wraps neither the context's error nor the client's", err)
	}
	if err := OpError(ctx, "x", "get", context.Canceled); err.Error() != "x: get: context canceled" {
		t.Fatalf("the context's own error is wrapped twice: %v", err)
	}
}

func TestExpiresAtMilliRoundsUpAndCaps(t *testing.T) {
	now := time.UnixMilli(1_000_000).Add(100 * time.Microsecond)
	for _, c := range []struct {
		ttl  time.Duration
		want int64
	}{
		{0, 0},
		{-time.Second, 0},
		{time.Nanosecond, 1_000_001},
		{time.Millisecond, 1_000_002}, // now is 0.1 ms past a millisecond
		{math.MaxInt64, now.Add(MaxTTL + time.Millisecond - 1).UnixMilli()},
	} {
		if got := ExpiresAtMilli(now, c.ttl); got != c.want {
			t.Errorf("ExpiresAtMilli(now, %v) = %d, want %d", c.ttl, got, c.want)
		}
	}
}
