package cachetest

import (
	"context"
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

func (s *suite) counters(t *testing.T) {
	ctx := context.Background()
	k := s.key(t, "k")
	steps := []struct {
		decrement bool
		delta     int64
		want      int64
	}{
		{false, 5, 5},
		{false, -7, -2},
		{true, 3, -5},
		{true, -10, 5},
		{false, 0, 5},
	}
	for _, st := range steps {
		var (
			got int64
			err error
			op  = "Increment"
		)
		if st.decrement {
			op = "Decrement"
			got, err = s.store.Decrement(ctx, k, st.delta, long)
		} else {
			got, err = s.store.Increment(ctx, k, st.delta, long)
		}
		if s.opts.Null {
			// Nothing was stored, so a null store answers as if counting
			// from zero each time, or with zero as goforj/cache's does.
			fresh := st.delta
			if st.decrement {
				fresh = -st.delta
			}
			if err != nil || (got != fresh && got != 0) {
				t.Fatalf("%s(%d) = %d, %v; want %d or 0 from a null store", op, st.delta, got, err, fresh)
			}
			continue
		}
		if err != nil || got != st.want {
			t.Fatalf("%s(%d) = %d, %v; want %d", op, st.delta, got, err, st.want)
		}
	}
	s.expect(t, k, []byte("5"))

	// Counters interoperate with Set: a numeric text value can be counted.
	set := s.key(t, "set")
	s.set(t, set, []byte("41"), long)
	if n, err := s.store.Increment(ctx, set, 1, long); err != nil || (!s.opts.Null && n != 42) {
		t.Fatalf("Increment of Set \"41\" = %d, %v; want 42", n, err)
	}
	if s.opts.Null {
		return
	}

	bad := s.key(t, "not-a-number")
	s.set(t, bad, []byte("abc"), long)
	if _, err := s.store.Increment(ctx, bad, 1, long); !errors.Is(err, cachecore.ErrNotNumeric) {
		t.Fatalf("Increment of %q = %v, want ErrNotNumeric", "abc", err)
	}
	if _, err := s.store.Decrement(ctx, bad, 1, long); !errors.Is(err, cachecore.ErrNotNumeric) {
		t.Fatalf("Decrement of %q = %v, want ErrNotNumeric", "abc", err)
	}
	s.expect(t, bad, []byte("abc"))

	top := s.key(t, "top")
	s.set(t, top, []byte(strconv.FormatInt(math.MaxInt64, 10)), long)
	if _, err := s.store.Increment(ctx, top, 1, long); !errors.Is(err, cachecore.ErrCounterOverflow) {
		t.Fatalf("Increment past MaxInt64 = %v, want ErrCounterOverflow", err)
	}
	if _, err := s.store.Decrement(ctx, s.key(t, "fresh"), math.MinInt64, long); !errors.Is(err, cachecore.ErrCounterOverflow) {
		t.Fatalf("Decrement(MinInt64) = %v, want ErrCounterOverflow", err)
	}
}
