package cache

import (
	"bytes"
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// ErrInvalidPrefix is returned by every operation of a store configured
// with a Prefix containing PrefixSeparator. Such a prefix would make stored
// keys ambiguous: prefix "a" with key "b:c" and prefix "a:b" with key "c"
// would both be stored as "a:b:c".
var ErrInvalidPrefix = errors.New(`cache: key prefix must not contain ":"`)

// PrefixSeparator joins a configured Prefix and a key into the key the
// backend stores: Prefix + ":" + key, the format goforj/cache drivers use,
// so that both can share a backend. A store without a prefix stores keys
// unchanged.
const PrefixSeparator = ":"

// configStore applies a BaseConfig around any backend: key prefix, default
// TTL, size limit, compression and encryption. Keeping these in one layer
// means every backend treats them identically and a backend only ever sees
// opaque bytes.
type configStore struct {
	inner cachecore.Store
	// prefix is the configured prefix followed by PrefixSeparator, or
	// empty when none is configured.
	prefix      string
	defaultTTL  time.Duration
	maxBytes    int
	compression cachecore.CompressionCodec
	aead        cipher.AEAD
	// err is a construction failure. Constructors have no error result, so
	// it is reported by Ready and by every operation instead.
	err error

	// counterLocks serialise read-modify-write increments of transformed
	// values, which the backend cannot increment itself because it cannot
	// read them.
	counterLocks [64]sync.Mutex
	seed         maphash.Seed
}

// configStoreExpiry is a configStore whose backend reports expiry, so the
// wrapper can report it too. A separate type keeps type assertions for
// cachecore.ExpiryGetter truthful.
type configStoreExpiry struct{ *configStore }

// withConfig wraps inner with cfg, returning inner itself when cfg asks for
// nothing so that the common case pays no indirection.
func withConfig(inner cachecore.Store, cfg cachecore.BaseConfig) cachecore.Store {
	if cfg.DefaultTTL <= 0 && cfg.Prefix == "" && !compressing(cfg.Compression) &&
		cfg.MaxValueBytes <= 0 && len(cfg.EncryptionKey) == 0 && validCodec(cfg.Compression) {
		return inner
	}
	s := &configStore{
		inner:       inner,
		defaultTTL:  cfg.DefaultTTL,
		maxBytes:    cfg.MaxValueBytes,
		compression: cfg.Compression,
		seed:        maphash.MakeSeed(),
	}
	if cfg.Prefix != "" {
		s.prefix = cfg.Prefix + PrefixSeparator
	}
	if strings.Contains(cfg.Prefix, PrefixSeparator) {
		s.err = fmt.Errorf("%w: %q", ErrInvalidPrefix, cfg.Prefix)
	}
	if !validCodec(cfg.Compression) && s.err == nil {
		s.err = fmt.Errorf("%w: %q", cachecore.ErrUnsupportedCodec, cfg.Compression)
	}
	if len(cfg.EncryptionKey) > 0 {
		aead, err := newAEAD(cfg.EncryptionKey)
		if err != nil && s.err == nil {
			s.err = err
		}
		s.aead = aead
	}
	if _, ok := inner.(cachecore.ExpiryGetter); ok {
		return configStoreExpiry{s}
	}
	return s
}

// transforms reports whether stored bytes differ from the caller's bytes.
func (s *configStore) transforms() bool {
	return s.aead != nil || compressing(s.compression)
}

func (s *configStore) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.err
}

func (s *configStore) key(k string) string { return s.prefix + k }

func (s *configStore) ttl(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return s.defaultTTL
	}
	return ttl
}

// encoded is a value ready for the backend plus the pooled buffers backing
// it, which go back to their pool once the backend has copied the bytes.
type encoded struct {
	data          []byte
	zbuf, sealBuf *bytes.Buffer
}

func (e encoded) release() {
	putBuffer(e.zbuf)
	putBuffer(e.sealBuf)
}

