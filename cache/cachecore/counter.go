package cachecore

import (
	"fmt"
	"math"
	"strconv"
)

// AddCounter parses the counter text current (absent when found is false),
// adds delta and returns the new value and its text. Stores share it so that
// every backend agrees on the counter format and its errors.
func AddCounter(current []byte, found bool, delta int64) (int64, []byte, error) {
	var n int64
	if found {
		var err error
		n, err = strconv.ParseInt(string(current), 10, 64)
		if err != nil {
			return 0, nil, fmt.Errorf("%w: %q", ErrNotNumeric, truncate(current))
		}
	}
	if (delta > 0 && n > math.MaxInt64-delta) || (delta < 0 && n < math.MinInt64-delta) {
		return 0, nil, fmt.Errorf("%w: %d%+d", ErrCounterOverflow, n, delta)
	}
	n += delta
	return n, strconv.AppendInt(nil, n, 10), nil
}

// NegateDelta returns -delta for Decrement, rejecting the one int64 that has
// no negation.
func NegateDelta(delta int64) (int64, error) {
	if delta == math.MinInt64 {
		return 0, fmt.Errorf("%w: cannot negate %d", ErrCounterOverflow, delta)
	}
	return -delta, nil
}

// truncate keeps error messages short when a large value is not numeric.
func truncate(b []byte) []byte {
	const limit = 32
	if len(b) > limit {
		return b[:limit]
	}
	return b
}
