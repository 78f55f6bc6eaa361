package cache

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RememberBytes returns the value under key, or calls fn, stores its result
// for ttl and returns it.
//
// Concurrent callers missing the same key through this Cache (or handles
// derived from it) share one call of fn, which runs on the goroutine of
// the caller that started it. The other callers stop waiting when their
// own context ends, and the shared load continues. Errors from fn are
// returned and not cached. If fn succeeds but storing fails, RememberBytes
// returns the value together with the store error, so a caller may still
// serve it.
//
// A load that started before a write of key through this Cache (Set,
// Delete, Flush and the like) returns its value but does not store it,
// since it may have read the source before the write; a caller arriving
// after such a write does not share that load. An entry the store cannot
// decode (ErrDecryptFailed, ErrCorruptCompression, ErrUnsupportedCodec) is
// a miss that the load overwrites; it is reported to the observer as an
// "undecodable" event carrying the error.
func (c *Cache) RememberBytes(key string, ttl time.Duration, fn func() ([]byte, error)) ([]byte, error) {
	start := c.begin()
	v, _, err := c.rememberBytes(key, ttl, fn)
	c.observe("remember", key, start, err == nil, err)
	return v, err
}

func (c *Cache) rememberBytes(key string, ttl time.Duration, fn func() ([]byte, error)) ([]byte, bool, error) {
	t := c.shared.loads.ticket(key)
	v, found, err := c.readForLoad(c.ctx, key)
	if err != nil || found {
		return v, found, err
	}
	r := c.share(flightRemember, key, t, func(ctx context.Context, t ticket) loadResult {
		// A load that stored key after this caller's read keeps fn to one
		// call per expiry; reading again is needed only if one may have.
		if t.filledSince() {
			if v, found, err := c.readForLoad(ctx, key); err != nil || found {
				return loadResult{value: v, err: err}
			}
		}
		v, err := c.loadAndStore(ctx, t, key, c.ttl(ttl), fn)
		return loadResult{value: v, err: err}
	})
	return r.value, false, r.err
}

// RememberStaleBytes returns a fresh value when available, otherwise
// computes and caches it. If computing fails and a stale value exists, it
// returns the stale value. The returned bool is true when a stale fallback
// was used.
//
// Every successful load is stored twice: under key for ttl, and as a stale
// copy under key+":__stale" (goforj/cache's key) for staleTTL, which
// should therefore be longer than ttl; a staleTTL <= 0 gives the stale copy
// ttl as well, and when both are <= 0, as in goforj/cache, no stale copy is
// kept. Loads are shared between
// concurrent callers, skip storing after a concurrent write and treat
// undecodable entries as misses, as in RememberBytes. When fn fails and
// there is no stale copy, fn's error is returned.
func (c *Cache) RememberStaleBytes(key string, ttl, staleTTL time.Duration, fn func() ([]byte, error)) ([]byte, bool, error) {
	start := c.begin()
	v, stale, _, err := c.rememberStale(key, ttl, staleTTL, fn)
	c.observe("remember_stale", key, start, err == nil, err)
	return v, stale, err
}

func (c *Cache) rememberStale(key string, ttl, staleTTL time.Duration, fn func() ([]byte, error)) (value []byte, stale, hit bool, err error) {
	t := c.shared.loads.ticket(key)
	v, found, err := c.readForLoad(c.ctx, key)
	if err != nil || found {
		return v, false, found, err
	}
	if staleTTL <= 0 {
		staleTTL = ttl
	}
	r := c.share(flightStale, key, t, func(ctx context.Context, t ticket) loadResult {
		if t.filledSince() {
			if v, found, err := c.readForLoad(ctx, key); err != nil || found {
				return loadResult{value: v, err: err}
			}
		}
		v, loadErr := callLoader(fn)
		if loadErr == nil {
			err := t.commit(func() error {
				err := c.set(ctx, key, v, c.ttl(ttl))
				if staleTTL <= 0 {
					return err
				}
				return errors.Join(err, c.set(ctx, staleKey(key), v, staleTTL))
			})
			if err != nil {
				err = fmt.Errorf("cache: storing loaded value for %q: %w", key, err)
			}
			return loadResult{value: v, err: err}
		}
		sv, found, err := c.readEntryForLoad(ctx, staleKey(key), key)
		if err != nil || !found {
			return loadResult{err: errors.Join(loadErr, err)}
		}
		return loadResult{value: sv, stale: true}
	})
	return r.value, r.stale, false, r.err
}

