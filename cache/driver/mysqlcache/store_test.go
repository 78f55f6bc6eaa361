package mysqlcache

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

func TestStoreContract(t *testing.T) {
	db := testDB(t, testConfig(t))
	s := newTestStore(t, db, namespace(t), cachecore.BaseConfig{DefaultTTL: shortDefaultTTL})
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: shortTTL, DefaultTTL: shortDefaultTTL})
}

func TestStoreContractShaped(t *testing.T) {
	db := testDB(t, testConfig(t))
	s := newTestStore(t, db, namespace(t), cachecore.BaseConfig{
		DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096,
		Compression: cachecore.CompressionGzip, EncryptionKey: make([]byte, 32),
	})
	cachetest.RunStoreContract(t, s, cachetest.Options{TTL: shortTTL, DefaultTTL: shortDefaultTTL, MaxValueBytes: 4096})
}

func TestInspectorContract(t *testing.T) {
	db := testDB(t, testConfig(t))
	cachetest.RunInspectorContract(t, newTestStore(t, db, namespace(t), cachecore.BaseConfig{}))
}

// TestFlushLeavesOtherPrefixes shares a table between prefixes: one the
// start of the other, one with LIKE's wildcards, one differing only in
// case, and a row outside all.
func TestFlushLeavesOtherPrefixes(t *testing.T) {
	db := testDB(t, testConfig(t))
	ctx := context.Background()
	ns := namespace(t)
	table := tableOf(ns)
	dropTable(t, db, table)
	open := func(prefix string) cachecore.Store {
		s, err := New(Config{DB: db, Table: table, SweepInterval: -1, BaseConfig: cachecore.BaseConfig{Prefix: prefix}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	mine, longer, wild, upper := open("a_b%"), open("a_b%x"), open("aXbYZ"), open("A_B%")
	for _, s := range []cachecore.Store{mine, longer, wild, upper} {
		if err := s.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO "+table+" (k, v, ea) VALUES ('a_b%-bare', 'v', ?)",
		time.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := mine.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := mine.Get(ctx, "k"); found {
		t.Fatal("Flush left its own key")
	}
	for name, s := range map[string]cachecore.Store{"a_b%x": longer, "aXbYZ": wild, "A_B%": upper} {
		if _, found, err := s.Get(ctx, "k"); err != nil || !found {
			t.Fatalf("Flush of prefix a_b%% removed prefix %s's key (%v)", name, err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table+" WHERE k = 'a_b%-bare'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("Flush removed a row outside its prefix (%d, %v)", n, err)
	}
}
