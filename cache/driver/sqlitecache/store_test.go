package sqlitecache

import (
	"context"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

// The contract's lifetimes: long enough that the writes before its first
// reads finish well within them on a busy machine, short enough to keep
// its waits short.
const (
	shortTTL        = time.Second
	shortDefaultTTL = 1500 * time.Millisecond
)

func TestStoreContract(t *testing.T) {
	db := testDB(t, dbFile(t))
	s := newTestStore(t, db, namespace(t), cachecore.BaseConfig{DefaultTTL: shortDefaultTTL})
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: shortTTL, DefaultTTL: shortDefaultTTL})
}

func TestStoreContractShaped(t *testing.T) {
	db := testDB(t, dbFile(t))
	s := newTestStore(t, db, namespace(t), cachecore.BaseConfig{
		DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096,
		Compression: cachecore.CompressionGzip, EncryptionKey: make([]byte, 32),
	})
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: shortTTL, DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096})
}

func TestInspectorContract(t *testing.T) {
	db := testDB(t, dbFile(t))
	cachetest.RunInspectorContract(t, newTestStore(t, db, namespace(t), cachecore.BaseConfig{}))
}

// TestFlushLeavesOtherPrefixes shares a table between prefixes: one the
// start of the other, one matching the first under LIKE's wildcards, one
// differing only in case (SQLite's LIKE ignores case), and a row outside
// all of them.
func TestFlushLeavesOtherPrefixes(t *testing.T) {
	db := testDB(t, dbFile(t))
	ctx := context.Background()
	table := tableOf(namespace(t))
	open := func(prefix string) cachecore.Store {
		s, err := New(Config{DB: db, Table: table, SweepInterval: -1, BaseConfig: cachecore.BaseConfig{Prefix: prefix}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	mine := open("a_b%!")
	others := map[string]cachecore.Store{
		"a_b%!x": open("a_b%!x"), "aXbYZ!": open("aXbYZ!"), "A_B%!": open("A_B%!"), "a_b%": open("a_b%"),
	}
	for _, s := range append([]cachecore.Store{mine}, values(others)...) {
		if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO "+table+" (k, v, ea) VALUES ('a_b%!-bare', x'76', ?1)",
		time.Now().Add(time.Hour).UnixMilli()); err != nil {
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
			t.Errorf("Flush of prefix a_b%%! removed prefix %s's key (%v)", name, err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE k = 'a_b%!-bare'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("Flush removed a row outside its prefix (%d, %v)", n, err)
	}
}

func values(m map[string]cachecore.Store) []cachecore.Store {
	var out []cachecore.Store
	for _, s := range m {
		out = append(out, s)
	}
	return out
}
