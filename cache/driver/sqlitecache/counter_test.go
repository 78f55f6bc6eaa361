package sqlitecache

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
	"github.com/seed3c1b93bc/groupcache/cache/internal/sqltest"
)

// TestIncrementSyntaxIsParseInts checks that the increment statement
// accepts exactly the counter text strconv.ParseInt does (without '+'),
// where SQLite's CAST reads any text as a number, and leaves a refused
// value as it was.
func TestIncrementSyntaxIsParseInts(t *testing.T) { sqltest.RunIncrementSyntax(t, target(t)) }

// TestIncrementOverflowRefused checks that a sum leaving int64, and a
// stored counter outside it, fail with ErrCounterOverflow and leave the
// value as it was, where SQLite would saturate the CAST or turn the sum
// into a float.
func TestIncrementOverflowRefused(t *testing.T) {
	s := newTestStore(t, testDB(t, dbFile(t)), sqltest.Name(t), cachecore.BaseConfig{})
	ctx := context.Background()
	for _, c := range []struct {
		stored string
		delta  int64
	}{
		{"9223372036854775807", 1},
		{"9223372036854775000", 1000},
		{"-9223372036854775808", -1},
		{"-9223372036854775000", -1000},
		{"1", 9223372036854775807},
		{"-2", -9223372036854775807},
		{"9223372036854775808", 0},
		{"-9223372036854775809", 0},
		{"99999999999999999999", -1},
		{"0009223372036854775808", -1},
	} {
		if err := s.Set(ctx, "c", []byte(c.stored), time.Minute); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Increment(ctx, "c", c.delta, time.Minute); !errors.Is(err, cachecore.ErrCounterOverflow) {
			t.Errorf("Increment of %s by %d = %d, %v; want ErrCounterOverflow", c.stored, c.delta, n, err)
		}
		if got, _, _ := s.Get(ctx, "c"); string(got) != c.stored {
			t.Errorf("a refused increment changed %s to %q", c.stored, got)
		}
	}
	for _, c := range []struct {
		stored string
		delta  int64
		want   int64
	}{
		{"9223372036854775807", -1, 9223372036854775806},
		{"-9223372036854775808", 1, -9223372036854775807},
		{"0009223372036854775807", 0, 9223372036854775807},
		{"-1", -9223372036854775807, -9223372036854775808},
	} {
		if err := s.Set(ctx, "c", []byte(c.stored), time.Minute); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Increment(ctx, "c", c.delta, time.Minute); err != nil || n != c.want {
			t.Errorf("Increment of %s by %d = %d, %v; want %d", c.stored, c.delta, n, err, c.want)
		}
	}
}

// TestIncrementKeepsOrRestartsExpiry checks the expiry of a counter, and
// that an expired entry starts again from zero, whatever it held.
func TestIncrementKeepsOrRestartsExpiry(t *testing.T) { sqltest.RunIncrementExpiry(t, target(t)) }

// TestNullableValueColumnRefused checks that a table whose value column
// allows NULL is refused: the increment statement relies on the NOT NULL
// constraint to refuse a value that is not a counter, and would otherwise
// replace it with NULL.
func TestNullableValueColumnRefused(t *testing.T) {
	db := testDB(t, dbFile(t))
	ctx := context.Background()
	table := sqltest.TableOf(sqltest.Name(t))
	if _, err := db.ExecContext(ctx, "CREATE TABLE "+table+" (k TEXT PRIMARY KEY, v BLOB, ea INTEGER NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{DB: db, Table: table, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "k", []byte("v"), time.Minute); !errors.Is(err, sqlcore.ErrTableLayout) {
		t.Fatalf("Set on a table with a nullable v = %v, want ErrTableLayout", err)
	}
}

func TestDeleteManyAcrossBatches(t *testing.T) { sqltest.RunDeleteManyAcrossBatches(t, target(t)) }
