package sqltest

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

// The contract's lifetimes: long enough that the writes before its first
// reads finish well within them on a busy machine (each is a round trip
// to the server), short enough to keep its waits short.
const (
	shortTTL        = time.Second
	shortDefaultTTL = 1500 * time.Millisecond
)

// RunStoreContract runs cachetest's store contract on a store of a table
// of its own.
func RunStoreContract(t *testing.T, tg Target) {
	_, s, _, _ := tg.newStore(t, cachecore.BaseConfig{DefaultTTL: shortDefaultTTL})
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: shortTTL, DefaultTTL: shortDefaultTTL})
}

// RunStoreContractShaped runs the store contract on a store that limits,
// compresses and encrypts its values.
func RunStoreContractShaped(t *testing.T, tg Target) {
	_, s, _, _ := tg.newStore(t, cachecore.BaseConfig{
		DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096,
		Compression: cachecore.CompressionGzip, EncryptionKey: make([]byte, 32),
	})
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: shortTTL, DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096})
}

// RunInspectorContract runs cachetest's inspector contract.
func RunInspectorContract(t *testing.T, tg Target) {
	_, s, _, _ := tg.newStore(t, cachecore.BaseConfig{})
	cachetest.RunInspectorContract(t, s)
}

// RunFlushLeavesOtherPrefixes shares a table between tg.FlushPrefix and
// tg.FlushOthers, and a row outside all of them, flushes tg.FlushPrefix,
// and requires every other prefix's key and the outside row to remain.
func RunFlushLeavesOtherPrefixes(t *testing.T, tg Target) {
	db := tg.open(t)
	ctx := context.Background()
	table := TableOf(Name(t))
	DropTable(t, db, table)
	open := func(prefix string) cachecore.Store {
		return tg.store(t, StoreConfig{DB: db, Table: table, Prefix: prefix})
	}
	mine := open(tg.FlushPrefix)
	others := make(map[string]cachecore.Store, len(tg.FlushOthers))
	for _, p := range tg.FlushOthers {
		others[p] = open(p)
	}
	for _, s := range append([]cachecore.Store{mine}, values(others)...) {
		if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	bare := tg.FlushPrefix + "-bare"
	ph := tg.Placeholder
	if _, err := db.ExecContext(ctx, "INSERT INTO "+table+" (k, v, ea) VALUES ("+ph(1)+", "+ph(2)+", "+ph(3)+")",
		bare, []byte("v"), time.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := mine.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := mine.Get(ctx, "k"); found {
		t.Fatal("Flush left its own key")
	}
	for name, s := range others {
		if _, found, err := s.Get(ctx, "k"); err != nil || !found {
			t.Errorf("Flush of prefix %s removed prefix %s's key (%v)", tg.FlushPrefix, name, err)
		}
	}
	if n := tg.count(t, db, table, "k = "+ph(1), bare); n != 1 {
		t.Fatalf("Flush removed a row outside its prefix (%d rows)", n)
	}
}

func values(m map[string]cachecore.Store) []cachecore.Store {
	var out []cachecore.Store
	for _, s := range m {
		out = append(out, s)
	}
	return out
}

// RunExpiredRowsNeverReturned leaves an expired row in the table (no
// sweep) and requires that no read return it: Get, GetWithExpiry,
// ListPage, compare-and-delete; and that Add take its place.
func RunExpiredRowsNeverReturned(t *testing.T, tg Target) {
	db, s, table, prefix := tg.newStore(t, cachecore.BaseConfig{})
	ctx := context.Background()
	if err := s.Set(ctx, "gone", []byte("v"), 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	if n := tg.count(t, db, table, "k = "+tg.Placeholder(1), prefix+":gone"); n != 1 {
		t.Fatalf("the expired row is not in the table (%d rows); the test needs it there", n)
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

// RunTableDroppedWhileRunning drops the table under a store that has
// prepared its statements: the store must create it again rather than
// fail for ever.
func RunTableDroppedWhileRunning(t *testing.T, tg Target) {
	db, s, table, _ := tg.newStore(t, cachecore.BaseConfig{})
	ctx := context.Background()
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "DROP TABLE "+table); err != nil {
		t.Fatal(err)
	}
	// The call that finds the table gone may fail; the next must not.
	s.Set(ctx, "k", []byte("v2"), time.Minute)
	if err := s.Set(ctx, "k", []byte("v3"), time.Minute); err != nil {
		t.Fatalf("Set after the table was dropped: %v", err)
	}
	if v, found, err := s.Get(ctx, "k"); err != nil || !found || string(v) != "v3" {
		t.Fatalf("Get = %q, %v, %v", v, found, err)
	}
}
