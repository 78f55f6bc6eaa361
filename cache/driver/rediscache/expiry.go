package rediscache

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// expiryStore is the store of a client with transactions: it also
// implements cachecore.ExpiryGetter, so that the facade's memo layer and
// counter rewrites know an entry's expiry without a second round trip.
type expiryStore struct {
	*store
	// noExpireTime is set once the server refused PEXPIRETIME (before
	// Redis 7.0), after which PTTL is asked instead.
	noExpireTime *atomic.Bool
}

func newExpiryStore(s *store) expiryStore { return expiryStore{s, new(atomic.Bool)} }

// GetWithExpiry reads the value and its expiry in one MULTI/EXEC
// transaction, one round trip in which no other client's command can come
// between the two, so the expiry is the value's own. It asks PEXPIRETIME,
// the absolute expiry on the server's clock, which Redis keeps in whole
// milliseconds and reaches once the millisecond after it begins; a server
// without it is asked PTTL, which this process adds to its own clock when
// sending, so that the expiry is never later than the server's.
func (s expiryStore) GetWithExpiry(ctx context.Context, key string) ([]byte, time.Time, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, time.Time{}, false, err
	}
	relative := s.noExpireTime.Load()
	v, d, found, err := s.getWithExpiry(ctx, key, relative)
	if !relative && err != nil && unknownCommand(err) {
		s.noExpireTime.Store(true)
		relative = true
		v, d, found, err = s.getWithExpiry(ctx, key, true)
	}
	if err != nil || !found {
		return nil, time.Time{}, false, err
	}
	// A key without expiry answers -1; one GET just found in the same
	// transaction cannot answer -2 (missing).
	var exp time.Time
	switch {
	case d.d < 0:
	case relative:
		exp = d.now.Add(d.d)
	default:
		exp = time.UnixMilli(d.d.Milliseconds() + 1)
	}
	return v, exp, true, nil
}

// expiryReply is PEXPIRETIME's or PTTL's answer and, for PTTL, the time
// it was asked at.
type expiryReply struct {
	d   time.Duration
	now time.Time
}

func (s expiryStore) getWithExpiry(ctx context.Context, key string, relative bool) ([]byte, expiryReply, bool, error) {
	var get *redis.StringCmd
	var exp *redis.DurationCmd
	r := expiryReply{now: time.Now()}
	_, err := s.tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, key)
		if relative {
			exp = p.PTTL(ctx, key)
		} else {
			exp = p.PExpireTime(ctx, key)
		}
		return nil
	})
	if err == redis.Nil {
		return nil, r, false, nil
	}
	if err != nil {
		return nil, r, false, fail(ctx, "get with expiry", err)
	}
	v, err := get.Bytes()
	if err != nil {
		return nil, r, false, fail(ctx, "get with expiry", err)
	}
	if v == nil {
		v = []byte{}
	}
	r.d = exp.Val()
	return v, r, true, nil
}

// unknownCommand reports whether err is a server's refusal of a command
// it does not have, which inside MULTI aborts the transaction.
func unknownCommand(err error) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		return false
	}
	msg := strings.ToLower(reply.Error())
	return strings.Contains(msg, "unknown command") || strings.Contains(msg, "execabort")
}
