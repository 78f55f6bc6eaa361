package natscache

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// decodePart reverses encodePart, reporting false for a part that no
// store of this package wrote.
func decodePart(s string) (string, bool) {
	if s == "_" {
		return "", true
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return string(b), err == nil
}

// keys lists the logical keys under the store's prefix.
func (s *store) keys(ctx context.Context, op string) ([]string, error) {
	stored, err := s.kv.keys(ctx, s.prefix)
	if err != nil {
		return nil, fail(ctx, op, err)
	}
	keys := make([]string, 0, len(stored))
	for _, k := range stored {
		if key, ok := decodePart(strings.TrimPrefix(k, s.prefix)); ok {
			keys = append(keys, key)
		}
	}
	return keys, nil
}

// Capabilities reports listing with sizes, and expiries unless the bucket
// keeps them (BucketTTL).
func (s *store) Capabilities() cachecore.InspectorCapabilities {
	return cachecore.InspectorCapabilities{CanList: true, CanRead: true, CanDelete: true, CanTTL: !s.bucketTTL}
}

// ListPage lists the prefix's keys containing the filter term, sorts them
// and describes one page by reading each entry. Entries that expired or
// went away since the listing are left out of the page. Each page lists
// the whole prefix, so this is for admin pages, not hot paths.
func (s *store) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	if err := ctx.Err(); err != nil {
		return cachecore.ListPageResult{}, err
	}
	offset, err := cachecore.DecodeOffsetCursor(opts.Cursor)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	all, err := s.keys(ctx, "list")
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	term := cachecore.ListFilterTerm(opts)
	keys := all[:0]
	for _, k := range all {
		if strings.Contains(k, term) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	limit := cachecore.NormalizeListLimit(opts.Limit)
	start := min(offset, len(keys))
	end := min(start+limit, len(keys))
	res := cachecore.ListPageResult{Entries: make([]cachecore.CacheEntry, 0, end-start)}
	for _, k := range keys[start:end] {
		e, err := s.read(ctx, "list", s.key(k))
		if err != nil {
			return cachecore.ListPageResult{}, err
		}
		if !e.live {
			continue
		}
		ce := cachecore.CacheEntry{Key: k, SizeBytes: len(e.value)}
		if e.exp != 0 {
			ms := int64(e.exp)
			ce.ExpiresAt = &ms
		}
		res.Entries = append(res.Entries, ce)
	}
	if end < len(keys) {
		res.HasMore = true
		res.NextCursor = cachecore.EncodeOffsetCursor(end)
	}
	return res, nil
}
