package cachecore

import (
	"bytes"
	"context"
	"time"
)

// CompareAndDeleter is implemented by stores that can delete a key only
// while it still holds an expected value, atomically. Locks depend on it:
// a holder whose lease ran out must not delete the lock of the next owner.
// Use the CompareAndDelete function rather than asserting for it directly;
// it supplies the fallback for stores without it.
type CompareAndDeleter interface {
	// CompareAndDelete deletes key if its current value equals expected and
	// reports whether it did. A missing key reports false.
	CompareAndDelete(ctx context.Context, key string, expected []byte) (deleted bool, err error)
}

// CompareAndDelete deletes key from store if it holds expected. It uses the
// store's CompareAndDeleter when there is one. Otherwise it falls back to
// Get, compare, Delete, which leaves a window in which the value can change
// between the compare and the delete; such stores give best-effort safety.
func CompareAndDelete(ctx context.Context, store Store, key string, expected []byte) (bool, error) {
	if cd, ok := store.(CompareAndDeleter); ok {
		return cd.CompareAndDelete(ctx, key, expected)
	}
	current, found, err := store.Get(ctx, key)
	if err != nil || !found || !bytes.Equal(current, expected) {
		return false, err
	}
	if err := store.Delete(ctx, key); err != nil {
		return false, err
	}
	return true, nil
}

// ExpiryGetter is implemented by stores that can report when an entry
// expires. The memo store uses it to never serve a value past its expiry,
// and the configuration layer uses it to keep a counter's expiry when it
// has to rewrite the counter itself.
type ExpiryGetter interface {
	// GetWithExpiry is Get that also returns the entry's expiry; a zero
	// expiresAt means the entry does not expire.
	GetWithExpiry(ctx context.Context, key string) (value []byte, expiresAt time.Time, found bool, err error)
}
