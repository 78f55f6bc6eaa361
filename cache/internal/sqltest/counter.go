package sqltest

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// notNumeric are counter texts every driver must refuse with
// ErrNotNumeric, since strconv.ParseInt refuses them (or, '+', since
// goforj's counters never hold one); a Target adds what its database's
// own conversion would wrongly accept.
var notNumeric = []string{"+5", " 5", "5 ", "5\n", "", "0x10", "1e3", "5.0", "\xff5", "٣"}

// numeric are counter texts every driver must read as ParseInt does, and
// the value incrementing each by one gives.
var numeric = map[string]int64{"007": 8, "-0": 1, "-9223372036854775808": -9223372036854775807}

// RunIncrementSyntax requires the increment to accept exactly the
// counter text strconv.ParseInt does (without '+'): to refuse notNumeric
// and tg.NotNumeric with ErrNotNumeric, leaving the value as it was; to
// add to numeric and tg.Numeric, storing the sum; and to refuse going
// past MaxInt64 with ErrCounterOverflow.
func RunIncrementSyntax(t *testing.T, tg Target) {
	_, s, _, _ := tg.newStore(t, cachecore.BaseConfig{})
	ctx := context.Background()
	for _, v := range append(append([]string(nil), notNumeric...), tg.NotNumeric...) {
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
	for _, m := range []map[string]int64{numeric, tg.Numeric} {
		for v, want := range m {
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
	if err := s.Set(ctx, "c", []byte(strconv.FormatInt(1<<63-1, 10)), time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Increment(ctx, "c", 1, time.Minute); !errors.Is(err, cachecore.ErrCounterOverflow) {
		t.Errorf("Increment past MaxInt64 = %v, want ErrCounterOverflow", err)
	}
}

// RunIncrementExpiry checks the expiry of a counter: a positive ttl
// restarts it, ttl 0 restarts it with tg.DefaultTTL (the shaping layer
// gives the store the default for ttl 0), and an expired counter starts
// again from zero; with tg.ExpiredNonCounter, one that was not a counter
// before it expired does too.
func RunIncrementExpiry(t *testing.T, tg Target) {
	_, st, _, _ := tg.newStore(t, cachecore.BaseConfig{})
	s := st.(cachecore.ExpiryGetter)
	ctx := context.Background()
	if _, err := st.Increment(ctx, "c", 5, time.Hour); err != nil {
		t.Fatal(err)
	}
	_, first, _, _ := s.GetWithExpiry(ctx, "c")
	if _, err := st.Increment(ctx, "c", 1, 0); err != nil {
		t.Fatal(err)
	}
	def := tg.DefaultTTL
	if _, at, _, _ := s.GetWithExpiry(ctx, "c"); at.After(time.Now().Add(def+time.Second)) || at.Before(time.Now().Add(def-time.Minute)) {
		t.Fatalf("Increment with ttl 0 set the expiry to %v, want the default %v from now", at, def)
	}
	if _, err := st.Increment(ctx, "c", 1, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, at, _, _ := s.GetWithExpiry(ctx, "c"); !at.After(first.Add(30 * time.Minute)) {
		t.Fatalf("Increment with ttl 2h left the expiry at %v (was %v)", at, first)
	}
	var err error
	if tg.ExpiredNonCounter {
		err = st.Set(ctx, "e", []byte("not a counter"), 20*time.Millisecond)
	} else {
		_, err = st.Increment(ctx, "e", 5, 20*time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(40 * time.Millisecond)
	if n, err := st.Increment(ctx, "e", 1, 0); err != nil || n != 1 {
		t.Fatalf("Increment of an expired entry = %d, %v; want 1", n, err)
	}
}

// RunDeleteManyAcrossBatches deletes more keys at once than one
// statement takes and requires all of them, and no other, to be gone.
func RunDeleteManyAcrossBatches(t *testing.T, tg Target) {
	_, s, _, _ := tg.newStore(t, cachecore.BaseConfig{})
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
