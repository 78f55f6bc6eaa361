package cache

import (
	"errors"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Errors from the store configuration layer. They are the cachecore values,
// re-exported so callers of this package need not import cachecore.
var (
	ErrValueTooLarge      = cachecore.ErrValueTooLarge
	ErrUnsupportedCodec   = cachecore.ErrUnsupportedCodec
	ErrCorruptCompression = cachecore.ErrCorruptCompression
)

// Encryption errors; see cachecore for their meaning.
var (
	ErrEncryptionKey      = cachecore.ErrEncryptionKey
	ErrDecryptFailed      = cachecore.ErrDecryptFailed
	ErrEncryptValueTooBig = cachecore.ErrEncryptValueTooBig
)

// ErrInspectorUnsupported is returned by ListPage when the store cannot
// enumerate its entries.
var ErrInspectorUnsupported = cachecore.ErrInspectorUnsupported

// ErrFlushUnsupported is returned by Flush of a store that cannot remove all
// of its entries, such as a group store. It wraps errors.ErrUnsupported.
var ErrFlushUnsupported = cachecore.ErrFlushUnsupported

// Counter errors returned by Increment and Decrement.
var (
	ErrNotNumeric      = cachecore.ErrNotNumeric
	ErrCounterOverflow = cachecore.ErrCounterOverflow
)

// Errors of the facade itself.
var (
	// ErrLockNotHeld is returned when releasing a lock that another owner
	// holds now: the caller's lease ran out, or it never held the lock.
	// Releasing a lock that no one holds is not an error.
	ErrLockNotHeld = errors.New("cache: lock not held by this owner")
	// ErrInvalidTTL is returned by lock operations given a ttl <= 0; a lock
	// without a lease would outlive a crashed holder forever.
	ErrInvalidTTL = errors.New("cache: lock ttl must be positive")
	// ErrInvalidRateLimit is returned by RateLimit for a limit <= 0 or a
	// window <= 0, which goforj/cache refuses too.
	ErrInvalidRateLimit = errors.New("cache: rate limit needs limit > 0 and window > 0")
	// ErrInvalidRefreshAhead is returned by the refresh-ahead helpers given
	// a ttl <= 0 or a refreshAhead <= 0: without both lengths the Cache
	// cannot tell when a value is near expiry.
	ErrInvalidRefreshAhead = errors.New("cache: refresh ahead needs ttl > 0 and refreshAhead > 0")
	// ErrNilCallback is returned by LockHandle.Get and LockHandle.Block
	// given a nil callback, before the lock is acquired.
	ErrNilCallback = errors.New("cache: callback is required")
	// ErrLoaderPanicked is returned by Remember-style helpers when the
	// loader panics; the panic value is in the message. Converting the panic
	// keeps one bad loader from crashing every caller waiting on it.
	ErrLoaderPanicked = errors.New("cache: loader panicked")
)
