package cachecore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// shapedStore applies a BaseConfig around a backend, which only ever sees
// prefixed keys and stored forms of values.
type shapedStore struct {
	inner Store
	// prefix is the configured prefix followed by PrefixSeparator, or
	// empty when none is configured.
	prefix     string
	defaultTTL time.Duration
	shaper
}

// shapedExpiryStore is a shapedStore whose backend reports expiry, so the
// wrapper can report it too. A separate type keeps type assertions for
// ExpiryGetter truthful.
type shapedExpiryStore struct{ *shapedStore }

func (s *shapedStore) key(k string) string { return s.prefix + k }

func (s *shapedStore) ttl(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return s.defaultTTL
	}
	return ttl
}

func (s *shapedStore) Driver() Driver { return s.inner.Driver() }

func (s *shapedStore) Ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.inner.Ready(ctx)
}

func (s *shapedStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	k := s.key(key)
	raw, found, err := s.inner.Get(ctx, k)
	if err != nil || !found {
		return nil, false, err
	}
	v, err := s.decode(k, raw)
	if err != nil {
		return nil, false, err
	}
	return v, true, nil
}

func (s *shapedStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	k := s.key(key)
	e, err := s.encode(k, value)
	if err != nil {
		return err
	}
	defer e.release()
	return s.inner.Set(ctx, k, e.data, s.ttl(ttl))
}

func (s *shapedStore) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	k := s.key(key)
	e, err := s.encode(k, value)
	if err != nil {
		return false, err
	}
	defer e.release()
	return s.inner.Add(ctx, k, e.data, s.ttl(ttl))
}

// Increment leaves counters to the backend, unshaped, so that its own
// atomic increment works and every reader sees decimal text.
func (s *shapedStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	k, ttl := s.key(key), s.ttl(ttl)
	n, err := s.inner.Increment(ctx, k, delta, ttl)
	if errors.Is(err, ErrNotNumeric) && s.transforms() {
		return s.convertCounter(ctx, k, delta, ttl, err)
	}
	return n, err
}

func (s *shapedStore) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

// convertCounterAttempts bounds how often convertCounter starts over when
// the value changes under it.
const convertCounterAttempts = 8

// convertCounter increments a counter that Set wrote through this layer,
// compressed or encrypted, which the backend found not numeric (notNumeric).
// It replaces the stored form with the backend's own counter: it removes
// the stored form with a compare-and-delete, so that a concurrent write is
// never lost, then increments the absent key by the decoded value plus
// delta, which adds up correctly with increments that recreated the key in
// between. Like any increment, a ttl > 0 restarts the counter's lifetime;
// with ttl <= 0 it keeps its expiry when the backend reports it.
func (s *shapedStore) convertCounter(ctx context.Context, k string, delta int64, ttl time.Duration, notNumeric error) (int64, error) {
	eg, knowsExpiry := s.inner.(ExpiryGetter)
	for range convertCounterAttempts {
		var (
			raw       []byte
			expiresAt time.Time
			found     bool
			err       error
		)
		if knowsExpiry {
			raw, expiresAt, found, err = eg.GetWithExpiry(ctx, k)
		} else {
			raw, found, err = s.inner.Get(ctx, k)
		}
		if err != nil {
			return 0, err
		}
		if !found { // removed meanwhile: an ordinary increment again
			n, err := s.inner.Increment(ctx, k, delta, ttl)
			if !errors.Is(err, ErrNotNumeric) {
				return n, err
			}
			continue
		}
		storedForm := bytes.Clone(raw)
		current, err := s.decode(k, raw)
		if err != nil {
			return 0, err
		}
		sum, _, err := AddCounter(current, true, delta)
		if err != nil {
			return 0, fmt.Errorf("key %q: %w", k, err)
		}
		keep := ttl
		if knowsExpiry && ttl <= 0 {
			switch remaining := time.Until(expiresAt); {
			case expiresAt.IsZero():
				keep = 0 // the backend's "no expiry", which the value had
			case remaining > 0:
				keep = remaining
			}
		}
		deleted, err := CompareAndDelete(ctx, s.inner, k, storedForm)
		if err != nil {
			return 0, err
		}
		if !deleted {
			continue // rewritten meanwhile: look again
		}
		n, err := s.inner.Increment(ctx, k, sum, keep)
		if !errors.Is(err, ErrNotNumeric) {
			return n, err
		}
	}
	return 0, fmt.Errorf("key %q kept being rewritten while converting it to a counter: %w", k, notNumeric)
}

func (s *shapedStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.inner.Delete(ctx, s.key(key))
}

