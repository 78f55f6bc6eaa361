package natscache

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// maxAttempts bounds the read-then-conditional-write loops of Add and
// Increment: each failed attempt means another writer succeeded, so the
// loop only runs long under heavy contention on one key.
const maxAttempts = 1000

// store is the unshaped backend under one prefix: it stores the values it
// is given, in envelopes, under keys encoded with its prefix. New wraps it
// with cachecore.WrapStore, which adds the default TTL, size limit,
// compression and encryption.
//
// Every write that depends on what is stored is conditional on the
// revision read (JetStream's expected last sequence per subject), so two
// processes sharing the bucket never interleave inside it.
type store struct {
	kv        bucket
	prefix    string // keyPrefix of the configured prefix
	bucketTTL bool
}

func newStore(kv bucket, prefix string, bucketTTL bool) *store {
	return &store{kv: kv, prefix: keyPrefix(prefix), bucketTTL: bucketTTL}
}

// key is the KV key of k, built in one allocation because it is on every
// operation's path: k is encoded in pieces of 30 bytes, a multiple of
// three that unpadded base64 encodes exactly and that the compiler keeps
// on the stack when converting.
func (s *store) key(k string) string {
	if k == "" {
		return s.prefix + "_"
	}
	enc := base64.RawURLEncoding
	var b strings.Builder
	b.Grow(len(s.prefix) + enc.EncodedLen(len(k)))
	b.WriteString(s.prefix)
	var piece [40]byte
	for len(k) > 0 {
		n := min(len(k), 30)
		enc.Encode(piece[:], []byte(k[:n]))
		b.Write(piece[:enc.EncodedLen(n)])
		k = k[n:]
	}
	return b.String()
}

// fail describes err of op and, when the context ended, wraps its error
// too, so that callers can test for context.DeadlineExceeded whichever of
// the client's own errors surfaced.
func fail(ctx context.Context, op string, err error) error {
	return cachecore.OpError(ctx, "natscache", op, err)
}

// encode is what is stored for value with ttl.
func (s *store) encode(value []byte, ttl time.Duration) []byte {
	if s.bucketTTL {
		return value
	}
	return wrap(value, uint64(cachecore.ExpiresAtMilli(time.Now(), ttl)))
}

// entry is a read of one key: rev is the revision to write over (0 when
// the key holds nothing), live whether it holds an unexpired value.
type entry struct {
	value []byte
	exp   uint64
	rev   uint64
	live  bool
}

func (s *store) read(ctx context.Context, op, key string) (entry, error) {
	b, rev, err := s.kv.get(ctx, key)
	if errors.Is(err, errMissing) {
		return entry{}, nil
	}
	if err != nil {
		return entry{}, fail(ctx, op, err)
	}
	if s.bucketTTL {
		return entry{value: b, rev: rev, live: true}, nil
	}
	v, exp := unwrap(b)
	return entry{value: v, exp: exp, rev: rev, live: !expired(exp, time.Now())}, nil
}

// write stores b at key only if the key is still at rev (absent when 0),
// reporting false when another writer changed it first.
func (s *store) write(ctx context.Context, op, key string, b []byte, rev uint64) (bool, error) {
	var err error
	if rev == 0 {
		err = s.kv.create(ctx, key, b)
	} else {
		err = s.kv.update(ctx, key, b, rev)
	}
	if errors.Is(err, errChanged) {
		return false, nil
	}
	if err != nil {
		return false, fail(ctx, op, err)
	}
	return true, nil
}

func (s *store) Driver() cachecore.Driver { return cachecore.DriverNATS }

func (s *store) Ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.kv.status(ctx); err != nil {
		return fail(ctx, "status", err)
	}
	return nil
}

func (s *store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	e, err := s.read(ctx, "get", s.key(key))
	if err != nil || !e.live {
		return nil, false, err
	}
	// The entry's bytes are this call's own: the client decodes every
	// answer into a new message, so no copy is needed.
	return e.value, true, nil
}

func (s *store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.kv.put(ctx, s.key(key), s.encode(value, ttl)); err != nil {
		return fail(ctx, "set", err)
	}
	return nil
}

// Add creates the key; when it exists but has expired, it replaces it at
// the revision read, so that of concurrent callers exactly one wins.
func (s *store) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	k := s.key(key)
	for range maxAttempts {
		e, err := s.read(ctx, "add", k)
		if err != nil {
			return false, err
		}
		if e.live {
			return false, nil
		}
		ok, err := s.write(ctx, "add", k, s.encode(value, ttl), e.rev)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, fmt.Errorf("%w: add %q", ErrContended, key)
}

// Increment reads the counter and writes the sum back at the revision
// read, retrying when another writer changed it meanwhile, so concurrent
// increments from any number of processes all count. A positive ttl
// restarts the counter's lifetime, as goforj/cache's drivers do; otherwise
// a live counter keeps its expiry and a new one has none.
func (s *store) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	k := s.key(key)
	for range maxAttempts {
		e, err := s.read(ctx, "increment", k)
		if err != nil {
			return 0, err
		}
		n, b, err := cachecore.AddCounter(e.value, e.live, delta)
		if err != nil {
			return 0, fmt.Errorf("natscache: increment %q: %w", key, err)
		}
		var exp uint64
		if e.live {
			exp = e.exp
		}
		if ttl > 0 {
			exp = uint64(cachecore.ExpiresAtMilli(time.Now(), ttl))
		}
		if !s.bucketTTL {
			b = wrap(b, exp)
		}
		ok, err := s.write(ctx, "increment", k, b, e.rev)
		if err != nil {
			return 0, err
		}
		if ok {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%w: increment %q", ErrContended, key)
}

func (s *store) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

// Delete purges the key, leaving no history behind; a missing key is not
// an error.
func (s *store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.kv.purge(ctx, s.key(key), 0); err != nil {
		return fail(ctx, "delete", err)
	}
	return nil
}

func (s *store) DeleteMany(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if err := s.Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// CompareAndDelete deletes the key only at the revision that held
// expected, so a lock released by a holder whose lease ran out does not
// remove the next holder's.
func (s *store) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	k := s.key(key)
	e, err := s.read(ctx, "compare and delete", k)
	if err != nil || !e.live || !bytes.Equal(e.value, expected) {
		return false, err
	}
	err = s.kv.purge(ctx, k, e.rev)
	if errors.Is(err, errChanged) {
		return false, nil
	}
	if err != nil {
		return false, fail(ctx, "compare and delete", err)
	}
	return true, nil
}

// Flush purges the keys under the store's prefix and leaves every other key of the bucket alone. Keys written
// while it runs may survive it.
func (s *store) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	keys, err := s.kv.keys(ctx, s.prefix)
	if err != nil {
		return fail(ctx, "flush", err)
	}
	for _, k := range keys {
		if err := s.kv.purge(ctx, k, 0); err != nil {
			return fail(ctx, "flush", err)
		}
	}
	return nil
}
