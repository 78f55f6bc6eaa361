package cache

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Inspector returns the browsing interface of the underlying store, and
// false when the store cannot list its entries. A nil Cache, or one
// without a store, has none.
func (c *Cache) Inspector() (cachecore.Inspector, bool) {
	if c == nil || c.store == nil {
		return nil, false
	}
	insp, ok := c.store.(cachecore.Inspector)
	if !ok || !insp.Capabilities().CanList {
		return nil, false
	}
	return insp, true
}

// ListPage lists cache entries from an inspector-capable store, returning
// ErrInspectorUnsupported for other stores and for a nil c. A nil ctx
// means context.Background. See cachecore.Inspector for the semantics of
// the query, the cursor and the page size.
func ListPage(ctx context.Context, c *Cache, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	insp, ok := c.Inspector()
	if !ok {
		return cachecore.ListPageResult{}, ErrInspectorUnsupported
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return insp.ListPage(ctx, opts)
}

// listScope is what one listing selects: keys starting with prefix whose
// remainder contains term, and the page of them from offset.
type listScope struct {
	prefix, term  string
	offset, limit int
}

// newListScope reads opts, rejecting a malformed cursor before the store
// does any work.
func newListScope(prefix string, opts cachecore.ListPageOptions) (listScope, error) {
	offset, err := cachecore.DecodeOffsetCursor(opts.Cursor)
	if err != nil {
		return listScope{}, err
	}
	return listScope{prefix: prefix, term: cachecore.ListFilterTerm(opts), offset: offset, limit: opts.Limit}, nil
}

// match reports whether the stored key is listed, and under which key.
func (s listScope) match(stored string) (string, bool) {
	key, ok := strings.CutPrefix(stored, s.prefix)
	return key, ok && strings.Contains(key, s.term)
}

// page orders the matched entries and cuts the requested page out of them.
// The page is copied so that it does not pin the whole listing in memory.
func (s listScope) page(matched []cachecore.CacheEntry) cachecore.ListPageResult {
	slices.SortFunc(matched, func(a, b cachecore.CacheEntry) int { return strings.Compare(a.Key, b.Key) })
	page := cachecore.SliceEntries(matched, s.offset, s.limit)
	page.Entries = slices.Clone(page.Entries)
	if page.Entries == nil {
		page.Entries = []cachecore.CacheEntry{}
	}
	return page
}

// listedExpiry converts a UnixNano expiry, 0 meaning none, to the Unix
// milliseconds of CacheEntry.ExpiresAt.
func listedExpiry(unixNano int64) *int64 {
	if unixNano == 0 {
		return nil
	}
	ms := time.Unix(0, unixNano).UnixMilli()
	return &ms
}

// listableCapabilities are those of stores that hold keys, values and
// expiries themselves.
var listableCapabilities = cachecore.InspectorCapabilities{CanList: true, CanRead: true, CanDelete: true, CanTTL: true}
