package cachecore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Errors of WrapStore and ValidateBaseConfig, in addition to the codec,
// size and encryption errors in errors.go.
var (
	// ErrInvalidMaxValueBytes is returned for a negative
	// BaseConfig.MaxValueBytes.
	ErrInvalidMaxValueBytes = errors.New("cache: max value bytes must not be negative")

	// ErrInvalidPrefix is returned for a BaseConfig.Prefix containing
	// PrefixSeparator. Such a prefix would make stored keys ambiguous:
	// prefix "a" with key "b:c" and prefix "a:b" with key "c" would both
	// be stored as "a:b:c".
	ErrInvalidPrefix = errors.New(`cache: key prefix must not contain ":"`)

	// ErrNilStore is returned by WrapStore given a nil Store.
	ErrNilStore = errors.New("cache: store is required")

	// ErrNotEncrypted is returned by reads of an encrypting store that
	// find a value without an encryption envelope, unless the store was
	// configured with AcceptUnencrypted. It wraps ErrDecryptFailed, so
	// callers that handle undecryptable values handle it too.
	ErrNotEncrypted = fmt.Errorf("%w: value is not encrypted", ErrDecryptFailed)
)

// PrefixSeparator joins a configured Prefix and a key into the key the
// backend stores: Prefix + ":" + key, the format goforj/cache drivers use,
// so that both can share a backend. A store without a prefix stores keys
// unchanged.
const PrefixSeparator = ":"

// ValidateBaseConfig reports the first problem of cfg, checked in this
// order: a negative MaxValueBytes (ErrInvalidMaxValueBytes), an unknown
// Compression (ErrUnsupportedCodec), an EncryptionKey that is not 16, 24
// or 32 bytes long, or KeyBoundEncryption without a key (ErrEncryptionKey),
// and a Prefix containing PrefixSeparator (ErrInvalidPrefix). The errors
// wrap those values with detail; compare with errors.Is. It contacts no
// backend.
func ValidateBaseConfig(cfg BaseConfig) error {
	if cfg.MaxValueBytes < 0 {
		return fmt.Errorf("%w: %d", ErrInvalidMaxValueBytes, cfg.MaxValueBytes)
	}
	switch cfg.Compression {
	case "", CompressionNone, CompressionGzip, CompressionSnappy:
	default:
		return fmt.Errorf("%w: %q", ErrUnsupportedCodec, cfg.Compression)
	}
	switch n := len(cfg.EncryptionKey); n {
	case 0, 16, 24, 32:
	default:
		return fmt.Errorf("%w: got %d bytes", ErrEncryptionKey, n)
	}
	if cfg.KeyBoundEncryption && len(cfg.EncryptionKey) == 0 {
		return fmt.Errorf("%w: KeyBoundEncryption is set without an EncryptionKey", ErrEncryptionKey)
	}
	if strings.Contains(cfg.Prefix, PrefixSeparator) {
		return fmt.Errorf("%w: %q", ErrInvalidPrefix, cfg.Prefix)
	}
	return nil
}

// WrapStore applies cfg to store: key prefix, default TTL, value size
// limit, compression and encryption. Every store of this module is built
// this way, and a backend written elsewhere gets the same behaviour and the
// same stored bytes by wrapping itself in it. Unlike goforj/cache's
// WrapStore, this one also applies Prefix and DefaultTTL, so a backend must
// not apply them again; one whose key layout cannot hold the prefix as
// Prefix + ":" + key applies the prefix itself and clears cfg.Prefix
// before wrapping.
//
// When cfg asks for nothing, WrapStore returns store itself, so capabilities
// of the backend that this package does not know about stay visible.
// Otherwise the result implements CompareAndDeleter and Inspector, passing
// them through to store (with fallbacks where store lacks them), and
// ExpiryGetter exactly when store does; Flush of a prefixed store uses the
// store's PrefixFlusher when it has one.
//
// Increment and Decrement bypass compression and encryption, so a backend's
// native atomic increment works and counters stay decimal text that every
// reader understands. Incrementing a value written with Set through an
// encrypting or compressing store first rewrites it as such text.
//
// If cfg is invalid (see ValidateBaseConfig) or store is nil, WrapStore
// returns the error together with a Store that reports it from Ready and
// from every operation while keeping store's Driver, so that constructors
// without an error result can fail closed. It never panics.
func WrapStore(store Store, cfg BaseConfig) (Store, error) {
	if store == nil {
		return &failedStore{err: ErrNilStore}, ErrNilStore
	}
	if err := ValidateBaseConfig(cfg); err != nil {
		return &failedStore{driver: store.Driver(), err: err}, err
	}
	compressing := cfg.Compression != "" && cfg.Compression != CompressionNone
	if cfg.DefaultTTL <= 0 && cfg.Prefix == "" && !compressing &&
		cfg.MaxValueBytes == 0 && len(cfg.EncryptionKey) == 0 {
		return store, nil
	}
	s := &shapedStore{
		inner:      store,
		defaultTTL: max(cfg.DefaultTTL, 0),
		shaper: shaper{
			maxBytes:          cfg.MaxValueBytes,
			keyBound:          cfg.KeyBoundEncryption,
			acceptUnencrypted: cfg.AcceptUnencrypted,
		},
	}
	if cfg.Prefix != "" {
		s.prefix = cfg.Prefix + PrefixSeparator
	}
	if len(cfg.EncryptionKey) > 0 {
		aead, err := newAEAD(cfg.EncryptionKey)
		if err != nil {
			return &failedStore{driver: store.Driver(), err: err}, err
		}
		s.aead = aead
	} else if compressing {
		// Ciphertext does not compress, and compressing before encrypting
		// would let value lengths reveal contents, so an encrypting store
		// does not compress.
		s.codec = cfg.Compression
	}
	if _, ok := store.(ExpiryGetter); ok {
		return shapedExpiryStore{s}, nil
	}
	return s, nil
}

// FailingStore returns a Store of driver whose Ready and every operation
// report err (or the context's error, once it is done): what a constructor
// without an error result returns when it cannot build its backend, so
// that it fails closed. WrapStore returns one for a configuration it
// refuses.
func FailingStore(driver Driver, err error) Store {
	return &failedStore{driver: driver, err: err}
}

// failedStore is what WrapStore returns for a configuration it refuses:
// every operation reports the refusal.
type failedStore struct {
	driver Driver
	err    error
}

func (s *failedStore) fail(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.err
}

func (s *failedStore) Driver() Driver                  { return s.driver }
func (s *failedStore) Ready(ctx context.Context) error { return s.fail(ctx) }

func (s *failedStore) Get(ctx context.Context, _ string) ([]byte, bool, error) {
	return nil, false, s.fail(ctx)
}

func (s *failedStore) Set(ctx context.Context, _ string, _ []byte, _ time.Duration) error {
	return s.fail(ctx)
}

func (s *failedStore) Add(ctx context.Context, _ string, _ []byte, _ time.Duration) (bool, error) {
	return false, s.fail(ctx)
}

func (s *failedStore) Increment(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, s.fail(ctx)
}

func (s *failedStore) Decrement(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, s.fail(ctx)
}

func (s *failedStore) Delete(ctx context.Context, _ string) error        { return s.fail(ctx) }
func (s *failedStore) DeleteMany(ctx context.Context, _ ...string) error { return s.fail(ctx) }
func (s *failedStore) Flush(ctx context.Context) error                   { return s.fail(ctx) }