func (s *shapedStore) DeleteMany(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.prefix == "" {
		return s.inner.DeleteMany(ctx, keys...)
	}
	prefixed := make([]string, len(keys))
	for i, k := range keys {
		prefixed[i] = s.key(k)
	}
	return s.inner.DeleteMany(ctx, prefixed...)
}

// Flush removes only this prefix's keys when the backend can find them, so
// caches sharing a backend under different prefixes do not wipe each other.
func (s *shapedStore) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.prefix == "" {
		return s.inner.Flush(ctx)
	}
	if pf, ok := s.inner.(PrefixFlusher); ok {
		return pf.FlushPrefix(ctx, s.prefix)
	}
	insp, ok := s.inner.(Inspector)
	if !ok || !insp.Capabilities().CanList {
		return s.inner.Flush(ctx)
	}
	// Collect first and delete after, so that deleting cannot shift the
	// pages still to be read.
	var keys []string
	opts := ListPageOptions{Query: s.prefix, Limit: 500}
	for {
		page, err := insp.ListPage(ctx, opts)
		if err != nil {
			return err
		}
		for _, e := range page.Entries {
			if strings.HasPrefix(e.Key, s.prefix) {
				keys = append(keys, e.Key)
			}
		}
		if page.NextCursor == "" {
			break
		}
		opts.Cursor = page.NextCursor
	}
	return s.inner.DeleteMany(ctx, keys...)
}

// CompareAndDelete compares decoded values, because encryption makes equal
// values differ in storage, then deletes with the backend's
// compare-and-delete on the exact stored bytes it decoded, which keeps the
// operation atomic where the backend's is.
func (s *shapedStore) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	k := s.key(key)
	if !s.transforms() {
		return CompareAndDelete(ctx, s.inner, k, expected)
	}
	raw, found, err := s.inner.Get(ctx, k)
	if err != nil || !found {
		return false, err
	}
	storedForm := bytes.Clone(raw)
	current, err := s.decode(k, raw)
	if err != nil || !bytes.Equal(current, expected) {
		return false, err
	}
	return CompareAndDelete(ctx, s.inner, k, storedForm)
}

func (s *shapedStore) Capabilities() Capabilities {
	if insp, ok := s.inner.(Inspector); ok {
		return insp.Capabilities()
	}
	return Capabilities{}
}

func (s *shapedStore) ListPage(ctx context.Context, opts ListPageOptions) (ListPageResult, error) {
	if err := ctx.Err(); err != nil {
		return ListPageResult{}, err
	}
	if s.prefix == "" {
		insp, ok := s.inner.(Inspector)
		if !ok {
			return ListPageResult{}, ErrInspectorUnsupported
		}
		return insp.ListPage(ctx, opts)
	}
	if pl, ok := s.inner.(PrefixLister); ok {
		return pl.ListPrefix(ctx, s.prefix, opts)
	}
	return s.listPrefixByScan(ctx, opts)
}

// listPrefixByScan lists a prefixed store over a backend that cannot
// confine a listing to a prefix: it reads every page matching the prefix
// as a substring, keeps the keys that start with it, and pages the rest
// here. It costs a pass over those keys per page, which a listing meant
// for administration can afford.
func (s *shapedStore) listPrefixByScan(ctx context.Context, opts ListPageOptions) (ListPageResult, error) {
	offset, err := DecodeOffsetCursor(opts.Cursor)
	if err != nil {
		return ListPageResult{}, err
	}
	insp, ok := s.inner.(Inspector)
	if !ok {
		return ListPageResult{}, ErrInspectorUnsupported
	}
	var mine []CacheEntry
	scan := ListPageOptions{Query: s.prefix, Limit: MaxListLimit}
	for {
		page, err := insp.ListPage(ctx, scan)
		if err != nil {
			return ListPageResult{}, err
		}
		for _, e := range page.Entries {
			if rest, ok := strings.CutPrefix(e.Key, s.prefix); ok {
				e.Key = rest
				mine = append(mine, e)
			}
		}
		if page.NextCursor == "" {
			break
		}
		scan.Cursor = page.NextCursor
	}
	mine = FilterAndSortEntries(mine, ListFilterTerm(opts))
	return SliceEntries(mine, offset, NormalizeListLimit(opts.Limit)), nil
}

func (s shapedExpiryStore) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, false, err
	}
	k := s.key(key)
	raw, expiresAt, found, err := s.inner.(ExpiryGetter).GetWithExpiry(ctx, k)
	if err != nil || !found {
		return nil, time.Time{}, false, err
	}
	v, err := s.decode(k, raw)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	return v, expiresAt, true, nil
}
