package cache

import (
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// CompressionCodec represents a value compression algorithm.
type CompressionCodec = cachecore.CompressionCodec

// Compression codecs for BaseConfig.Compression.
const (
	CompressionNone   = cachecore.CompressionNone
	CompressionGzip   = cachecore.CompressionGzip
	CompressionSnappy = cachecore.CompressionSnappy
)

// DefaultTTL is the lifetime the memory, file and null stores give entries
// written with ttl <= 0 when BaseConfig.DefaultTTL is zero: five minutes,
// as in goforj/cache, so that a Cache's writes without a ttl expire as
// they would there. A store with a negative DefaultTTL keeps such entries
// until they are deleted; pass a very long ttl for the same effect per
// write.
const DefaultTTL = 5 * time.Minute

// DefaultMemoryCleanupInterval is how often the memory store sweeps expired
// entries when StoreConfig.MemoryCleanupInterval is zero.
const DefaultMemoryCleanupInterval = time.Minute

// DefaultFileCleanupInterval is how often the file store's sweeper examines
// a batch of files when StoreConfig.FileCleanupInterval is zero.
const DefaultFileCleanupInterval = time.Minute

// StoreConfig controls store construction. The zero value is valid for every
// store except the file store, which needs FileDir.
type StoreConfig struct {
	cachecore.BaseConfig

	// MemoryCleanupInterval is how often the memory store removes expired
	// entries that nobody read; <= 0 means DefaultMemoryCleanupInterval.
	// Expired entries are never returned regardless of this interval.
	MemoryCleanupInterval time.Duration

	// FileDir is the directory of the file store. It is created (mode 0700)
	// if missing.
	FileDir string

	// FileCleanupInterval is how often the file store removes a batch of
	// expired files that nobody read; <= 0 means
	// DefaultFileCleanupInterval. See NewFileStoreWithConfig.
	FileCleanupInterval time.Duration

	// FileSkipSync makes the file store skip syncing each entry file to
	// disk before renaming it into place. Writes get much faster where a
	// sync is slow, but after an operating system crash or a power loss an
	// entry written shortly before may be read back with its value cut
	// short or damaged: the record has no checksum (it is goforj/cache's
	// format), so only values that are compressed or encrypted, whose
	// envelopes are checked, would be refused. Leave it false unless the
	// directory is on a file system that a crash empties anyway, such as
	// tmpfs, or such values are acceptable.
	FileSkipSync bool
}
