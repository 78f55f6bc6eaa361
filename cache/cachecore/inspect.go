package cachecore

import (
	"context"
	"errors"
)

// Page sizes of ListPage; see NormalizeListLimit.
const (
	// DefaultListLimit is the page size used when ListPageOptions.Limit <= 0.
	DefaultListLimit = 100
	// MaxListLimit caps the page size, so that one request of an admin
	// page cannot make a store describe millions of entries at once.
	MaxListLimit = 500
)

// ErrInvalidListCursor is returned by ListPage, wrapped with the cursor,
// when ListPageOptions.Cursor is not one that a previous page returned.
var ErrInvalidListCursor = errors.New("cache: invalid cache list cursor")

// InspectorCapabilities describes what an Inspector can do for its store.
// Wrappers report their backend's capabilities, or the zero value when the
// backend has none.
type InspectorCapabilities struct {
	// CanList reports that ListPage enumerates the store's entries.
	CanList bool
	// CanRead reports that a listed key can be read with Store.Get.
	CanRead bool
	// CanDelete reports that a listed key can be removed with Store.Delete.
	CanDelete bool
	// CanTTL reports that listed entries carry their expiry in
	// CacheEntry.ExpiresAt; without it ExpiresAt is always nil.
	CanTTL bool
}

// Capabilities is the name this package first gave InspectorCapabilities.
type Capabilities = InspectorCapabilities

// Inspector is implemented by stores whose entries can be browsed, for
// admin pages and debugging. It is optional: callers type-assert for it and
// must also check Capabilities().CanList, because wrappers implement the
// interface on behalf of backends that may not support it; their ListPage
// then returns ErrInspectorUnsupported.
type Inspector interface {
	// Capabilities reports which inspection features are available.
	Capabilities() InspectorCapabilities

	// ListPage returns one page of the live entries whose key contains the
	// filter term (see ListFilterTerm), in ascending key order. The page
	// starts at opts.Cursor, holds at most NormalizeListLimit(opts.Limit)
	// entries, and sets HasMore and a NextCursor to pass back for the next
	// page when entries remain. The cursor is an offset into the ordered
	// listing, so entries written or removed between pages can shift it:
	// an entry may then be skipped or listed twice. A malformed cursor
	// yields an error wrapping ErrInvalidListCursor.
	ListPage(ctx context.Context, opts ListPageOptions) (ListPageResult, error)
}

// ListPageOptions selects one page of a listing.
type ListPageOptions struct {
	// Query keeps only keys containing it, after trimming surrounding
	// space. Empty lists every key.
	Query string
	// Prefix is an older name for Query, used only when Query is blank.
	// Despite its name it matches anywhere in the key, like Query.
	Prefix string
	// Cursor is the NextCursor of the previous page, or empty for the first.
	Cursor string
	// Limit caps the entries returned; <= 0 means DefaultListLimit, and
	// values above MaxListLimit mean MaxListLimit.
	Limit int
}

// ListPageResult is one page of a listing.
type ListPageResult struct {
	Entries []CacheEntry
	// NextCursor continues the listing; empty when HasMore is false.
	NextCursor string
	// HasMore reports that entries remain after this page.
	HasMore bool
}

// CacheEntry describes one stored entry without its value.
type CacheEntry struct {
	// Key is the key as the caller of the store wrote it, without any
	// prefix the store adds.
	Key string
	// SizeBytes is the number of bytes the backend holds for the value,
	// which after compression or encryption differs from the caller's value.
	SizeBytes int
	// ExpiresAt is when the entry expires, in Unix milliseconds; nil when
	// it does not expire or the store cannot tell (CanTTL is false).
	ExpiresAt *int64
}

// Entry is the name this package first gave CacheEntry.
type Entry = CacheEntry
