package rediscache

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// scanCount is the COUNT hint of each SCAN: enough keys per round trip to
// be quick, few enough that one call does not stall the server.
const scanCount = 500

// globEscape quotes the characters SCAN MATCH treats as a pattern, so that
// a prefix or query matches only itself.
func globEscape(s string) string {
	if !strings.ContainsAny(s, `*?[]\^`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\', '^':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// scan calls fn with each batch of keys matching pattern until the
// iteration ends, fn fails or ctx ends. Keys may repeat across batches, as
// SCAN allows.
func (s *store) scan(ctx context.Context, pattern string, fn func([]string) error) error {
	var cursor uint64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		keys, next, err := s.client.Scan(ctx, cursor, pattern, scanCount).Result()
		if err != nil {
			return fail(ctx, "scan", err)
		}
		if len(keys) > 0 {
			if err := fn(keys); err != nil {
				return err
			}
		}
		if next == 0 {
			return nil
		}
		cursor = next
	}
}

// FlushPrefix deletes the keys that start with prefix, found with SCAN
// MATCH, batch by batch. It leaves every other key of the database alone,
// so caches with different prefixes can share one. Keys written while it
// runs may survive it.
func (s *store) FlushPrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.scan(ctx, globEscape(prefix)+"*", func(keys []string) error {
		if err := s.DeleteMany(ctx, keys...); err != nil {
			return err
		}
		return nil
	})
}

// Capabilities reports listing with sizes and expiries. With a Redis
// Cluster client, listing and Flush see only the node SCAN reaches.
func (s *store) Capabilities() cachecore.InspectorCapabilities {
	return cachecore.InspectorCapabilities{CanList: true, CanRead: true, CanDelete: true, CanTTL: true}
}

// ListPage scans for keys containing the filter term, sorts them and
// describes one page with STRLEN and PTTL in a pipeline. Keys that expire
// between the scan and the description are left out of the page. Each
// page scans the whole keyspace, so this is for admin pages, not hot paths.
func (s *store) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	if err := ctx.Err(); err != nil {
		return cachecore.ListPageResult{}, err
	}
	offset, err := cachecore.DecodeOffsetCursor(opts.Cursor)
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	pattern := "*" + globEscape(cachecore.ListFilterTerm(opts)) + "*"
	seen := make(map[string]struct{})
	var keys []string
	err = s.scan(ctx, pattern, func(batch []string) error {
		for _, k := range batch {
			if _, dup := seen[k]; !dup {
				seen[k] = struct{}{}
				keys = append(keys, k)
			}
		}
		return nil
	})
	if err != nil {
		return cachecore.ListPageResult{}, err
	}
	slices.Sort(keys)
	limit := cachecore.NormalizeListLimit(opts.Limit)
	start := min(offset, len(keys))
	end := min(start+limit, len(keys))
	page := keys[start:end]

	sizes := make([]*redis.IntCmd, len(page))
	ttls := make([]*redis.DurationCmd, len(page))
	now := time.Now()
	_, err = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range page {
			sizes[i] = p.StrLen(ctx, k)
			ttls[i] = p.PTTL(ctx, k)
		}
		return nil
	})
	// Per-key replies are judged below; any other error means the page
	// could not be described.
	var reply redis.Error
	if err != nil && !errors.As(err, &reply) {
		return cachecore.ListPageResult{}, fail(ctx, "list", err)
	}
	res := cachecore.ListPageResult{Entries: make([]cachecore.CacheEntry, 0, len(page))}
	for i, k := range page {
		// A key of another type (WRONGTYPE) or one gone since the scan
		// (PTTL -2) is not a cache entry.
		if sizes[i].Err() != nil || ttls[i].Err() != nil || ttls[i].Val() == -2 {
			continue
		}
		e := cachecore.CacheEntry{Key: k, SizeBytes: int(sizes[i].Val())}
		if d := ttls[i].Val(); d > 0 {
			ms := now.Add(d).UnixMilli()
			e.ExpiresAt = &ms
		}
		res.Entries = append(res.Entries, e)
	}
	if end < len(keys) {
		res.HasMore = true
		res.NextCursor = cachecore.EncodeOffsetCursor(end)
	}
	return res, nil
}
