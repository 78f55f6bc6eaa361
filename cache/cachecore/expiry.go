package cachecore

import (
	"math"
	"time"
)

// maxExpiry is the last instant whose Unix nanosecond count fits in an
// int64, in the year 2262.
var maxExpiry = time.Unix(0, math.MaxInt64)

// ExpiresAt returns when an entry written at now with ttl > 0 expires. A
// ttl reaching past the year 2262, such as math.MaxInt64 used to mean
// "forever", is clamped to the last instant a Unix nanosecond count can
// hold: stores keep expiries as UnixNano, where now+ttl would otherwise
// wrap into the past and expire the entry as it is written. Every store
// turns a ttl into a time through this function, so all of them agree.
func ExpiresAt(now time.Time, ttl time.Duration) time.Time {
	// Sub saturates instead of overflowing, so the comparison is exact.
	if ttl >= maxExpiry.Sub(now) {
		return maxExpiry
	}
	return now.Add(ttl)
}

// MaxTTL is the longest lifetime the server-backed drivers store; a longer
// ttl ("forever") is cut to it so that an expiry in Unix milliseconds, or
// a server's own TTL argument, stays a sane number. A century is forever
// for a cache.
const MaxTTL = 100 * 365 * 24 * time.Hour

// ExpiresAtMilli returns the expiry, in Unix milliseconds, of an entry
// written at now with ttl, for stores that keep whole milliseconds: 0 for
// ttl <= 0 (no expiry), otherwise rounded up so that an entry never
// expires before its ttl, with ttl capped at MaxTTL.
func ExpiresAtMilli(now time.Time, ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	ttl = min(ttl, MaxTTL)
	return now.Add(ttl + time.Millisecond - 1).UnixMilli()
}
