package sqlcore

import (
	"context"
	"strings"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Capabilities reports listing with sizes and expiries.
func (s *store) Capabilities() cachecore.InspectorCapabilities {
	return cachecore.InspectorCapabilities{CanList: true, CanRead: true, CanDelete: true, CanTTL: true}
}

// ListPage implements cachecore.Inspector with one query: the live rows
// whose key contains the filter term, in byte order, one page of them.
func (s *store) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	return s.ListPrefix(ctx, "", opts)
}

// ListPrefix implements cachecore.PrefixLister: ListPage over the keys
// starting with prefix, which it removes from the keys it returns. The
// database matches and orders the rows, so a page costs one query
// whatever the table holds besides.
func (s *store) ListPrefix(ctx context.Context, prefix string, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	if err := ctx.Err(); err != nil {
		return cachecore.ListPageResult{}, err
	}
	offset, err := cachecore.DecodeOffsetCursor(opts.Cursor)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	p, err := s.statements(ctx)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	limit := cachecore.NormalizeListLimit(opts.Limit)
	// One row more than the page tells whether another page follows.
	c := call{
		pattern: likeWithin(s.keyText(prefix), s.keyText(cachecore.ListFilterTerm(opts))),
		now:     time.Now().UnixMilli(), limit: int64(limit) + 1, offset: int64(offset),
	}
	var buf [6]any
	rows, err := p.list.QueryContext(ctx, c.args(s.q.list, buf[:0])...)
	if err != nil {
		return cachecore.ListPageResult{}, s.fail(ctx, "list", err)
	}
	defer rows.Close()
	res := cachecore.ListPageResult{Entries: make([]cachecore.CacheEntry, 0, min(limit, 64))}
	for rows.Next() {
		var (
			key  string
			size int64
			ea   int64
		)
		if err := rows.Scan(&key, &size, &ea); err != nil {
			return cachecore.ListPageResult{}, s.fail(ctx, "list", err)
		}
		if len(res.Entries) == limit {
			res.HasMore = true
			res.NextCursor = cachecore.EncodeOffsetCursor(offset + limit)
			break
		}
		key = s.loadKey(key)
		if !strings.HasPrefix(key, prefix) {
			// Only a prefix ending inside a UTF-8 sequence can match a
			// shorter key; see dialect.mapKey.
			continue
		}
		e := cachecore.CacheEntry{Key: key[len(prefix):], SizeBytes: int(size)}
		if ea != noExpiry {
			ms := ea
			e.ExpiresAt = &ms
		}
		res.Entries = append(res.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return cachecore.ListPageResult{}, s.fail(ctx, "list", err)
	}
	return res, nil
}
