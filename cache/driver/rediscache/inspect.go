package rediscache

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
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

// scan calls fn with each batch of keys matching pattern, and the server
// that holds them, on every server of the client (see nodes), until the
// iteration ends, fn fails or ctx ends. Keys may repeat across batches, as
// SCAN allows. fn may be called from several goroutines at once.
func (s *store) scan(ctx context.Context, pattern string, fn func(ctx context.Context, node Client, keys []string) error) error {
	return nodes(ctx, s.client, func(ctx context.Context, node Client) error {
		var cursor uint64
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			keys, next, err := node.Scan(ctx, cursor, pattern, scanCount).Result()
			if err != nil {
				return fail(ctx, "scan", err)
			}
			if len(keys) > 0 {
				if err := fn(ctx, node, keys); err != nil {
					return err
				}
			}
			if next == 0 {
				return nil
			}
			cursor = next
		}
	})
}

// FlushPrefix deletes the keys that start with prefix, found with SCAN
// MATCH on every server, batch by batch, each on the server that holds
// it. It leaves every other key of the database alone, so caches with
// different prefixes can share one. Keys written while it runs may
// survive it.
func (s *store) FlushPrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.scan(ctx, globEscape(prefix)+"*", func(ctx context.Context, node Client, keys []string) error {
		if err := deleteKeys(ctx, node, keys); err != nil {
			return fail(ctx, "flush", err)
		}
		return nil
	})
}

// Capabilities reports listing with sizes, and with expiries when the
// client can pipeline (see Client).
func (s *store) Capabilities() cachecore.InspectorCapabilities {
	_, canTTL := s.client.(pipeliner)
	return cachecore.InspectorCapabilities{CanList: true, CanRead: true, CanDelete: true, CanTTL: canTTL}
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
	var mu sync.Mutex // scan may call back from one goroutine per server
	err = s.scan(ctx, pattern, func(_ context.Context, _ Client, batch []string) error {
		mu.Lock()
		defer mu.Unlock()
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

	res := cachecore.ListPageResult{}
	if p, ok := s.client.(pipeliner); ok {
		res.Entries, err = describe(ctx, p, page)
	} else {
		res.Entries, err = s.describeOneByOne(ctx, page)
	}
	if err != nil {
		return cachecore.ListPageResult{}, fail(ctx, "list", err)
	}
	if end < len(keys) {
		res.HasMore = true
		res.NextCursor = cachecore.EncodeOffsetCursor(end)
	}
	return res, nil
}

// describe describes keys with STRLEN and PTTL in one pipeline. A key of
// another type (WRONGTYPE) or one gone since the scan (PTTL -2) is not a
// cache entry and is left out.
func describe(ctx context.Context, p pipeliner, keys []string) ([]cachecore.CacheEntry, error) {
	sizes := make([]*redis.IntCmd, len(keys))
	ttls := make([]*redis.DurationCmd, len(keys))
	now := time.Now()
	_, err := p.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			sizes[i] = p.StrLen(ctx, k)
			ttls[i] = p.PTTL(ctx, k)
		}
		return nil
	})
	// Per-key replies are judged below; any other error means the page
	// could not be described.
	var reply redis.Error
	if err != nil && !errors.As(err, &reply) {
		return nil, err
	}
	entries := make([]cachecore.CacheEntry, 0, len(keys))
	for i, k := range keys {
		if sizes[i].Err() != nil || ttls[i].Err() != nil || ttls[i].Val() == -2 {
			continue
		}
		e := cachecore.CacheEntry{Key: k, SizeBytes: int(sizes[i].Val())}
		if d := ttls[i].Val(); d > 0 {
			ms := now.Add(d).UnixMilli()
			e.ExpiresAt = &ms
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// describeOneByOne describes keys with a GET each, for a client that
// cannot pipeline; Client has no command for expiries, so none are given
// (Capabilities says so). Keys gone since the scan, or of another type,
// are left out.
func (s *store) describeOneByOne(ctx context.Context, keys []string) ([]cachecore.CacheEntry, error) {
	entries := make([]cachecore.CacheEntry, 0, len(keys))
	for _, k := range keys {
		v, err := s.client.Get(ctx, k).Bytes()
		var reply redis.Error
		if err == redis.Nil || (err != nil && errors.As(err, &reply)) {
			continue
		}
		if err != nil {
			return nil, err
		}
		entries = append(entries, cachecore.CacheEntry{Key: k, SizeBytes: len(v)})
	}
	return entries, nil
}
