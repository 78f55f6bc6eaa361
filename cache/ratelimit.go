package cache

import "time"

// RateLimitStatus contains fixed-window rate limiting metadata.
type RateLimitStatus struct {
	// Allowed reports whether this call is within the limit.
	Allowed bool
	// Count is the number of calls in the current window, this one included.
	Count int64
	// Remaining is how many more calls the window allows, never negative.
	Remaining int64
	// ResetAt is when the current window ends and the count restarts.
	ResetAt time.Time
	// Limit is the limit the call was checked against.
	Limit int64
}

// RateLimit counts a call against key in a fixed window and reports whether
// it is allowed.
//
// Windows are aligned to multiples of window since the zero time, so every
// process sharing the store agrees on the window boundaries without
// coordinating, and each window has its own counter key, named by the
// window's length and start, that expires shortly after the window ends.
// Limits on one key with different windows therefore count separately.
// Denied calls are counted too. A limit <= 0 or a window <= 0 yields
// ErrInvalidRateLimit.
func (c *Cache) RateLimit(key string, limit int64, window time.Duration) (RateLimitStatus, error) {
	return c.rateLimit(key, limit, window)
}

func (c *Cache) rateLimit(key string, limit int64, window time.Duration) (RateLimitStatus, error) {
	return c.rateLimitAt(time.Now(), key, limit, window)
}

func (c *Cache) rateLimitAt(now time.Time, key string, limit int64, window time.Duration) (RateLimitStatus, error) {
	if limit <= 0 || window <= 0 {
		return RateLimitStatus{}, ErrInvalidRateLimit
	}
	windowStart := now.Truncate(window)
	reset := windowStart.Add(window)
	// The counter outlives its window slightly so a call racing the
	// boundary still finds it; it is never read after the window.
	ttl := reset.Sub(now) + time.Second
	// Reported as goforj/cache reports it: an "increment" of the bucket.
	start := c.begin()
	bucket := rateKey(key, window, windowStart.UnixNano())
	n, err := c.store.Increment(c.ctx, bucket, 1, ttl)
	c.observe("increment", bucket, start, err == nil, err)
	if err != nil {
		return RateLimitStatus{}, err
	}
	return RateLimitStatus{
		Allowed:   n <= limit,
		Count:     n,
		Remaining: max(limit-n, 0),
		ResetAt:   reset,
		Limit:     limit,
	}, nil
}
