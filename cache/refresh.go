package cache

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// RefreshAheadBytes returns cached value immediately and refreshes
// asynchronously when near expiry. On miss, it computes and stores
// synchronously.
//
// A value is near expiry during the last refreshAhead of its ttl; when
// refreshAhead >= ttl every hit is near expiry. As in goforj/cache, the
// Cache stores the value's expiry (decimal Unix nanoseconds) under
// key+":__refresh_exp" next to it, so processes of either package refresh
// each other's values; a hit without that entry, or with one that does not
// parse, is treated as near expiry. ttl and refreshAhead must be positive
// (ErrInvalidRefreshAhead).
//
// At most one background refresh per key runs at a time, and at most
// MaxBackgroundRefreshes per Cache; refreshes due beyond that are skipped
// and retried by a later hit. A background refresh is detached from the
// caller's context. fn cannot be interrupted, so a loader that never
// returns holds its slot forever; give loaders their own timeouts.
// Background failures leave the current value in place and are reported to
// the observer as "refresh_background". Loads skip storing after a
// concurrent write and treat undecodable entries as misses, as in
// RememberBytes.
func (c *Cache) RefreshAheadBytes(key string, ttl, refreshAhead time.Duration, fn func() ([]byte, error)) ([]byte, error) {
	start := c.begin()
	if ttl <= 0 || refreshAhead <= 0 {
		c.observe("refresh_ahead", key, start, false, ErrInvalidRefreshAhead)
		return nil, ErrInvalidRefreshAhead
	}
	v, _, err := c.refreshAhead(key, ttl, refreshAhead, fn)
	c.observe("refresh_ahead", key, start, err == nil, err)
	return v, err
}

// RefreshAhead returns a typed value and refreshes asynchronously when near
// expiry, using the default codec. See Cache.RefreshAheadBytes.
func RefreshAhead[T any](cache *Cache, key string, ttl, refreshAhead time.Duration, fn func() (T, error)) (T, error) {
	return RefreshAheadValueWithCodec(cache.ctx, cache, key, ttl, refreshAhead, fn, ValueCodec[T]{})
}

// RefreshAheadValueWithCodec allows custom encoding/decoding for typed
// refresh-ahead operations; the zero codec is the default codec. ctx
// applies to this call in place of the Cache's context.
func RefreshAheadValueWithCodec[T any](ctx context.Context, cache *Cache, key string, ttl, refreshAhead time.Duration, fn func() (T, error), codec ValueCodec[T]) (T, error) {
	b, err := cache.WithContext(ctx).RefreshAheadBytes(key, ttl, refreshAhead, encodingLoader(fn, codec))
	return decodeLoaded(b, err, codec)
}

func (c *Cache) refreshAhead(key string, ttl, ahead time.Duration, fn func() ([]byte, error)) ([]byte, bool, error) {
	t := c.shared.loads.ticket(key)
	v, found, err := c.readForLoad(c.ctx, key)
	if err != nil {
		return nil, false, err
	}
	if found {
		if c.nearExpiry(key, ahead) {
			c.refreshInBackground(key, ttl, ahead, fn)
		}
		return v, true, nil
	}
	r := c.share(flightRefresh, key, t, func(ctx context.Context, t ticket) loadResult {
		v, err := c.loadFresh(ctx, t, key, ttl, ahead, fn)
		return loadResult{value: v, err: err}
	})
	return r.value, false, r.err
}

// nearExpiry reports whether the value under key is due for a refresh. A
// failed read reports false: a backend in trouble is not asked for a load.
func (c *Cache) nearExpiry(key string, ahead time.Duration) bool {
	b, found, err := c.get(c.ctx, refreshExpKey(key))
	if err != nil {
		return false
	}
	if !found {
		return true
	}
	exp, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return true
	}
	return time.Until(time.Unix(0, exp)) <= ahead
}

// loadFresh loads and stores the value, then its expiry.
func (c *Cache) loadFresh(ctx context.Context, t ticket, key string, ttl, ahead time.Duration, fn func() ([]byte, error)) ([]byte, error) {
	v, err := callLoader(fn)
	if err != nil {
		return nil, err
	}
	err = t.commit(func() error {
		exp := time.Now().Add(ttl).UnixNano()
		if err := c.set(ctx, key, v, ttl); err != nil {
			return err
		}
		return c.set(ctx, refreshExpKey(key), strconv.AppendInt(nil, exp, 10), ttl)
	})
	if err != nil {
		return v, fmt.Errorf("cache: storing loaded value for %q: %w", key, err)
	}
	return v, nil
}

func (c *Cache) refreshInBackground(key string, ttl, ahead time.Duration, fn func() ([]byte, error)) {
	s := c.shared
	s.mu.Lock()
	if _, busy := s.refreshing[key]; busy || len(s.refreshing) >= MaxBackgroundRefreshes {
		s.mu.Unlock()
		return
	}
	s.refreshing[key] = struct{}{}
	s.refreshes.Add(1)
	s.mu.Unlock()

	bg := c.WithContext(context.WithoutCancel(c.ctx)).detached()
	go func() {
		defer func() {
			s.mu.Lock()
			delete(s.refreshing, key)
			s.mu.Unlock()
			s.refreshes.Done()
		}()
		start := bg.begin()
		// Sharing the flight with synchronous misses means a miss that
		// arrives during the refresh waits for it instead of loading again.
		t := bg.shared.loads.ticket(key)
		r := bg.share(flightRefresh, key, t, func(ctx context.Context, t ticket) loadResult {
			v, err := bg.loadFresh(ctx, t, key, ttl, ahead, fn)
			return loadResult{value: v, err: err}
		})
		bg.observe("refresh_background", key, start, false, r.err)
	}()
}