// Remember is the ergonomic, typed remember helper using the default codec
// (JSON; see Set). See RememberBytes. The
// value returned after a load is the decoded stored form, the same value a
// later hit returns.
func Remember[T any](cache *Cache, key string, ttl time.Duration, fn func() (T, error)) (T, error) {
	// Like goforj/cache's, the typed helper reports no "remember" event,
	// only the reads and writes it makes.
	codec := ValueCodec[T]{}
	b, _, err := cache.rememberBytes(key, ttl, encodingLoader(fn, codec))
	return decodeLoaded(b, err, codec)
}

// RememberStale returns a typed value with stale fallback semantics using
// the default codec. See RememberStaleBytes.
func RememberStale[T any](cache *Cache, key string, ttl, staleTTL time.Duration, fn func() (T, error)) (T, bool, error) {
	codec := ValueCodec[T]{}
	b, stale, err := cache.RememberStaleBytes(key, ttl, staleTTL, encodingLoader(fn, codec))
	v, err := decodeLoaded(b, err, codec)
	return v, stale, err
}

// loadAndStore calls fn and stores its result under key unless a write
// came since t was taken.
func (c *Cache) loadAndStore(ctx context.Context, t ticket, key string, ttl time.Duration, fn func() ([]byte, error)) ([]byte, error) {
	v, err := callLoader(fn)
	if err != nil {
		return nil, err
	}
	if err := t.commit(func() error { return c.set(ctx, key, v, ttl) }); err != nil {
		return v, fmt.Errorf("cache: storing loaded value for %q: %w", key, err)
	}
	return v, nil
}

// readForLoad reads key for a remember-style operation. An entry the store
// cannot decode would otherwise fail every such call until it expires;
// here it is a miss, reported to the observer, so that the load that
// follows overwrites it.
func (c *Cache) readForLoad(ctx context.Context, key string) ([]byte, bool, error) {
	return c.readEntryForLoad(ctx, key, key)
}

// readEntryForLoad is readForLoad of the store entry storeKey, which
// belongs to the caller's key.
func (c *Cache) readEntryForLoad(ctx context.Context, storeKey, key string) ([]byte, bool, error) {
	start := c.begin()
	v, found, err := c.get(ctx, storeKey)
	if err != nil && c.undecodable(ctx, err) {
		c.observe("undecodable", key, start, false, err)
		return nil, false, nil
	}
	return v, found, err
}

// undecodable reports whether err says that one stored entry cannot be
// decoded, as opposed to the store failing. A store configured with an
// unknown codec fails every call with ErrUnsupportedCodec, Ready included,
// which tells the two uses of that error apart.
func (c *Cache) undecodable(ctx context.Context, err error) bool {
	switch {
	case errors.Is(err, ErrDecryptFailed), errors.Is(err, ErrCorruptCompression):
		return true
	case errors.Is(err, ErrUnsupportedCodec):
		return c.store.Ready(ctx) == nil
	}
	return false
}

// callLoader turns a panic in fn into ErrLoaderPanicked, so that a bad
// loader fails the callers sharing its load instead of crashing the one
// running it, or the process when that is a background refresh.
func callLoader(fn func() ([]byte, error)) (v []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("%w: %v", ErrLoaderPanicked, r)
		}
	}()
	return fn()
}

func encodingLoader[T any](fn func() (T, error), codec ValueCodec[T]) func() ([]byte, error) {
	return func() ([]byte, error) {
		v, err := fn()
		if err != nil {
			return nil, err
		}
		return codec.encode(v)
	}
}

// decodeLoaded decodes the result of a bytes-level remember call, keeping
// its error: a value may come back together with a store error.
func decodeLoaded[T any](b []byte, err error, codec ValueCodec[T]) (T, error) {
	var zero T
	if b == nil && err != nil {
		return zero, err
	}
	v, derr := codec.decode(b)
	if derr != nil {
		return zero, errors.Join(derr, err)
	}
	return v, err
}
