package sqltest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// KeysStoredAsTheyAre stores each of keys, holding itself, on a store of
// a table of its own, and requires each to be its own entry, listed in
// byte order, and the row of plain (one of keys) to hold the key as it
// is, prefix and separator before it, so that goforj/cache's processes
// find it. It returns the store holding the keys, for the driver's own
// checks.
func KeysStoredAsTheyAre(t *testing.T, tg Target, keys []string, plain string) cachecore.Store {
	db, s, table, prefix := tg.newStore(t, cachecore.BaseConfig{})
	ctx := context.Background()
	for _, k := range keys {
		if err := s.Set(ctx, k, []byte(k), time.Minute); err != nil {
			t.Fatalf("Set(%q): %v", k, err)
		}
	}
	for _, k := range keys {
		if v, found, err := s.Get(ctx, k); err != nil || !found || string(v) != k {
			t.Fatalf("Get(%q) = %q, %v, %v", k, v, found, err)
		}
	}
	if n := tg.count(t, db, table, "k = "+tg.Placeholder(1), prefix+cachecore.PrefixSeparator+plain); n != 1 {
		t.Fatalf("key %q is not stored as it is (%d rows)", plain, n)
	}
	page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, e := range page.Entries {
		listed = append(listed, e.Key)
	}
	want := slices.Sorted(slices.Values(keys))
	if strings.Join(listed, "|") != strings.Join(want, "|") {
		t.Fatalf("ListPage keys = %q, want %q in byte order", listed, want)
	}
	return s
}
