// Package cache is a typed caching facade over pluggable byte stores.
//
// A cachecore.Store holds bytes with expiry and offers a handful of atomic
// primitives (Add, Increment, compare-and-delete). Cache turns those into
// an application API: typed values, read-through loading (Remember),
// stale fallbacks, refresh-ahead, locks with owner tokens, fixed-window
// rate limits and observer events. Keeping the store surface small means
// every feature works identically on every backend, and a new backend is
// proven correct by the shared contract suite in package cachetest.
//
// Cross-cutting storage concerns — key prefixes, default TTLs, value size
// limits, gzip or snappy compression and AES-GCM encryption — are applied by
// one configuration layer wrapped around the backend by the
// New*StoreWithConfig constructors, not by each backend. Because those
// constructors have no error result, a bad configuration (an encryption key
// of the wrong size, an unknown codec, a prefix containing ':') is reported
// by Store.Ready and by every operation.
//
// A Prefix is joined to each key with PrefixSeparator: prefix "tenant1" and
// key "user:42" reach the backend as "tenant1:user:42", the key a
// goforj/cache driver with the same prefix uses, so the two can share a
// backend. Because a prefix cannot contain ':', the first ':' of a stored
// key ends its prefix, and no key of one prefix is a key of another: a
// prefixed Flush, which removes the keys starting with "tenant1:", cannot
// reach "tenant10:". A store without a prefix uses keys unchanged and so
// sees, and flushes, every prefix's keys.
//
// Typed helpers (Get, Set, Remember, ...) store string and []byte values as
// their raw bytes and everything else as JSON, so Get[string] reads what
// SetString wrote and GetString reads what Set[string] wrote. GetJSON and
// SetJSON always use JSON.
//
// The facade uses keys starting with "__cache:" for lock, stale-copy,
// refresh and rate-limit bookkeeping; do not write such keys directly.
//
// Cache methods take no context: each Cache carries one, set with
// WithContext, which returns a cheap derived handle sharing the same store
// and bookkeeping (lock tokens, in-flight loads).
package cache