func (s *configStore) encode(storedKey string, value []byte) (encoded, error) {
	if s.maxBytes > 0 && len(value) > s.maxBytes {
		return encoded{}, fmt.Errorf("%w: %d bytes, limit %d", cachecore.ErrValueTooLarge, len(value), s.maxBytes)
	}
	e := encoded{data: value}
	if compressing(s.compression) {
		e.zbuf = getBuffer()
		if err := compress(e.zbuf, s.compression, value); err != nil {
			e.release()
			return encoded{}, err
		}
		e.data = e.zbuf.Bytes()
	}
	if s.aead != nil {
		e.sealBuf = getBuffer()
		if err := seal(e.sealBuf, s.aead, storedKey, e.data); err != nil {
			e.release()
			return encoded{}, err
		}
		e.data = e.sealBuf.Bytes()
	}
	return e, nil
}

// decode reverses encode. raw is owned by the caller and is decrypted in
// place.
func (s *configStore) decode(storedKey string, raw []byte) ([]byte, error) {
	var err error
	if s.aead != nil {
		if raw, err = open(s.aead, storedKey, raw); err != nil {
			return nil, err
		}
	}
	if compressing(s.compression) {
		if raw, err = decompress(raw, s.maxBytes); err != nil {
			return nil, fmt.Errorf("key %q: %w", storedKey, err)
		}
	}
	return raw, nil
}

func (s *configStore) Driver() cachecore.Driver { return s.inner.Driver() }

func (s *configStore) Ready(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return s.inner.Ready(ctx)
}

