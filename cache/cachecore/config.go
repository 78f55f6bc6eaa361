package cachecore

import "time"

// CompressionCodec selects how values are compressed before they reach a
// backend. The zero value behaves like CompressionNone.
type CompressionCodec string

// Compression codecs understood by the shared store configuration layer.
const (
	CompressionNone   CompressionCodec = "none"
	CompressionGzip   CompressionCodec = "gzip"
	CompressionSnappy CompressionCodec = "snappy"
)

// BaseConfig holds the settings every store accepts. They are applied by one
// shared layer wrapped around the backend, so every backend behaves the same
// way for them. The zero value disables all of them.
type BaseConfig struct {
	// DefaultTTL is the lifetime of entries written with ttl <= 0.
	// Zero means such entries do not expire.
	DefaultTTL time.Duration

	// Prefix namespaces keys so several logical caches can share one
	// backend: the backend stores Prefix + ":" + key, the format of
	// goforj/cache drivers. A prefix containing ':' is refused, because it
	// would make stored keys ambiguous. Flush on a prefixed store removes
	// only the prefixed keys when the backend can list them.
	Prefix string

	// Compression compresses values before storage. Values that do not
	// shrink are stored uncompressed.
	Compression CompressionCodec

	// MaxValueBytes rejects writes of values longer than this many bytes,
	// measured before compression and encryption, with ErrValueTooLarge.
	// Zero means no limit.
	MaxValueBytes int

	// EncryptionKey enables AES-GCM encryption of values when set. It must
	// be 16, 24 or 32 bytes long (AES-128, -192 or -256); any other length
	// makes the store fail every operation with ErrEncryptionKey.
	EncryptionKey []byte
}
