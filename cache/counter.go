package cache

import "time"

// Increment adds delta to the counter at key and returns the new value. A
// missing counter starts at zero. As in goforj/cache, every call gives the
// counter ttl (resolved like SetBytes's) from now, so a counter incremented
// more often than ttl never expires. A value that is not an integer yields
// ErrNotNumeric.
func (c *Cache) Increment(key string, delta int64, ttl time.Duration) (int64, error) {
	start := c.begin()
	n, err := c.store.Increment(c.ctx, key, delta, c.ttl(ttl))
	c.observe("increment", key, start, err == nil, err)
	return n, err
}

// Decrement subtracts delta from the counter at key and returns the new
// value, with the same rules as Increment.
func (c *Cache) Decrement(key string, delta int64, ttl time.Duration) (int64, error) {
	start := c.begin()
	n, err := c.store.Decrement(c.ctx, key, delta, c.ttl(ttl))
	c.observe("decrement", key, start, err == nil, err)
	return n, err
}
