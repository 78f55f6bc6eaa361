package cache_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

// listableStores are the stores that can list their entries, alone and
// under every configuration layer that changes what is stored.
func listableStores() []struct {
	name string
	new  func(t *testing.T, ctx context.Context) cachecore.Store
} {
	return []struct {
		name string
		new  func(t *testing.T, ctx context.Context) cachecore.Store
	}{
		{"Memory", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoryStore(ctx)
		}},
		{"MemoryPrefixGzip", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{
				Prefix: "app", Compression: cache.CompressionGzip,
			}})
		}},
		{"MemoryEncrypted", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: cachecore.BaseConfig{EncryptionKey: testKey}})
		}},
		{"File", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewFileStore(ctx, t.TempDir())
		}},
		{"FilePrefixEncrypted", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: t.TempDir(), BaseConfig: cachecore.BaseConfig{
				Prefix: "p/", EncryptionKey: testKey[:16],
			}})
		}},
		{"MemoOverMemory", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoStore(cache.NewMemoryStore(ctx))
		}},
		{"MemoOverPrefixedFile", func(t *testing.T, ctx context.Context) cachecore.Store {
			return cache.NewMemoStore(cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: t.TempDir(), BaseConfig: cachecore.BaseConfig{Prefix: "m"}}))
		}},
	}
}

func TestInspectorContract(t *testing.T) {
	for _, tc := range listableStores() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			store := tc.new(t, ctx)
			cachetest.RunInspectorContract(t, store)
			caps := store.(cachecore.Inspector).Capabilities()
			if caps != (cachecore.InspectorCapabilities{CanList: true, CanRead: true, CanDelete: true, CanTTL: true}) {
				t.Errorf("Capabilities = %+v, want all of them", caps)
			}
		})
	}
}

// TestNilCacheInspectorDoesNotPanic: Inspector and ListPage dereferenced a
// nil Cache.
func TestNilCacheInspectorDoesNotPanic(t *testing.T) {
	var c *cache.Cache
	if insp, ok := c.Inspector(); ok || insp != nil {
		t.Fatalf("nil Cache Inspector = %v, %v; want nil, false", insp, ok)
	}
	if _, err := cache.ListPage(context.Background(), nil, cachecore.ListPageOptions{}); !errors.Is(err, cache.ErrInspectorUnsupported) {
		t.Fatalf("ListPage(nil Cache) = %v, want ErrInspectorUnsupported", err)
	}
	if _, ok := cache.NewCache(nil).Inspector(); ok {
		t.Fatal("Cache without a store reports an Inspector")
	}
}

func TestListPageNilContext(t *testing.T) {
	c := newCache(t)
	must(t, c.SetString("k", "v", time.Minute))
	//lint:ignore SA1012 a nil context is what the test is about
	page, err := cache.ListPage(nil, c, cachecore.ListPageOptions{})
	if err != nil || len(page.Entries) != 1 {
		t.Fatalf("ListPage(nil ctx) = %+v, %v; want the one entry", page, err)
	}
}

// TestPrefixedListPageListsOnlyItsPrefix shares one directory between
// prefixes "a" and "b", and b stores a key starting with "a:". With
// substring queries the backend matches a's stored prefix "a:" inside
// "b:a:x-2" too, so a prefixed store that passed its prefix on as part of
// the query listed the other prefix's key.
func TestPrefixedListPageListsOnlyItsPrefix(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dir := t.TempDir()
	a := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{Prefix: "a"}})
	b := cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{FileDir: dir, BaseConfig: cachecore.BaseConfig{Prefix: "b"}})
	must(t, a.Set(ctx, "x-1", []byte("v"), time.Minute))
	must(t, a.Set(ctx, "user:x", []byte("v"), time.Minute))
	must(t, b.Set(ctx, "a:x-2", []byte("v"), time.Minute))

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"user:x", "x-1"}},
		{"x", []string{"user:x", "x-1"}},
		{":x", []string{"user:x"}},
	} {
		page, err := a.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{Query: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(page); !slices.Equal(got, tc.want) {
			t.Errorf("prefix a: ListPage(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
}

func keys(page cachecore.ListPageResult) []string {
	var ks []string
	for _, e := range page.Entries {
		ks = append(ks, e.Key)
	}
	return ks
}

func TestListPageRejectsForeignCursor(t *testing.T) {
	for _, tc := range listableStores() {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			t.Cleanup(cancel)
			insp := tc.new(t, ctx).(cachecore.Inspector)
			for _, cursor := range []string{"k9", "-2"} {
				if _, err := insp.ListPage(ctx, cachecore.ListPageOptions{Cursor: cursor}); !errors.Is(err, cachecore.ErrInvalidListCursor) {
					t.Errorf("ListPage(Cursor %q) = %v, want ErrInvalidListCursor", cursor, err)
				}
			}
		})
	}
}

// TestListPageCapsPageSize pages through more entries than one page may
// hold.
func TestListPageCapsPageSize(t *testing.T) {
	c := newCache(t)
	const n = cachecore.MaxListLimit + 20
	for i := range n {
		must(t, c.SetString(fmt.Sprintf("k%04d", i), "v", time.Minute))
	}
	first, err := cache.ListPage(context.Background(), c, cachecore.ListPageOptions{Limit: 10 * n})
	if err != nil || len(first.Entries) != cachecore.MaxListLimit || !first.HasMore {
		t.Fatalf("first page: %d entries, HasMore %v, %v; want %d, true", len(first.Entries), first.HasMore, err, cachecore.MaxListLimit)
	}
	rest, err := cache.ListPage(context.Background(), c, cachecore.ListPageOptions{Limit: 10 * n, Cursor: first.NextCursor})
	if err != nil || len(rest.Entries) != 20 || rest.HasMore || rest.Entries[0].Key != fmt.Sprintf("k%04d", cachecore.MaxListLimit) {
		t.Fatalf("second page: %d entries from %q, HasMore %v, %v", len(rest.Entries), keys(rest)[:1], rest.HasMore, err)
	}
	def, err := cache.ListPage(context.Background(), c, cachecore.ListPageOptions{})
	if err != nil || len(def.Entries) != cachecore.DefaultListLimit {
		t.Fatalf("default page: %d entries, %v; want %d", len(def.Entries), err, cachecore.DefaultListLimit)
	}
}

// TestListPageEntriesEncodeAsJSONArray: admin pages serve pages as JSON, and
// an empty listing must read as an empty list, not null.
func TestListPageEntriesEncodeAsJSONArray(t *testing.T) {
	c := newCache(t)
	page, err := cache.ListPage(context.Background(), c, cachecore.ListPageOptions{Query: "nothing"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(page)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Entries":[],"NextCursor":"","HasMore":false}`; string(b) != want {
		t.Fatalf("empty page encodes as %s, want %s", b, want)
	}
}

func TestListPageReportsNoExpiryForPermanentEntries(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	forever := cachecore.BaseConfig{DefaultTTL: -1}
	for _, s := range []cachecore.Store{
		cache.NewMemoryStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: forever}),
		cache.NewFileStoreWithConfig(ctx, cache.StoreConfig{BaseConfig: forever, FileDir: t.TempDir()}),
	} {
		must(t, s.Set(ctx, "forever", []byte("v"), 0))
		page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{})
		if err != nil || len(page.Entries) != 1 || page.Entries[0].ExpiresAt != nil {
			t.Fatalf("%s: listing of an entry without expiry = %+v, %v; want ExpiresAt nil", s.Driver(), page.Entries, err)
		}
	}
}
