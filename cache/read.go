package cache

import (
	"context"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// GetBytes returns the bytes stored under key and whether they were found.
// The slice belongs to the caller.
func (c *Cache) GetBytes(key string) ([]byte, bool, error) {
	return c.get(c.ctx, key)
}

// get reads one store entry and reports it as "get".
func (c *Cache) get(ctx context.Context, key string) ([]byte, bool, error) {
	start := c.begin()
	v, found, err := c.store.Get(ctx, key)
	c.observe("get", key, start, found, err)
	return v, found, err
}

// GetString returns the value under key as a string. It reads values
// written by SetString and by Set[string].
func (c *Cache) GetString(key string) (string, bool, error) {
	start := c.begin()
	v, found, err := c.GetBytes(key)
	c.observe("get_string", key, start, found, err)
	return string(v), found, err
}

// BatchGetBytes returns all found values for the provided keys. Missing
// keys are omitted from the returned map. It stops at the first store error.
func (c *Cache) BatchGetBytes(keys ...string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(keys))
	var err error
	for _, k := range keys {
		var (
			v     []byte
			found bool
		)
		if v, found, err = c.get(c.ctx, k); err != nil {
			break
		}
		if found {
			out[k] = v
		}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PullBytes returns the value under key and removes it. Removal uses
// compare-and-delete, so when several callers pull one key concurrently at
// most one of them receives the value (on stores with an atomic
// cachecore.CompareAndDeleter); the others see a miss. That makes Pull
// suitable for single-use tokens.
func (c *Cache) PullBytes(key string) ([]byte, bool, error) {
	start := c.begin()
	v, found, err := c.pull(key)
	c.observe("pull", key, start, found, err)
	return v, found, err
}

func (c *Cache) pull(key string) ([]byte, bool, error) {
	v, found, err := c.get(c.ctx, key)
	if err != nil || !found {
		return nil, false, err
	}
	c.shared.loads.wrote(key)
	start := c.begin()
	deleted, err := cachecore.CompareAndDelete(c.ctx, c.store, key, v)
	c.observe("delete", key, start, err == nil, err)
	if err != nil || !deleted {
		return nil, false, err
	}
	return v, true, nil
}
