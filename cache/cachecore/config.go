package cachecore

import "time"

// CompressionCodec selects how values are compressed before they reach a
// backend. The zero value behaves like CompressionNone.
type CompressionCodec string

// Compression codecs understood by WrapStore.
const (
	// CompressionNone stores values uncompressed.
	CompressionNone CompressionCodec = "none"
	// CompressionGzip writes the gzip envelope goforj/cache also writes
	// and reads.
	CompressionGzip CompressionCodec = "gzip"
	// CompressionSnappy writes a snappy envelope, faster than gzip but
	// readable only by this module: goforj/cache reports it as
	// ErrUnsupportedCodec.
	CompressionSnappy CompressionCodec = "snappy"
)

// BaseConfig holds the settings every store accepts. WrapStore applies them
// in one layer around the backend, so every backend behaves the same way
// for them. The zero value disables all of them. The bytes written are
// described in the documentation of package cache.
type BaseConfig struct {
	// DefaultTTL is the lifetime of entries written with ttl <= 0.
	// Zero means such entries get the backend's own default: five minutes
	// (cache.DefaultTTL) for the memory, file and null stores of package
	// cache, as in goforj/cache, and no expiry for a backend wrapped with
	// WrapStore directly. A negative DefaultTTL means no expiry.
	DefaultTTL time.Duration

	// Prefix namespaces keys so several logical caches can share one
	// backend: the backend stores Prefix + ":" + key, the format of
	// goforj/cache drivers. A prefix containing ':' is refused with
	// ErrInvalidPrefix, because it would make stored keys ambiguous.
	// Flush on a prefixed store removes only the prefixed keys when the
	// backend can find them (see PrefixFlusher) and everything otherwise.
	Prefix string

	// Compression compresses values before storage. A value that does not
	// shrink is stored as it is, unless it begins like an envelope (see
	// the package cache documentation); values are not compressed when
	// EncryptionKey is set.
	Compression CompressionCodec

	// MaxValueBytes rejects writes of values longer than this many bytes,
	// measured before compression and encryption, with ErrValueTooLarge,
	// and bounds decompression on reads the same way. Zero means no limit;
	// a negative value is refused with ErrInvalidMaxValueBytes.
	MaxValueBytes int

	// EncryptionKey enables AES-GCM encryption of values when set. It must
	// be 16, 24 or 32 bytes long (AES-128, -192 or -256); any other length
	// is refused with ErrEncryptionKey. Counters (Increment and Decrement)
	// are stored unencrypted, so that backends can update them atomically.
	EncryptionKey []byte

	// KeyBoundEncryption authenticates each encrypted value together with
	// the key it is stored under, so that a value copied or moved to
	// another key fails to decrypt with ErrDecryptFailed instead of being
	// served as that key's value. Values written this way cannot be read
	// by goforj/cache, and a store with it set refuses values encrypted
	// without the binding. It requires EncryptionKey.
	KeyBoundEncryption bool

	// AcceptUnencrypted makes an encrypting store return a stored value
	// that carries no encryption envelope as it is, as goforj/cache does.
	// By default such a value is refused with ErrNotEncrypted, because
	// anyone able to write to the backend could otherwise plant values
	// that are served as if they had been encrypted; counters, which are
	// never encrypted, are the one exception (see package cache). Set it
	// while migrating a store whose values were written before encryption
	// was enabled.
	AcceptUnencrypted bool
}
