package cachecore

import "context"

// PrefixFlusher is implemented by stores that can remove every entry whose
// stored key starts with a prefix, in one pass. A store wrapped by
// WrapStore with a Prefix uses it for Flush, so that caches sharing a
// backend under different prefixes do not wipe each other; without it,
// Flush pages through the store's Inspector, and without that removes
// everything.
type PrefixFlusher interface {
	// FlushPrefix removes every entry whose key starts with prefix,
	// expired or not, and nothing else.
	FlushPrefix(ctx context.Context, prefix string) error
}
