package sqltest

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// EnsureSchemaConcurrently creates one table from several pools at once,
// as processes starting together do, tg.EnsureSchemaRounds times (once
// if zero), and requires every call to succeed and the table to have its
// expiry index. It returns a pool and the table, for the driver's own
// checks of the columns.
func EnsureSchemaConcurrently(t *testing.T, tg Target) (*sql.DB, string) {
	table := TableOf(Name(t))
	DropTable(t, tg.open(t), table)
	const n = 6
	for round := range max(tg.EnsureSchemaRounds, 1) {
		var wg sync.WaitGroup
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			db := tg.open(t)
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = tg.EnsureSchema(context.Background(), db, table)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d: EnsureSchema %d: %v", round, i, err)
			}
		}
	}
	db := tg.open(t)
	if !tg.HasExpiryIndex(t, db, table) {
		t.Fatal("no index on ea after EnsureSchema")
	}
	return db, table
}

// RunEnsureSchemaRefusesBadTable requires EnsureSchema to refuse a table
// name that would inject SQL with ErrInvalidTable.
func RunEnsureSchemaRefusesBadTable(t *testing.T, tg Target) {
	if err := tg.EnsureSchema(context.Background(), tg.open(t), "t; DROP TABLE x"); !errors.Is(err, tg.ErrInvalidTable) {
		t.Fatalf("EnsureSchema = %v, want ErrInvalidTable", err)
	}
}

// RunNewWithoutDatabaseFailsClosed requires New without a pool or a DSN
// to return ErrNoDatabase and a store of driver sql that fails with it.
func RunNewWithoutDatabaseFailsClosed(t *testing.T, tg Target) {
	s, err := tg.New(StoreConfig{})
	if !errors.Is(err, tg.ErrNoDatabase) {
		t.Fatalf("New = %v, want ErrNoDatabase", err)
	}
	if s == nil || s.Driver() != cachecore.DriverSQL {
		t.Fatalf("New returned store %v, want one of driver sql", s)
	}
	if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, tg.ErrNoDatabase) {
		t.Fatalf("Set = %v, want ErrNoDatabase", err)
	}
}

// RunNewWithBadConfigFailsClosed requires New with an encryption key of
// the wrong size to return ErrEncryptionKey and a store failing with it.
func RunNewWithBadConfigFailsClosed(t *testing.T, tg Target) {
	s, err := tg.New(StoreConfig{DB: tg.open(t), Base: cachecore.BaseConfig{EncryptionKey: []byte("short")}})
	if !errors.Is(err, cachecore.ErrEncryptionKey) {
		t.Fatalf("New = %v, want ErrEncryptionKey", err)
	}
	if err := s.Set(context.Background(), "k", []byte("v"), 0); !errors.Is(err, cachecore.ErrEncryptionKey) {
		t.Fatalf("Set = %v, want ErrEncryptionKey", err)
	}
}

// RunDSNPoolClosesWithContext opens the store's own pool from tg.DSN and
// requires ending Config.Context to close it.
func RunDSNPoolClosesWithContext(t *testing.T, tg Target) {
	table := TableOf(Name(t))
	DropTable(t, tg.open(t), table)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := tg.New(StoreConfig{DSN: tg.DSN(t), Table: table, Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	bg := context.Background()
	if err := s.Set(bg, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, _, err := s.Get(bg, "k")
		if err != nil && strings.Contains(err.Error(), "database is closed") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Get after the Context ended = %v, want the pool closed", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// RunOverlongKeyRefused requires a key whose text with its prefix is
// tg.MaxKeyBytes long to be stored, and one a byte longer, or twice as
// long, to be refused by Set, Increment and Add with ErrInvalidKey and
// missed by Get, without being cut short into the one that fits.
func RunOverlongKeyRefused(t *testing.T, tg Target) {
	_, s, _, prefix := tg.newStore(t, cachecore.BaseConfig{})
	ctx := context.Background()
	fits := strings.Repeat("k", tg.MaxKeyBytes-len(prefix)-len(cachecore.PrefixSeparator))
	if err := s.Set(ctx, fits, []byte("v"), time.Minute); err != nil {
		t.Fatalf("Set of a key of %d bytes with its prefix = %v", tg.MaxKeyBytes, err)
	}
	for _, long := range []string{fits + "k", strings.Repeat("k", 2*tg.MaxKeyBytes)} {
		if err := s.Set(ctx, long, []byte("v"), time.Minute); !errors.Is(err, tg.ErrInvalidKey) {
			t.Fatalf("Set of a %d-byte key = %v, want ErrInvalidKey", len(long), err)
		}
		if _, err := s.Increment(ctx, long, 1, time.Minute); !errors.Is(err, tg.ErrInvalidKey) {
			t.Fatalf("Increment of a %d-byte key = %v, want ErrInvalidKey", len(long), err)
		}
		if _, err := s.Add(ctx, long, []byte("v"), time.Minute); !errors.Is(err, tg.ErrInvalidKey) {
			t.Fatalf("Add of a %d-byte key = %v, want ErrInvalidKey", len(long), err)
		}
		if _, found, err := s.Get(ctx, long); err != nil || found {
			t.Fatalf("Get of a %d-byte key = %v, %v; want a miss", len(long), found, err)
		}
	}
	if v, found, err := s.Get(ctx, fits); err != nil || !found || string(v) != "v" {
		t.Fatalf("the key that fits now holds %q, %v, %v", v, found, err)
	}
}
