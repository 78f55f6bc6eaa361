// Package cachecore defines the contract between the cache facade and the
// stores that hold its bytes.
//
// A Store is a flat key/value map of byte slices with per-entry expiry,
// atomic Add and Increment, and bulk invalidation. Everything richer —
// typed values, locks, rate limits, read-through loading — is built by the
// facade in the parent package on top of this small surface, so a new
// backend only has to get these few operations right. Capabilities that not
// every backend can offer (listing keys, reporting expiry, compare-and-delete)
// are separate optional interfaces that callers discover with a type
// assertion; each documents what a caller does when a store lacks it.
//
// WrapStore applies the settings every store shares (BaseConfig: key
// prefix, default TTL, size limit, compression, encryption) around any
// backend, so that each is implemented once and a backend written outside
// this module stores the same bytes as the module's own stores. The
// format is documented in package cache.
//
// Apart from that layer the package holds only types, errors and tiny
// helpers, so that stores, the facade and the contract suite in cachetest
// can all depend on it without depending on each other.
package cachecore
