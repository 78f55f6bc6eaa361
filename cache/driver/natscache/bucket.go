package natscache

import (
	"context"
	"errors"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// errMissing and errChanged are what a bucket reports for a key that holds
// nothing and for a conditional write or delete that lost to another
// writer, whichever client API it adapts.
var (
	errMissing = errors.New("natscache: key not found")
	errChanged = errors.New("natscache: key changed since it was read")
)

// bucket is what the store needs of a key/value bucket. jsBucket adapts
// the jetstream package's client, which takes contexts, and legacyBucket
// the older nats.KeyValue API of goforj/cache's Config, which does not.
type bucket interface {
	// get returns the value and revision of key, or errMissing.
	get(ctx context.Context, key string) ([]byte, uint64, error)
	put(ctx context.Context, key string, b []byte) error
	// create writes b only if key holds nothing, else errChanged.
	create(ctx context.Context, key string, b []byte) error
	// update writes b only if key is still at rev, else errChanged.
	update(ctx context.Context, key string, b []byte, rev uint64) error
	// purge removes key and its history, only at rev when rev is not 0,
	// else errChanged.
	purge(ctx context.Context, key string, rev uint64) error
	// keys lists the keys that start with prefix.
	keys(ctx context.Context, prefix string) ([]string, error)
	status(ctx context.Context) error
}

// jsBucket is a bucket on the jetstream package's KeyValue: every call
// ends at its context's deadline.
type jsBucket struct{ kv jetstream.KeyValue }

func (b jsBucket) get(ctx context.Context, key string) ([]byte, uint64, error) {
	e, err := b.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil, 0, errMissing
	}
	if err != nil {
		return nil, 0, err
	}
	return e.Value(), e.Revision(), nil
}

func (b jsBucket) put(ctx context.Context, key string, v []byte) error {
	_, err := b.kv.Put(ctx, key, v)
	return err
}

func (b jsBucket) create(ctx context.Context, key string, v []byte) error {
	_, err := b.kv.Create(ctx, key, v)
	return jsChanged(err)
}

func (b jsBucket) update(ctx context.Context, key string, v []byte, rev uint64) error {
	_, err := b.kv.Update(ctx, key, v, rev)
	return jsChanged(err)
}

func (b jsBucket) purge(ctx context.Context, key string, rev uint64) error {
	if rev == 0 {
		return b.kv.Purge(ctx, key)
	}
	return jsChanged(b.kv.Purge(ctx, key, jetstream.LastRevision(rev)))
}

// keys lists with a subject filter, so that the server sends only the
// prefix's keys.
func (b jsBucket) keys(ctx context.Context, prefix string) ([]string, error) {
	lister, err := b.kv.ListKeysFiltered(ctx, prefix+">")
	if err != nil {
		return nil, err
	}
	defer lister.Stop()
	var keys []string
	for k := range lister.Keys() {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	// The lister stops early, without an error, when ctx ends.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return keys, nil
}

func (b jsBucket) status(ctx context.Context) error {
	_, err := b.kv.Status(ctx)
	return err
}

// jsChanged maps the server's wrong-last-sequence answer to errChanged.
func jsChanged(err error) error {
	if errors.Is(err, jetstream.ErrKeyExists) {
		return errChanged
	}
	return err
}
