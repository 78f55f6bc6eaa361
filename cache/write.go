package cache

import (
	"context"
	"fmt"
	"time"
)

// SetBytes writes raw bytes to key. A ttl <= 0 uses the default TTL (see
// NewCache). The Cache does not retain value.
//
// Writes through a Cache (SetBytes, BatchSetBytes, Add, Delete, DeleteMany,
// Flush, PullBytes and the typed helpers built on them) stop remember-style
// loads of the same key that are in flight on this Cache or its derived
// handles from storing their result; see RememberBytes.
func (c *Cache) SetBytes(key string, value []byte, ttl time.Duration) error {
	c.shared.loads.wrote(key)
	return c.set(c.ctx, key, value, c.ttl(ttl))
}

// set writes one store entry and reports it as "set".
func (c *Cache) set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	start := c.begin()
	err := c.store.Set(ctx, key, value, ttl)
	c.observe("set", key, start, false, err)
	return err
}

// SetString writes a string value to key, stored as its raw bytes.
func (c *Cache) SetString(key string, value string, ttl time.Duration) error {
	start := c.begin()
	err := c.SetBytes(key, []byte(value), ttl)
	c.observe("set_string", key, start, false, err)
	return err
}

// BatchSetBytes writes many key/value pairs using a shared ttl. Writes are
// independent: it stops at the first failure, leaving earlier writes in
// place, and names the failing key in the error.
func (c *Cache) BatchSetBytes(values map[string][]byte, ttl time.Duration) error {
	var err error
	for k, v := range values {
		c.shared.loads.wrote(k)
		if serr := c.set(c.ctx, k, v, c.ttl(ttl)); serr != nil {
			err = fmt.Errorf("cache: set %q: %w", k, serr)
			break
		}
	}
	return err
}

// Add writes value only when key is not already present, and reports
// whether it did.
func (c *Cache) Add(key string, value []byte, ttl time.Duration) (bool, error) {
	start := c.begin()
	c.shared.loads.wrote(key)
	created, err := c.store.Add(c.ctx, key, value, c.ttl(ttl))
	c.observe("add", key, start, created, err)
	return created, err
}

// Delete removes a single key; a missing key is not an error.
func (c *Cache) Delete(key string) error {
	start := c.begin()
	c.shared.loads.wrote(key)
	err := c.store.Delete(c.ctx, key)
	c.observe("delete", key, start, err == nil, err)
	return err
}

// DeleteMany removes multiple keys; missing keys are ignored.
func (c *Cache) DeleteMany(keys ...string) error {
	start := c.begin()
	for _, k := range keys {
		c.shared.loads.wrote(k)
	}
	err := c.store.DeleteMany(c.ctx, keys...)
	// goforj/cache reports one event per key.
	for _, k := range keys {
		c.observe("delete_many", k, start, err == nil, err)
	}
	return err
}

// Flush clears all keys for this store scope (its prefix, when it has one).
func (c *Cache) Flush() error {
	start := c.begin()
	c.shared.loads.wroteAll()
	err := c.store.Flush(c.ctx)
	c.observe("flush", "", start, err == nil, err)
	return err
}
