package sqlitecache

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestKeysOfAnyBytes stores keys holding what SQLite's text functions
// stop at or cannot read as UTF-8, and keys differing only in case: each
// must be its own entry, listed in byte order, and a plain key must be
// stored as it is, for goforj/cache's processes.
func TestKeysOfAnyBytes(t *testing.T) {
	db := testDB(t, dbFile(t))
	ns := sqltest.Name(t)
	s := newTestStore(t, db, ns, cachecore.BaseConfig{})
	ctx := context.Background()
	keys := []string{"nul\x00key", "nul", "bad\xffutf8", "soh\x01key", "plain/é", "Case", "case", "a%b", "a_b", "a*b", "a[b]"}
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
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+sqltest.TableOf(ns)+" WHERE k = ?1", ns+":plain/é").Scan(&n); err != nil || n != 1 {
		t.Fatalf("a plain key is not stored as it is (%d rows, %v)", n, err)
	}
	page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, e := range page.Entries {
		listed = append(listed, e.Key)
	}
	want := []string{"Case", "a%b", "a*b", "a[b]", "a_b", "bad\xffutf8", "case", "nul", "nul\x00key", "plain/é", "soh\x01key"}
	if strings.Join(listed, "|") != strings.Join(want, "|") {
		t.Fatalf("ListPage keys = %q, want %q", listed, want)
	}
	// The filter matches case and wildcards exactly.
	for query, want := range map[string]string{"as": "Case", "_": "a_b", "*": "a*b", "[": "a[b]", "%": "a%b", "\x00": "nul\x00key"} {
		page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range page.Entries {
			got = append(got, e.Key)
		}
		if query == "as" {
			want = "Case|case"
		}
		if strings.Join(got, "|") != want {
			t.Errorf("ListPage(Query: %q) = %q, want %q", query, got, want)
		}
	}
}

// TestOverlongKeyRefused checks sqlcore's bound of 1 MiB on SQLite keys.
func TestOverlongKeyRefused(t *testing.T) { sqltest.RunOverlongKeyRefused(t, target(t)) }
