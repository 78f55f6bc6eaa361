package cachecore

import (
	"context"
	"time"
)

// Store is the byte-level contract every cache backend implements.
//
// All methods except Driver take a context first and must return its error
// (errors.Is(err, ctx.Err())) without doing work when it is already done.
// Methods are safe for concurrent use.
//
// Values are owned by the caller on both sides: Set, Add and
// CompareAndDelete must not retain the slices they are given, and the slice
// returned by Get belongs to the caller, who may modify it.
//
// A ttl <= 0 asks for the store's default lifetime: the DefaultTTL of its
// BaseConfig when one was configured, otherwise no expiry. An expired entry
// is indistinguishable from a missing one.
type Store interface {
	// Driver reports the kind of backend.
	Driver() Driver

	// Ready reports whether the store can serve requests. A store whose
	// construction failed (for example because of a bad encryption key)
	// returns that error here and from every other operation, because
	// constructors have no error result.
	Ready(ctx context.Context) error

	// Get returns the value stored under key and whether it was found.
	Get(ctx context.Context, key string) (value []byte, found bool, err error)

	// Set stores value under key, replacing any previous value and expiry.
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error

	// Add stores value only when key is absent (or expired) and reports
	// whether it did. The check and the write are atomic within the store's
	// scope of coordination, which for single-process stores is the process.
	Add(ctx context.Context, key string, value []byte, ttl time.Duration) (created bool, err error)

	// Increment adds delta to the counter at key and returns the new value.
	// A missing key starts from zero. A ttl > 0 becomes the counter's
	// lifetime from now, also for an existing counter, as in goforj/cache
	// (whose Redis store runs EXPIRE after INCRBY); with ttl <= 0 a new
	// counter gets the store's default and an existing one keeps its
	// expiry. Counters are
	// stored as base-10 ASCII text, so Get returns for example "42". A value
	// that is not such text yields ErrNotNumeric and overflowing int64
	// yields ErrCounterOverflow; the stored value is left unchanged.
	Increment(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error)

	// Decrement is Increment with the delta negated.
	Decrement(ctx context.Context, key string, delta int64, ttl time.Duration) (int64, error)

	// Delete removes key. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error

	// DeleteMany removes every key given; missing keys are ignored.
	DeleteMany(ctx context.Context, keys ...string) error

	// Flush removes every entry in the store's scope.
	Flush(ctx context.Context) error
}
