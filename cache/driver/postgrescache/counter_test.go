package postgrescache

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// TestIncrementSyntaxIsParseInts checks that the server-side increment
// accepts exactly the counter text strconv.ParseInt does (without '+'),
// where PostgreSQL's own cast to bigint would accept more, and leaves a
// refused value as it was.
func TestIncrementSyntaxIsParseInts(t *testing.T) {
	db := testDB(t, serverAddr(t))
	s := newTestStore(t, db, namespace(t), cachecore.BaseConfig{})
	ctx := context.Background()
	for _, v := range []string{"+5", " 5", "5 ", "5\n", "", "0x10", "1e3", "5.0", "\xff5", "٣"} {
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
	for v, want := range map[string]int64{"007": 8, "-0": 1, "-9223372036854775808": -9223372036854775807} {
		if err := s.Set(ctx, "c", []byte(v), time.Minute); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Increment(ctx, "c", 1, time.Minute); err != nil || n != want {
			t.Errorf("Increment of %q = %d, %v; want %d", v, n, err, want)
		}
	}
	if err := s.Set(ctx, "c", []byte(strconv.FormatInt(1<<63-1, 10)), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Increment(ctx, "c", 1, time.Minute); !errors.Is(err, cachecore.ErrCounterOverflow) {
		t.Errorf("Increment past MaxInt64 = %v, want ErrCounterOverflow", err)
	}
}

// TestIncrementKeepsOrRestartsExpiry checks the expiry of a counter: a
// positive ttl restarts it, ttl 0 restarts it with the DefaultTTL (the
// shaping layer gives the store the default for ttl 0), and an expired
// counter starts again from zero.
func TestIncrementKeepsOrRestartsExpiry(t *testing.T) {
	db := testDB(t, serverAddr(t))
	s := newTestStore(t, db, namespace(t), cachecore.BaseConfig{}).(cachecore.ExpiryGetter)
	st := s.(cachecore.Store)
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
	if _, err := st.Increment(ctx, "e", 5, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	if n, err := st.Increment(ctx, "e", 1, 0); err != nil || n != 1 {
		t.Fatalf("Increment of an expired counter = %d, %v; want 1", n, err)
	}
}

func TestDeleteManyAcrossBatches(t *testing.T) {
	db := testDB(t, serverAddr(t))
	s := newTestStore(t, db, namespace(t), cachecore.BaseConfig{})
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
