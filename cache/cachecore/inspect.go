package cachecore

import (
	"context"
	"time"
)

// DefaultListLimit is the page size used when ListPageOptions.Limit <= 0.
const DefaultListLimit = 100

// Capabilities describes what an Inspector can do for its store.
type Capabilities struct {
	// CanList reports that ListPage enumerates the store's entries.
	CanList bool
}

// Inspector is implemented by stores whose entries can be browsed, for
// admin pages and debugging. It is optional: callers type-assert for it and
// must also check Capabilities, because wrappers implement the interface
// on behalf of backends that may not support it.
type Inspector interface {
	// Capabilities reports which inspection features are available.
	Capabilities() Capabilities

	// ListPage returns live entries whose key starts with opts.Query, in
	// ascending key order, starting after opts.Cursor. It returns at most
	// opts.Limit entries and a NextCursor to pass back for the following
	// page; NextCursor is empty on the last page. Entries written or
	// removed between pages may or may not appear.
	ListPage(ctx context.Context, opts ListPageOptions) (ListPageResult, error)
}

// ListPageOptions selects one page of a listing.
type ListPageOptions struct {
	// Query keeps only keys starting with it. Empty lists every key.
	Query string
	// Cursor is the NextCursor of the previous page, or empty for the first.
	// It is opaque to callers.
	Cursor string
	// Limit caps the entries returned; <= 0 means DefaultListLimit.
	Limit int
}

// ListPageResult is one page of a listing.
type ListPageResult struct {
	Entries []Entry
	// NextCursor continues the listing; empty when there is nothing more.
	NextCursor string
}

// Entry describes one stored entry without its value.
type Entry struct {
	Key string
	// Size is the number of bytes the backend holds for the value, which
	// after compression or encryption differs from the caller's value.
	Size int
	// ExpiresAt is when the entry expires; zero means it does not.
	ExpiresAt time.Time
}
