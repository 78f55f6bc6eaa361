package cachecore

import (
	"errors"
	"math"
	"testing"
)

func TestAddCounter(t *testing.T) {
	cases := []struct {
		current string
		found   bool
		delta   int64
		want    int64
		err     error
	}{
		{"", false, 5, 5, nil},
		{"10", true, -15, -5, nil},
		{"-3", true, 3, 0, nil},
		{"9223372036854775806", true, 1, math.MaxInt64, nil},
		{"9223372036854775807", true, 1, 0, ErrCounterOverflow},
		{"-9223372036854775808", true, -1, 0, ErrCounterOverflow},
		{"abc", true, 1, 0, ErrNotNumeric},
		{" 1", true, 1, 0, ErrNotNumeric},
		{"", true, 1, 0, ErrNotNumeric},
		{"1.5", true, 1, 0, ErrNotNumeric},
	}
	for _, tc := range cases {
		n, text, err := AddCounter([]byte(tc.current), tc.found, tc.delta)
		if !errors.Is(err, tc.err) || (err == nil && (n != tc.want || string(text) != itoa(tc.want))) {
			t.Errorf("AddCounter(%q, %v, %d) = %d, %q, %v; want %d, %v", tc.current, tc.found, tc.delta, n, text, err, tc.want, tc.err)
		}
	}
}

func itoa(n int64) string {
	_, text, _ := AddCounter(nil, false, n)
	return string(text)
}

func TestNegateDelta(t *testing.T) {
	if n, err := NegateDelta(7); n != -7 || err != nil {
		t.Fatalf("NegateDelta(7) = %d, %v", n, err)
	}
	if _, err := NegateDelta(math.MinInt64); !errors.Is(err, ErrCounterOverflow) {
		t.Fatalf("NegateDelta(MinInt64) = %v, want ErrCounterOverflow", err)
	}
}
