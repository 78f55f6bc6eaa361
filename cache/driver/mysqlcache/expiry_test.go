package mysqlcache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// TestExpiredRowsNeverReturned leaves an expired row in the table (no
// sweep) and checks that no read returns it: Get, GetWithExpiry,
// ListPage, compare-and-delete; and that Add takes its place.
func TestExpiredRowsNeverReturned(t *testing.T) {
	db := testDB(t, testConfig(t))
	ns := namespace(t)
	s := newTestStore(t, db, ns, cachecore.BaseConfig{})
	ctx := context.Background()
	if err := s.Set(ctx, "gone", []byte("v"), 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+tableOf(ns)+" WHERE k = ?", ns+":gone").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the expired row is not in the table (%d, %v); the test needs it there", n, err)
	}
	if _, found, err := s.Get(ctx, "gone"); err != nil || found {
		t.Fatalf("Get of an expired row = %v, %v", found, err)
	}
	if _, _, found, err := s.(cachecore.ExpiryGetter).GetWithExpiry(ctx, "gone"); err != nil || found {
		t.Fatalf("GetWithExpiry of an expired row = %v, %v", found, err)
	}
	page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{})
	if err != nil || len(page.Entries) != 0 {
		t.Fatalf("ListPage = %+v, %v; want no entries", page, err)
	}
	if ok, err := cachecore.CompareAndDelete(ctx, s, "gone", []byte("v")); err != nil || ok {
		t.Fatalf("CompareAndDelete of an expired row = %v, %v; want false", ok, err)
	}
	if ok, err := s.Add(ctx, "gone", []byte("new"), time.Minute); err != nil || !ok {
		t.Fatalf("Add over an expired row = %v, %v; want created", ok, err)
	}
	if v, _, _ := s.Get(ctx, "gone"); string(v) != "new" {
		t.Fatalf("after Add, Get = %q", v)
	}
	if ok, err := s.Add(ctx, "gone", []byte("again"), time.Minute); err != nil || ok {
		t.Fatalf("Add over a live row = %v, %v; want not created", ok, err)
	}
}
