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
}
