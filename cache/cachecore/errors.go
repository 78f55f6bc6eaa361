package cachecore

import (
	"context"
	"errors"
	"fmt"
)

// Errors shared by stores, the facade and the contract suite. Stores wrap
// them with detail, so compare with errors.Is.
var (
	// ErrNotNumeric is returned by Increment and Decrement when the stored
	// value is not a base-10 integer.
	ErrNotNumeric = errors.New("cache: value is not an integer")
	// ErrCounterOverflow is returned when a counter would leave int64.
	ErrCounterOverflow = errors.New("cache: counter overflow")

	// ErrValueTooLarge is returned by writes of values above MaxValueBytes.
	ErrValueTooLarge = errors.New("cache: value exceeds max size")
	// ErrUnsupportedCodec is returned by stores configured with an unknown
	// CompressionCodec, and when reading a value compressed by one.
	ErrUnsupportedCodec = errors.New("cache: unsupported compression codec")
	// ErrCorruptCompression is returned when a stored value cannot be
	// decompressed.
	ErrCorruptCompression = errors.New("cache: corrupt compressed payload")

	// ErrEncryptionKey is returned by every operation of a store configured
	// with an EncryptionKey that is not 16, 24 or 32 bytes long.
	ErrEncryptionKey = errors.New("cache: encryption key must be 16, 24, or 32 bytes")
	// ErrDecryptFailed is returned when a stored value fails authentication:
	// it was tampered with, encrypted with another key, or copied from
	// another cache key.
	ErrDecryptFailed = errors.New("cache: decrypt failed")
	// ErrEncryptValueTooBig is returned when a value exceeds what AES-GCM
	// can encrypt under one nonce.
	ErrEncryptValueTooBig = errors.New("cache: encrypt value too large")

	// ErrInspectorUnsupported is returned when listing a store that cannot
	// enumerate its entries.
	ErrInspectorUnsupported = errors.New("cache: inspector unsupported for this store")

	// ErrFlushUnsupported is returned by Flush of a store that has no way
	// to remove all of its entries; nothing is removed. It wraps
	// errors.ErrUnsupported.
	ErrFlushUnsupported = fmt.Errorf("cache: store cannot flush: %w", errors.ErrUnsupported)
)

// OpError describes err, which operation op of the store of package pkg
// met, as "pkg: op: err". When ctx has ended it wraps ctx's error too, so
// that callers can test errors.Is(err, context.DeadlineExceeded) whichever
// of the client's own errors surfaced.
func OpError(ctx context.Context, pkg, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("%s: %s: %w: %w", pkg, op, cerr, err)
	}
	return fmt.Errorf("%s: %s: %w", pkg, op, err)
}
