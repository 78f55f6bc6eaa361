package cache

import (
	"strconv"
	"time"
)

// reservedPrefix namespaces the facade's bookkeeping keys so they cannot
// collide with application keys that follow the documented rule.
const reservedPrefix = "__cache:"

func lockKey(key string) string  { return reservedPrefix + "lock:" + key }
func staleKey(key string) string { return reservedPrefix + "stale:" + key }

// freshKey marks a refresh-ahead value as fresh; its absence means the value
// is due for a background refresh.
func freshKey(key string) string { return reservedPrefix + "fresh:" + key }

// rateKey names the counter of one fixed window. The two numbers end the
// key and contain no colon, so distinct (key, window, start) triples never
// share a counter.
func rateKey(key string, window time.Duration, windowStart int64) string {
	return reservedPrefix + "rate:" + key + ":" + strconv.FormatInt(int64(window), 10) + ":" + strconv.FormatInt(windowStart, 10)
}
