package natscache

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/nats-io/nats.go"
)

// KeyValue is the part of the nats package's KeyValue (the API before the
// jetstream package) that the store uses, the type of goforj/cache's
// Config.KeyValue: a nats.KeyValue from js.KeyValue or js.CreateKeyValue
// satisfies it. Its calls take no context; see Config.KeyValue for what
// that means for deadlines.
type KeyValue interface {
	Status() (nats.KeyValueStatus, error)
	Get(key string) (nats.KeyValueEntry, error)
	Put(key string, value []byte) (uint64, error)
	Create(key string, value []byte) (uint64, error)
	Update(key string, value []byte, last uint64) (uint64, error)
	Delete(key string, opts ...nats.DeleteOpt) error
	Purge(key string, opts ...nats.DeleteOpt) error
	ListKeys(opts ...nats.WatchOpt) (nats.KeyLister, error)
}

// legacyBucket is a bucket on a KeyValue. Each call that cannot take a
// context runs on a goroutine of its own when the context can end, so
// that the store returns at the deadline; the call itself goes on until
// the client's own request timeout (the JetStream context's MaxWait,
// 5 seconds by default), which is what bounds it.
type legacyBucket struct{ kv KeyValue }

// bounded runs call and returns its error, or ctx's error as soon as ctx
// ends. call must not touch memory the caller may reuse once bounded has
// returned.
func bounded(ctx context.Context, call func() error) error {
	if ctx.Done() == nil {
		return call()
	}
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b legacyBucket) get(ctx context.Context, key string) ([]byte, uint64, error) {
	var e nats.KeyValueEntry
	err := bounded(ctx, func() (err error) {
		e, err = b.kv.Get(key)
		return err
	})
	if errors.Is(err, nats.ErrKeyNotFound) || errors.Is(err, nats.ErrKeyDeleted) {
		return nil, 0, errMissing
	}
	if err != nil {
		return nil, 0, err
	}
	// Other implementations than the nats package's may return delete
	// and purge markers as entries.
	if e == nil || e.Operation() != nats.KeyValuePut {
		return nil, 0, errMissing
	}
	return e.Value(), e.Revision(), nil
}

// detach returns v, copied when the call may outlive the caller's use of
// it, since a value a caller passed in may be reused once the store has
// returned at the deadline.
func detach(ctx context.Context, v []byte) []byte {
	if ctx.Done() == nil {
		return v
	}
	return bytes.Clone(v)
}

func (b legacyBucket) put(ctx context.Context, key string, v []byte) error {
	v = detach(ctx, v)
	return bounded(ctx, func() error {
		_, err := b.kv.Put(key, v)
		return err
	})
}

func (b legacyBucket) create(ctx context.Context, key string, v []byte) error {
	v = detach(ctx, v)
	return legacyChanged(bounded(ctx, func() error {
		_, err := b.kv.Create(key, v)
		return err
	}))
}

func (b legacyBucket) update(ctx context.Context, key string, v []byte, rev uint64) error {
	v = detach(ctx, v)
	return legacyChanged(bounded(ctx, func() error {
		_, err := b.kv.Update(key, v, rev)
		return err
	}))
}

func (b legacyBucket) purge(ctx context.Context, key string, rev uint64) error {
	return legacyChanged(bounded(ctx, func() error {
		if rev == 0 {
			return b.kv.Purge(key)
		}
		return b.kv.Purge(key, nats.LastRevision(rev))
	}))
}

// keys lists every key of the bucket and keeps the prefix's: the API has
// no subject filter in goforj/cache's interface. The listing itself takes
// the context (nats.Context), and the loop stops when it ends.
func (b legacyBucket) keys(ctx context.Context, prefix string) ([]string, error) {
	lister, err := b.kv.ListKeys(nats.IgnoreDeletes(), nats.Context(ctx))
	if errors.Is(err, nats.ErrNoKeysFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		lister.Stop()
		// The lister's goroutine may be blocked handing over a key; let it
		// finish rather than leak it.
		go func() {
			for range lister.Keys() {
			}
		}()
	}()
	var keys []string
	for {
		select {
		case k, ok := <-lister.Keys():
			if !ok {
				// The listing also ends, early, when ctx does.
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				return keys, nil
			}
			if strings.HasPrefix(k, prefix) {
				keys = append(keys, k)
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (b legacyBucket) status(ctx context.Context) error {
	return bounded(ctx, func() error {
		_, err := b.kv.Status()
		return err
	})
}

// legacyChanged maps the server's wrong-last-sequence answer to
// errChanged.
func legacyChanged(err error) error {
	if errors.Is(err, nats.ErrKeyExists) {
		return errChanged
	}
	return err
}
