package cache

import (
	"strconv"
	"strings"
	"time"
)

// Bookkeeping keys. Locks, stale copies and refresh-ahead metadata use the
// keys goforj/cache uses, so that during a migration processes running
// either package on one backend exclude each other from a lock and read
// each other's stale copies and refresh deadlines. Rate-limit counters keep
// a key of their own, because their key also names the window length (see
// rateKey) and a goforj/cache counter for the same window would count a
// different bucket.
const (
	lockPrefix       = "__lock:"
	staleSuffix      = ":__stale"
	refreshExpSuffix = ":__refresh_exp"
	// reservedPrefix namespaces the rate-limit counters.
	reservedPrefix = "__cache:"
)

func lockKey(key string) string  { return lockPrefix + key }
func staleKey(key string) string { return key + staleSuffix }

// refreshExpKey holds, as decimal Unix nanoseconds, when the value under
// key written by RefreshAheadBytes expires.
func refreshExpKey(key string) string { return key + refreshExpSuffix }

// rateKey names the counter of one fixed window. The two numbers end the
// key and contain no colon, so distinct (key, window, start) triples never
// share a counter.
func rateKey(key string, window time.Duration, windowStart int64) string {
	return reservedPrefix + "rate:" + key + ":" + strconv.FormatInt(int64(window), 10) + ":" + strconv.FormatInt(windowStart, 10)
}

// isBookkeepingKey reports whether key is one the facade writes for its own
// use rather than an application key.
func isBookkeepingKey(key string) bool {
	return strings.HasPrefix(key, lockPrefix) || strings.HasPrefix(key, reservedPrefix) ||
		strings.HasSuffix(key, staleSuffix) || strings.HasSuffix(key, refreshExpSuffix)
}
