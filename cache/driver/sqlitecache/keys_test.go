package sqlitecache

import (
	"context"
	"strings"
	"testing"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestKeysOfAnyBytes stores keys holding what SQLite's text functions
// stop at or cannot read as UTF-8, and keys differing only in case: each
// must be its own entry, listed in byte order, and a plain key must be
// stored as it is, for goforj/cache's processes.
func TestKeysOfAnyBytes(t *testing.T) {
	keys := []string{"nul\x00key", "nul", "bad\xffutf8", "soh\x01key", "plain/é", "Case", "case", "a%b", "a_b", "a*b", "a[b]"}
	s := sqltest.KeysStoredAsTheyAre(t, target(t), keys, "plain/é")
	ctx := context.Background()
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
