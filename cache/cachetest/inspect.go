package cachetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// RunInspectorContract checks that store lists its entries the way
// cachecore.Inspector documents: it must implement the interface and
// report CanList. It writes four keys under a namespace taken from t's
// name, three of them containing "page/", and checks
//
//   - paging: a query with limit 2 returns the first two keys in key
//     order with HasMore and a NextCursor, and the cursor returns the rest
//     with HasMore false and no cursor;
//   - entry metadata: a positive SizeBytes, and an expiry in Unix
//     milliseconds exactly when the store reports CanTTL;
//   - substring matching: a query matching the middle of one key lists it;
//   - the legacy Prefix field and surrounding space in the query;
//   - CanRead and CanDelete, when reported, on a listed key.
//
// Keys other tests wrote stay out of the checks, so the store may be
// shared, though not with keys containing the namespace. The keys are
// deleted afterwards.
func RunInspectorContract(t *testing.T, store cachecore.Store) {
	t.Helper()
	insp, ok := store.(cachecore.Inspector)
	if !ok {
		t.Fatalf("store %T does not implement cachecore.Inspector", store)
	}
	caps := insp.Capabilities()
	if !caps.CanList {
		t.Fatalf("store %T reports CanList false", store)
	}
	ctx := context.Background()
	ns := "inspect/" + strings.ReplaceAll(t.Name(), " ", "_") + "/"
	const ttl = time.Minute
	values := map[string]string{"page/a": "alpha", "page/b": "bravo", "page/c": "charlie", "other/z": "zulu"}
	for k, v := range values {
		if err := store.Set(ctx, ns+k, []byte(v), ttl); err != nil {
			t.Fatalf("Set(%q): %v", ns+k, err)
		}
	}
	t.Cleanup(func() {
		for k := range values {
			_ = store.Delete(context.Background(), ns+k)
		}
	})

	list := func(opts cachecore.ListPageOptions) cachecore.ListPageResult {
		t.Helper()
		page, err := insp.ListPage(ctx, opts)
		if err != nil {
			t.Fatalf("ListPage(%+v): %v", opts, err)
		}
		if page.HasMore != (page.NextCursor != "") {
			t.Fatalf("ListPage(%+v) has HasMore %v but NextCursor %q", opts, page.HasMore, page.NextCursor)
		}
		return page
	}
	// ours keeps the keys of this namespace, so that keys of others sharing
	// the store do not count.
	ours := func(page cachecore.ListPageResult) []string {
		var keys []string
		for _, e := range page.Entries {
			if strings.HasPrefix(e.Key, ns) {
				keys = append(keys, strings.TrimPrefix(e.Key, ns))
			}
		}
		return keys
	}
	expect := func(what string, got []string, want ...string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Fatalf("%s listed %q, want %q", what, got, want)
		}
	}

	first := list(cachecore.ListPageOptions{Query: ns + "page/", Limit: 2})
	expect("first page", ours(first), "page/a", "page/b")
	if len(first.Entries) != 2 || !first.HasMore {
		t.Fatalf("first page has %d entries and HasMore %v, want 2 and true", len(first.Entries), first.HasMore)
	}
	for _, e := range first.Entries {
		if e.SizeBytes <= 0 {
			t.Errorf("entry %q has SizeBytes %d, want > 0", e.Key, e.SizeBytes)
		}
		checkListedExpiry(t, caps, e, ttl)
	}

	second := list(cachecore.ListPageOptions{Query: ns + "page/", Limit: 2, Cursor: first.NextCursor})
	expect("second page", ours(second), "page/c")
	if len(second.Entries) != 1 || second.HasMore {
		t.Fatalf("second page has %d entries and HasMore %v, want 1 and false", len(second.Entries), second.HasMore)
	}

	expect("substring query \"page/b\"", ours(list(cachecore.ListPageOptions{Query: "page/b", Limit: cachecore.MaxListLimit})), "page/b")
	expect("legacy Prefix field", ours(list(cachecore.ListPageOptions{Prefix: ns + "other/", Limit: 10})), "other/z")
	expect("query with spaces", ours(list(cachecore.ListPageOptions{Query: "  " + ns + "page/c\t", Limit: 10})), "page/c")
	expect("query matching nothing", ours(list(cachecore.ListPageOptions{Query: ns + "no-such-key"})))

	k := ns + "page/a"
	if caps.CanRead {
		v, found, err := store.Get(ctx, k)
		if err != nil || !found || string(v) != values["page/a"] {
			t.Fatalf("Get(%q) of a listed key = %q, %v, %v; want %q (CanRead)", k, v, found, err, values["page/a"])
		}
	}
	if caps.CanDelete {
		if err := store.Delete(ctx, k); err != nil {
			t.Fatalf("Delete(%q) of a listed key: %v (CanDelete)", k, err)
		}
		expect("after deleting page/a", ours(list(cachecore.ListPageOptions{Query: ns + "page/"})), "page/b", "page/c")
	}
}
