package rediscache

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// store is the unshaped backend: it stores keys and values exactly as it
// is given them. New wraps it with cachecore.WrapStore, which adds the
// prefix, default TTL, size limit, compression and encryption.
//
// Every operation that must be atomic across processes is one Redis
// command, one MULTI/EXEC transaction or one Lua script, so that two
// processes sharing the server never interleave inside it.
type store struct {
	client Client
	// The client's optional parts (see Client), nil when it lacks them.
	scripter redis.Scripter
	tx       txPipeliner
}

func newStore(client Client) *store {
	s := &store{client: client}
	s.scripter, _ = client.(redis.Scripter)
	s.tx, _ = client.(txPipeliner)
	return s
}

// rawStore is the store New wraps for client: a cachecore.ExpiryGetter
// exactly when the client can answer GetWithExpiry.
func rawStore(client Client) cachecore.Store {
	s := newStore(client)
	if s.tx != nil {
		return newExpiryStore(s)
	}
	return s
}

// fail describes err of op and, when the context ended, wraps its error
// too, so that callers can test for context.DeadlineExceeded whichever of
// the client's own errors surfaced.
func fail(ctx context.Context, op string, err error) error {
	return cachecore.OpError(ctx, "rediscache", op, err)
}

// expiration converts a ttl to what go-redis sends: 0 for no expiry, else
// at least one millisecond, rounded up to whole milliseconds so an entry
// never outlives its ttl by less than asked nor expires before it.
func expiration(ttl time.Duration) time.Duration {
	if ttl <= 0 {
		return 0
	}
	if ttl > cachecore.MaxTTL {
		return cachecore.MaxTTL
	}
	return (ttl + time.Millisecond - 1).Truncate(time.Millisecond)
}

func (s *store) Driver() cachecore.Driver { return cachecore.DriverRedis }

func (s *store) Ready(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fail(ctx, "ping", err)
	}
	return nil
}

func (s *store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	v, err := s.client.Get(ctx, key).Bytes()
	if err == redis.Nil {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fail(ctx, "get", err)
	}
	if v == nil {
		v = []byte{}
	}
	return v, true, nil
}

func (s *store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.client.Set(ctx, key, value, expiration(ttl)).Err(); err != nil {
		return fail(ctx, "set", err)
	}
	return nil
}

func (s *store) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	created, err := s.client.SetNX(ctx, key, value, expiration(ttl)).Result()
	if err != nil {
		return false, fail(ctx, "add", err)
	}
	return created, nil
}

// Increment runs incrementScript: INCRBY adds delta, creating a missing
// counter at zero, and a positive ttl then restarts the counter's
// lifetime, as goforj/cache's drivers do, so concurrent increments from
// any number of processes all count and a counter in use does not expire.
// Redis refuses non-numeric values and overflow itself, which aborts the
// script before the lifetime is touched. The script returns the counter as
// text, read with GET, because Lua numbers would round past 2^53. A client
// that cannot run scripts gets the fallbacks Client describes.
func (s *store) Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if s.scripter == nil {
		return s.incrementWithoutScript(ctx, key, delta, ttl)
	}
	text, err := incrementScript.Run(ctx, s.scripter, []string{key}, delta, expiration(ttl).Milliseconds()).Text()
	if err != nil {
		return 0, counterError(ctx, key, err)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %q: %v", cachecore.ErrNotNumeric, key, err)
	}
	return n, nil
}

// incrementWithoutScript is Increment for a client without scripting:
// INCRBY and PEXPIRE in one MULTI/EXEC transaction when the client has
// one, else INCRBY and then EXPIRE in whole seconds rounded up, the most
// Client's own methods allow; a failed INCRBY (not a number, overflow)
// leaves the lifetime alone in both.
func (s *store) incrementWithoutScript(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	if s.tx == nil {
		n, err := s.client.IncrBy(ctx, key, delta).Result()
		if err != nil {
			return 0, counterError(ctx, key, err)
		}
		if ttl > 0 {
			secs := (expiration(ttl) + time.Second - 1).Truncate(time.Second)
			if err := s.client.Expire(ctx, key, secs).Err(); err != nil {
				return 0, fail(ctx, "increment: restart lifetime", err)
			}
		}
		return n, nil
	}
	var incr *redis.IntCmd
	_, err := s.tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.IncrBy(ctx, key, delta)
		if ttl > 0 {
			p.PExpire(ctx, key, expiration(ttl))
		}
		return nil
	})
	// In a transaction, a failed INCRBY does not stop PEXPIRE, which then
	// restarts a value's lifetime that Increment refused to change; the
	// refusal is reported all the same, as with the script.
	if incr != nil && incr.Err() != nil {
		return 0, counterError(ctx, key, incr.Err())
	}
	if err != nil {
		return 0, fail(ctx, "increment", err)
	}
	return incr.Val(), nil
}

// incrementScript is INCRBY KEYS[1] ARGV[1], then PEXPIRE KEYS[1] ARGV[2]
// when ARGV[2] is positive, answering the new value as text.
var incrementScript = redis.NewScript(`
redis.call("INCRBY", KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 then
	redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return redis.call("GET", KEYS[1])
`)

// counterError maps Redis's replies for a bad counter to the errors of
// the Store contract.
func counterError(ctx context.Context, key string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "overflow"):
		return fmt.Errorf("%w: %q: %v", cachecore.ErrCounterOverflow, key, err)
	case strings.Contains(msg, "not an integer"):
		return fmt.Errorf("%w: %q: %v", cachecore.ErrNotNumeric, key, err)
	}
	return fail(ctx, "increment", err)
}

func (s *store) Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error) {
	neg, err := cachecore.NegateDelta(delta)
	if err != nil {
		return 0, err
	}
	return s.Increment(ctx, key, neg, ttl)
}

func (s *store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.client.Del(ctx, key).Err(); err != nil {
		return fail(ctx, "delete", err)
	}
	return nil
}

// DeleteMany deletes the keys with deleteKeys.
func (s *store) DeleteMany(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	if err := deleteKeys(ctx, s.client, keys); err != nil {
		return fail(ctx, "delete", err)
	}
	return nil
}

// Flush of the unprefixed store removes every key of the database, one
// SCAN batch at a time; it never sends FLUSHDB or FLUSHALL. New always
// configures a prefix, so through New it is FlushPrefix of that prefix.
func (s *store) Flush(ctx context.Context) error { return s.FlushPrefix(ctx, "") }

// compareAndDelete deletes KEYS[1] only while it holds ARGV[1]; Redis runs
// a script without interleaving other commands, which is what makes a lock
// release by a holder whose lease ran out harmless to the next holder.
var compareAndDelete = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0
`)

func (s *store) CompareAndDelete(ctx context.Context, key string, expected []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if s.scripter == nil {
		return false, ErrNoScripting
	}
	n, err := compareAndDelete.Run(ctx, s.scripter, []string{key}, expected).Int64()
	if err != nil {
		return false, fail(ctx, "compare and delete", err)
	}
	return n == 1, nil
}
