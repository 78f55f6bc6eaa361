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

// A PrefixLister is an Inspector that can confine a listing to the keys
// starting with a prefix. WrapStore lists a prefixed store through it: a
// substring Query on the backend would also match keys of other prefixes
// that contain the prefix somewhere, and would page over them.
type PrefixLister interface {
	// ListPrefix is ListPage over the keys starting with prefix, with
	// the prefix removed from each key before it is filtered by the
	// options' query and paged.
	ListPrefix(ctx context.Context, prefix string, opts ListPageOptions) (ListPageResult, error)
}
