package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
)

// RememberBytes returns the value under key, or calls fn, stores its result
// for ttl and returns it.
//
// Concurrent callers missing the same key through this Cache (or handles
// derived from it) share one call of fn. A caller whose context ends stops
// waiting, but the shared load continues for the others. Errors from fn are
// returned and not cached. If fn succeeds but storing fails, RememberBytes
// returns the value together with the store error, so a caller may still
// serve it.
func (c *Cache) RememberBytes(key string, ttl time.Duration, fn func() ([]byte, error)) ([]byte, error) {
	start := c.begin()
	v, hit, err := c.rememberBytes(key, ttl, fn)
	c.observe("remember", key, start, hit, err)
	return v, err
}

func (c *Cache) rememberBytes(key string, ttl time.Duration, fn func() ([]byte, error)) ([]byte, bool, error) {
	v, found, err := c.store.Get(c.ctx, key)
	if err != nil || found {
		return v, found, err
	}
	r, err := c.share("remember:"+key, func(ctx context.Context) (any, error) {
		// A load that finished just before this one started has filled
		// the key; reading again keeps fn to one call per expiry.
		if v, found, err := c.store.Get(ctx, key); err != nil || found {
			return v, err
		}
		return c.loadAndStore(ctx, key, c.ttl(ttl), fn)
	})
	b, _ := r.([]byte)
	return b, false, err
}

// RememberStaleBytes returns a fresh value when available, otherwise
// computes and caches it. If computing fails and a stale value exists, it
// returns the stale value. The returned bool is true when a stale fallback
// was used.
//
// Every successful load is stored twice: under key for ttl, and as a stale
// copy for staleTTL, which should therefore be longer than ttl. Loads are
// shared between concurrent callers as in RememberBytes. When fn fails and
// there is no stale copy, fn's error is returned.
func (c *Cache) RememberStaleBytes(key string, ttl, staleTTL time.Duration, fn func() ([]byte, error)) ([]byte, bool, error) {
	start := c.begin()
	v, stale, hit, err := c.rememberStale(key, ttl, staleTTL, fn)
	c.observe("remember_stale", key, start, hit, err)
	return v, stale, err
}

// staleResult is the shared outcome of a stale-aware load.
type staleResult struct {
	value []byte
	stale bool
}

func (c *Cache) rememberStale(key string, ttl, staleTTL time.Duration, fn func() ([]byte, error)) (value []byte, stale, hit bool, err error) {
	v, found, err := c.store.Get(c.ctx, key)
	if err != nil || found {
		return v, false, found, err
	}
	r, err := c.share("stale:"+key, func(ctx context.Context) (any, error) {
		if v, found, err := c.store.Get(ctx, key); err != nil || found {
			return staleResult{value: v}, err
		}
		v, loadErr := callLoader(fn)
		if loadErr == nil {
			err := errors.Join(
				c.store.Set(ctx, key, v, c.ttl(ttl)),
				c.store.Set(ctx, staleKey(key), v, c.ttl(staleTTL)),
			)
			if err != nil {
				err = fmt.Errorf("cache: storing loaded value for %q: %w", key, err)
			}
			return staleResult{value: v}, err
		}
		sv, found, err := c.store.Get(ctx, staleKey(key))
		if err != nil || !found {
			return staleResult{}, errors.Join(loadErr, err)
		}
		return staleResult{value: sv, stale: true}, nil
	})
	res, _ := r.(staleResult)
	return res.value, res.stale, false, err
}

// Remember is the ergonomic, typed remember helper using the default codec
// (raw bytes for string and []byte, JSON otherwise). See RememberBytes. The
// value returned after a load is the decoded stored form, the same value a
// later hit returns.
func Remember[T any](cache *Cache, key string, ttl time.Duration, fn func() (T, error)) (T, error) {
	codec := ValueCodec[T]{}
	b, err := cache.RememberBytes(key, ttl, encodingLoader(fn, codec))
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

// loadAndStore calls fn and stores its result under key.
func (c *Cache) loadAndStore(ctx context.Context, key string, ttl time.Duration, fn func() ([]byte, error)) ([]byte, error) {
	v, err := callLoader(fn)
	if err != nil {
		return nil, err
	}
	if err := c.store.Set(ctx, key, v, ttl); err != nil {
		return v, fmt.Errorf("cache: storing loaded value for %q: %w", key, err)
	}
	return v, nil
}

// share runs load once for all concurrent callers with the same flight key.
// The load runs detached from the first caller's cancellation so that its
// leaving does not fail everyone else; each caller stops waiting when its
// own context ends. Shared results are cloned per caller, because callers
// own the slices they receive.
func (c *Cache) share(flight string, load func(ctx context.Context) (any, error)) (any, error) {
	ctx := context.WithoutCancel(c.ctx)
	ch := c.shared.loads.DoChan(flight, func() (any, error) { return load(ctx) })
	select {
	case r := <-ch:
		if !r.Shared {
			return r.Val, r.Err
		}
		switch v := r.Val.(type) {
		case []byte:
			return bytes.Clone(v), r.Err
		case staleResult:
			v.value = bytes.Clone(v.value)
			return v, r.Err
		}
		return r.Val, r.Err
	case <-c.ctx.Done():
		return nil, c.ctx.Err()
	}
}

// callLoader turns a panic in fn into ErrLoaderPanicked. Shared loads run on
// their own goroutine, where a panic could not be recovered by any caller.
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