func (s *configStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := s.check(ctx); err != nil {
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

func (s *configStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := s.check(ctx); err != nil {
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

func (s *configStore) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := s.check(ctx); err != nil {
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

func (s *configStore) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := s.check(ctx); err != nil {
		return 0, err
	}
	if !s.transforms() {
		return s.inner.Increment(ctx, s.key(key), delta, s.ttl(ttl))
	}
	return s.rewriteCounter(ctx, s.key(key), delta, s.ttl(ttl))
}

func (s *configStore) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

// rewriteCounter increments a counter the backend cannot parse because it
// is compressed or encrypted. It is atomic against other increments through
// this store in this process; the backend's expiry is kept when the backend
// can report it, and otherwise restarts at ttl.
func (s *configStore) rewriteCounter(ctx context.Context, k string, delta int64, ttl time.Duration) (int64, error) {
	mu := &s.counterLocks[maphash.String(s.seed, k)%uint64(len(s.counterLocks))]
	mu.Lock()
	defer mu.Unlock()

	var (
		raw       []byte
		expiresAt time.Time
		found     bool
		err       error
	)
	eg, knowsExpiry := s.inner.(cachecore.ExpiryGetter)
	if knowsExpiry {
		raw, expiresAt, found, err = eg.GetWithExpiry(ctx, k)
	} else {
		raw, found, err = s.inner.Get(ctx, k)
	}
	if err != nil {
		return 0, err
	}
	var current []byte
	if found {
		if current, err = s.decode(k, raw); err != nil {
			return 0, err
		}
		if knowsExpiry {
			switch remaining := time.Until(expiresAt); {
			case expiresAt.IsZero():
				ttl = 0 // the backend's "no expiry", which the counter had
			case remaining > 0:
				ttl = remaining
			default: // expired after the read: start a new counter
				found, current = false, nil
			}
		}
	}
	n, text, err := cachecore.AddCounter(current, found, delta)
	if err != nil {
		return 0, fmt.Errorf("key %q: %w", k, err)
	}
	e, err := s.encode(k, text)
	if err != nil {
		return 0, err
	}
	defer e.release()
	if err := s.inner.Set(ctx, k, e.data, ttl); err != nil {
		return 0, err
	}
	return n, nil
}

func (s *configStore) Delete(ctx context.Context, key string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return s.inner.Delete(ctx, s.key(key))
}

func (s *configStore) DeleteMany(ctx context.Context, keys ...string) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	prefixed := make([]string, len(keys))
	for i, k := range keys {
		prefixed[i] = s.key(k)
	}
	return s.inner.DeleteMany(ctx, prefixed...)
}

// prefixFlusher is implemented by this package's listable stores, which
// remove every key starting with prefix, expired or not, in one pass over
// the store. Paging through ListPage instead would scan the whole store for
// every page, making a flush quadratic in the store's size.
type prefixFlusher interface {
	flushPrefix(ctx context.Context, prefix string) error
}

// Flush removes only this prefix's keys when the backend can list them, so
// caches sharing a backend under different prefixes do not wipe each other.
func (s *configStore) Flush(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	if s.prefix == "" {
		return s.inner.Flush(ctx)
	}
	if pf, ok := s.inner.(prefixFlusher); ok {
		return pf.flushPrefix(ctx, s.prefix)
	}
	insp, ok := s.inner.(cachecore.Inspector)
	if !ok || !insp.Capabilities().CanList {
		return s.inner.Flush(ctx)
	}
	opts := cachecore.ListPageOptions{Query: s.prefix, Limit: 500}
	for {
		page, err := insp.ListPage(ctx, opts)
		if err != nil {
			return err
		}
		keys := make([]string, len(page.Entries))
		for i, e := range page.Entries {
			keys[i] = e.Key
		}
		if err := s.inner.DeleteMany(ctx, keys...); err != nil {
			return err
		}
		if page.NextCursor == "" {
			return nil
		}
		opts.Cursor = page.NextCursor
	}
}

// CompareAndDelete compares plaintext, because encryption makes equal values
// differ in storage, then deletes with the backend's compare-and-delete on
// the exact stored bytes it decoded, which keeps the operation atomic.
func (s *configStore) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	if err := s.check(ctx); err != nil {
		return false, err
	}
	k := s.key(key)
	if !s.transforms() {
		return cachecore.CompareAndDelete(ctx, s.inner, k, expected)
	}
	raw, found, err := s.inner.Get(ctx, k)
	if err != nil || !found {
		return false, err
	}
	stored := bytes.Clone(raw)
	current, err := s.decode(k, raw)
	if err != nil || !bytes.Equal(current, expected) {
		return false, err
	}
	return cachecore.CompareAndDelete(ctx, s.inner, k, stored)
}

func (s *configStore) Capabilities() cachecore.Capabilities {
	if insp, ok := s.inner.(cachecore.Inspector); ok {
		return insp.Capabilities()
	}
	return cachecore.Capabilities{}
}

func (s *configStore) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	if err := s.check(ctx); err != nil {
		return cachecore.ListPageResult{}, err
	}
	if pl, ok := s.inner.(prefixLister); ok {
		return pl.listPrefix(ctx, s.prefix, opts)
	}
	insp, ok := s.inner.(cachecore.Inspector)
	if !ok {
		return cachecore.ListPageResult{}, cachecore.ErrInspectorUnsupported
	}
	opts.Query = s.prefix + opts.Query
	page, err := insp.ListPage(ctx, opts)
	if err != nil {
		return page, err
	}
	for i := range page.Entries {
		page.Entries[i].Key = strings.TrimPrefix(page.Entries[i].Key, s.prefix)
	}
	return page, nil
}

func (s configStoreExpiry) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if err := s.check(ctx); err != nil {
		return nil, time.Time{}, false, err
	}
	k := s.key(key)
	raw, expiresAt, found, err := s.inner.(cachecore.ExpiryGetter).GetWithExpiry(ctx, k)
	if err != nil || !found {
		return nil, time.Time{}, false, err
	}
	v, err := s.decode(k, raw)
	if err != nil {
		return nil, time.Time{}, false, err
	}
	return v, expiresAt, true, nil
}
