package memcachedcache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// ErrContended is returned by Increment and Decrement when other writers
// changed the counter on every one of maxCASAttempts tries.
var ErrContended = errors.New("memcachedcache: counter changed by other writers on every attempt")

// maxCASAttempts bounds the read-modify-write retries of a counter.
const maxCASAttempts = 1000

// itemOverhead is what memcached counts against its item size limit
// besides the key and value: the item header, CAS value and line endings.
const itemOverhead = 64

// store is the unshaped backend: it stores keys (mapped by serverKey) and
// values as given. New wraps it with cachecore.WrapStore.
type store struct {
	client       *client
	maxItemBytes int
	flushAll     bool
}

func (s *store) Driver() cachecore.Driver { return cachecore.DriverMemcached }

// fits refuses, before anything is sent, a value the server would refuse
// as larger than its item size limit.
func (s *store) fits(key string, value []byte) error {
	if n := len(key) + len(value) + itemOverhead; n > s.maxItemBytes {
		return fmt.Errorf("%w: %d bytes with key and item header, server item limit %d", cachecore.ErrValueTooLarge, n, s.maxItemBytes)
	}
	return nil
}

// expiry is the meta TTL flag's value for ttl.
func expiry(ttl time.Duration) int64 { return exptime(ttl, time.Now()) }

// Ready asks every server for its version.
func (s *store) Ready(ctx context.Context) error {
	for _, srv := range s.client.servers {
		if err := s.client.do(ctx, srv, "version", func(cn *conn) error {
			return cn.command("version", "VERSION ")
		}); err != nil {
			return err
		}
	}
	return nil
}

func (s *store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	k := serverKey(key)
	var (
		it    item
		found bool
	)
	err := s.client.do(ctx, s.client.pick(k), "get", func(cn *conn) (err error) {
		it, found, err = cn.metaGet(k)
		return err
	})
	if err != nil || !found {
		return nil, false, err
	}
	return it.value, true, nil
}

func (s *store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	k := serverKey(key)
	if err := s.fits(k, value); err != nil {
		return err
	}
	return s.client.do(ctx, s.client.pick(k), "set", func(cn *conn) error {
		code, err := cn.metaSet(k, value, expiry(ttl))
		if err == nil && code != codeHD {
			err = replyError("ms", code)
		}
		return err
	})
}

// Add is ms in mode E, which the server stores only when the key is
// absent: atomic across every client of the server.
func (s *store) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	k := serverKey(key)
	if err := s.fits(k, value); err != nil {
		return false, err
	}
	var created bool
	err := s.client.do(ctx, s.client.pick(k), "add", func(cn *conn) error {
		code, err := cn.metaSet(k, value, expiry(ttl), "ME")
		if err != nil {
			return err
		}
		switch code {
		case codeHD:
			created = true
		case codeNS:
		default:
			return replyError("ms", code)
		}
		return nil
	})
	return created, err
}

// Increment reads the counter with its CAS value and remaining lifetime
// and writes the sum only if the CAS value is unchanged, retrying when
// another writer got there first; a missing counter is created with add.
// memcached's own incr is not used because it counts unsigned 64-bit
// numbers, floors decr at zero and wraps on overflow, where the Store
// contract wants int64 counters that can go negative and refuse overflow.
// A positive ttl restarts the counter's lifetime, as goforj/cache's
// drivers do; with ttl <= 0 it is written back with the lifetime it had
// left.
func (s *store) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	k := serverKey(key)
	srv := s.client.pick(k)
	for range maxCASAttempts {
		var (
			n    int64
			done bool
		)
		err := s.client.do(ctx, srv, "increment", func(cn *conn) error {
			it, found, err := cn.metaGet(k)
			if err != nil {
				return err
			}
			if !found {
				n = delta
				code, err := cn.metaSet(k, strconv.AppendInt(nil, n, 10), expiry(ttl), "ME")
				done = code == codeHD
				return err
			}
			var text []byte
			n, text, err = cachecore.AddCounter(it.value, true, delta)
			if err != nil {
				return fmt.Errorf("%w (key %q)", err, key)
			}
			left := expiry(0)
			if ttl > 0 {
				left = expiry(ttl)
			} else if it.ttl >= 0 {
				// One second at least: T0 would mean never.
				left = expiry(time.Duration(max(it.ttl, 1)) * time.Second)
			}
			code, err := cn.metaSet(k, text, left, "C"+strconv.FormatUint(it.cas, 10))
			done = code == codeHD
			return err
		})
		if err != nil {
			return 0, err
		}
		if done {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrContended, key)
}

func (s *store) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

func (s *store) Delete(ctx context.Context, key string) error {
	k := serverKey(key)
	return s.client.do(ctx, s.client.pick(k), "delete", func(cn *conn) error {
		_, err := cn.metaDelete(k)
		return err
	})
}

func (s *store) DeleteMany(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// Flush cannot remove only this cache's entries, because memcached cannot
// list keys. Unless FlushAll was configured it refuses with
// cachecore.ErrFlushUnsupported; with it, it empties every server.
func (s *store) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !s.flushAll {
		return fmt.Errorf("%w: memcached cannot list a prefix's keys; set Config.FlushAll to empty the whole server", cachecore.ErrFlushUnsupported)
	}
	for _, srv := range s.client.servers {
		if err := s.client.do(ctx, srv, "flush_all", func(cn *conn) error {
			return cn.command("flush_all", "OK")
		}); err != nil {
			return err
		}
	}
	return nil
}

// CompareAndDelete reads the value with its CAS value and deletes with
// that CAS value, which the server honours only if nobody wrote the key
// in between: a lock released late cannot delete the next holder's.
func (s *store) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	k := serverKey(key)
	var deleted bool
	err := s.client.do(ctx, s.client.pick(k), "compare and delete", func(cn *conn) error {
		it, found, err := cn.metaGet(k)
		if err != nil || !found || !bytes.Equal(it.value, expected) {
			return err
		}
		code, err := cn.metaDelete(k, "C"+strconv.FormatUint(it.cas, 10))
		deleted = code == codeHD
		return err
	})
	return deleted, err
}
