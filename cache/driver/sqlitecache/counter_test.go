package sqlitecache

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/driver/sqlcore"
)

// TestIncrementSyntaxIsParseInts checks that the increment statement
// accepts exactly the counter text strconv.ParseInt does (without '+'),
// where SQLite's CAST reads any text as a number, and leaves a refused
// value as it was.
func TestIncrementSyntaxIsParseInts(t *testing.T) {
	s := newTestStore(t, testDB(t, dbFile(t)), namespace(t), cachecore.BaseConfig{})
	ctx := context.Background()
	for _, v := range []string{
		"abc", "+5", " 5", "5 ", "5\n", "", "-", "--5", "5-", "0x10", "1e3", "5.0", "\xff5", "5\xff", "٣",
		"5\x00", "\x005", "5\x001",
	} {
		if err := s.Set(ctx, "c", []byte(v), time.Minute); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Increment(ctx, "c", 1, time.Minute); !errors.Is(err, cachecore.ErrNotNumeric) {
			t.Errorf("Increment of %q = %d, %v; want ErrNotNumeric", v, n, err)
		}
		if got, _, _ := s.Get(ctx, "c"); string(got) != v {
			t.Errorf("a refused increment changed %q to %q", v, got)
		}
	}
	for v, want := range map[string]int64{
		"007": 8, "-0": 1, "-1": 0, "00000000000000000000000041": 42,
		"-9223372036854775808": -9223372036854775807, "9223372036854775806": 9223372036854775807,
	} {
		if err := s.Set(ctx, "c", []byte(v), time.Minute); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Increment(ctx, "c", 1, time.Minute); err != nil || n != want {
			t.Errorf("Increment of %q = %d, %v; want %d", v, n, err, want)
		}
		if got, _, _ := s.Get(ctx, "c"); string(got) != strconv.FormatInt(want, 10) {
			t.Errorf("after incrementing %q the value is %q, want %d", v, got, want)
		}
	}
}

// TestIncrementOverflowRefused checks that a sum leaving int64, and a
// stored counter outside it, fail with ErrCounterOverflow and leave the
// value as it was, where SQLite would saturate the CAST or turn the sum
// into a float.
func TestIncrementOverflowRefused(t *testing.T) {
	s := newTestStore(t, testDB(t, dbFile(t)), namespace(t), cachecore.BaseConfig{})
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

// TestIncrementKeepsOrRestartsExpiry checks the expiry of a counter: a
// positive ttl restarts it, ttl 0 restarts it with the DefaultTTL (the
// shaping layer gives the store the default for ttl 0), and an expired
// counter starts again from zero, whatever it held.
func TestIncrementKeepsOrRestartsExpiry(t *testing.T) {
	st := newTestStore(t, testDB(t, dbFile(t)), namespace(t), cachecore.BaseConfig{})
	s := st.(cachecore.ExpiryGetter)
	ctx := context.Background()
	if _, err := st.Increment(ctx, "c", 5, time.Hour); err != nil {
		t.Fatal(err)
	}
	_, first, _, _ := s.GetWithExpiry(ctx, "c")
	if _, err := st.Increment(ctx, "c", 1, 0); err != nil {
		t.Fatal(err)
	}
	if _, at, _, _ := s.GetWithExpiry(ctx, "c"); at.After(time.Now().Add(goforjDefaultTTL+time.Second)) || at.Before(time.Now().Add(goforjDefaultTTL-time.Minute)) {
		t.Fatalf("Increment with ttl 0 set the expiry to %v, want the default %v from now", at, goforjDefaultTTL)
	}
	if _, err := st.Increment(ctx, "c", 1, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, at, _, _ := s.GetWithExpiry(ctx, "c"); !at.After(first.Add(30 * time.Minute)) {
		t.Fatalf("Increment with ttl 2h left the expiry at %v (was %v)", at, first)
	}
	if err := st.Set(ctx, "e", []byte("not a counter"), 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	if n, err := st.Increment(ctx, "e", 1, 0); err != nil || n != 1 {
		t.Fatalf("Increment of an expired non-counter = %d, %v; want 1", n, err)
	}
}

// TestNullableValueColumnRefused checks that a table whose value column
// allows NULL is refused: the increment statement relies on the NOT NULL
// constraint to refuse a value that is not a counter, and would otherwise
// replace it with NULL.
func TestNullableValueColumnRefused(t *testing.T) {
	db := testDB(t, dbFile(t))
	ctx := context.Background()
	table := tableOf(namespace(t))
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

func TestDeleteManyAcrossBatches(t *testing.T) {
	s := newTestStore(t, testDB(t, dbFile(t)), namespace(t), cachecore.BaseConfig{})
	ctx := context.Background()
	var keys []string
	for i := range 70 {
		k := "k" + strconv.Itoa(i)
		keys = append(keys, k)
		if err := s.Set(ctx, k, []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Set(ctx, "keep", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteMany(ctx, keys...); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, found, _ := s.Get(ctx, k); found {
			t.Fatalf("DeleteMany left %s", k)
		}
	}
	if _, found, _ := s.Get(ctx, "keep"); !found {
		t.Fatal("DeleteMany removed a key it was not given")
	}
}
