// Package cachetest is a reusable contract suite for cachecore.Store
// implementations.
//
// A backend proves it can stand behind the cache facade by passing
// RunStoreContract. The suite checks the documented Store contract —
// ownership of slices, expiry, atomic Add and Increment, invalidation,
// context handling and concurrency — plus the optional interfaces a store
// implements (Inspector, ExpiryGetter, CompareAndDeleter). It writes keys
// under "cachetest/" and calls Flush, so run it against a store dedicated
// to the test. RunInspectorContract checks the listing of an Inspector in
// depth.
//
// The exported API is a superset of goforj/cache's cachetest, so driver
// tests written for it compile against this package.
package cachetest

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// Store is the contract RunStoreContract checks; the name lets driver
// tests written for goforj/cache's cachetest compile unchanged.
type Store = cachecore.Store

// Options describe the store under test. The zero value describes a store
// with no default TTL and no size limit that keeps what it is given.
//
// CaseName, NullSemantics, SkipCloneCheck, TTL, TTLWait and SkipFlush are
// the options of goforj/cache's cachetest, with the same meaning, so that
// driver tests written for it compile and run against this suite.
type Options struct {
	// CaseName namespaces the keys the suite writes; empty means the name
	// of the test that calls RunStoreContract. Give each call sharing a
	// backend its own.
	CaseName string

	// Null declares a store that discards writes: reads always miss, Add
	// always reports creation and Increment returns delta or 0.
	Null bool
	// NullSemantics is Null under goforj/cache's name; either declares it.
	NullSemantics bool

	// SkipCloneCheck skips the check that the store copies the slices it
	// is given and returns, for stores that hand out shared memory.
	SkipCloneCheck bool

	// TTL is the short lifetime used by expiry checks; zero means 100ms.
	// Raise it for stores whose operations are slow.
	TTL time.Duration

	// TTLWait is how long the expiry checks wait for entries written with
	// TTL (and DefaultTTL) to have expired; it must exceed both. Zero means
	// twice the longer of them plus half of TTL.
	TTLWait time.Duration

	// DefaultTTL is the lifetime the store gives writes with ttl <= 0;
	// zero means such entries must not expire. Keep it short: the expiry
	// check waits for it.
	DefaultTTL time.Duration

	// MaxValueBytes is the store's configured value limit; zero means none.
	MaxValueBytes int

	// LargeValueBytes is the size of the large-value round trip; zero
	// means 1 MiB, capped at MaxValueBytes.
	LargeValueBytes int

	// Wait blocks until d has passed for the store's clock; nil means
	// time.Sleep. Stores with an injected clock advance it here.
	Wait func(d time.Duration)

	// SkipFlush skips the Flush check, for stores whose Flush is too
	// expensive or too broad to run in a test (it is still called with a
	// canceled context, which must do nothing).
	SkipFlush bool

	// FlushUnsupported declares a store whose Flush cannot remove all
	// entries: it must return an error wrapping errors.ErrUnsupported and
	// leave the entries in place.
	FlushUnsupported bool

	// CounterTTLRestarts declares that Increment of an existing counter
	// gives it the call's ttl afresh. That is now what the contract
	// expects of every store, as goforj/cache's stores do; the field
	// remains so that suites setting it still compile.
	CounterTTLRestarts bool

	// CounterKeepsTTL declares a store whose Increment of an existing
	// counter keeps the expiry the counter was created with, which
	// cachecore.Store allowed before it adopted goforj/cache's rule.
	CounterKeepsTTL bool

	// ExpiryResolution is how much later than the store's own clock
	// would put it GetWithExpiry may report an expiry: a store whose
	// server keeps expiries in whole milliseconds on its own clock (Redis)
	// reports the millisecond after the expiry's, up to 1ms later.
	ExpiryResolution time.Duration
}

func (o Options) ttl() time.Duration {
	if o.TTL > 0 {
		return o.TTL
	}
	return 100 * time.Millisecond
}

// expiryWait is how long after writing short-lived entries they must be
// gone.
func (o Options) expiryWait() time.Duration {
	if o.TTLWait > 0 {
		return o.TTLWait
	}
	ttl := o.ttl()
	return 2*max(ttl, o.DefaultTTL) + ttl/2
}

func (o Options) wait(d time.Duration) {
	if o.Wait != nil {
		o.Wait(d)
		return
	}
	time.Sleep(d)
}

func (o Options) largeSize() int {
	n := o.LargeValueBytes
	if n <= 0 {
		n = 1 << 20
	}
	if o.MaxValueBytes > 0 && n > o.MaxValueBytes {
		n = o.MaxValueBytes
	}
	return n
}

// RunStoreContract runs the contract suite against store as subtests of t.
func RunStoreContract(t *testing.T, store Store, opts Options) {
	t.Helper()
	if err := store.Ready(context.Background()); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	opts.Null = opts.Null || opts.NullSemantics
	s := &suite{store: store, opts: opts, parent: t.Name(), caseName: opts.CaseName}
	if s.caseName == "" {
		s.caseName = t.Name()
	}
	t.Run("RoundTrip", s.roundTrip)
	t.Run("CloneSafety", s.skipIf(opts.SkipCloneCheck, "SkipCloneCheck", s.cloneSafety))
	t.Run("Values", s.values)
	t.Run("Expiry", s.expiry)
	t.Run("Add", s.add)
	t.Run("Counters", s.counters)
	t.Run("Delete", s.delete)
	t.Run("Flush", s.skipIf(opts.SkipFlush, "SkipFlush", s.flush))
	t.Run("MaxValueBytes", s.maxValueBytes)
	t.Run("CompareAndDelete", s.compareAndDelete)
	t.Run("ExpiryGetter", s.expiryGetter)
	t.Run("Inspector", s.inspector)
	t.Run("Concurrency", s.concurrency)
	t.Run("CanceledContext", s.canceledContext)
}

type suite struct {
	store Store
	opts  Options
	// parent is the name of the test that runs the suite, and caseName
	// the namespace its keys go under.
	parent, caseName string
}

// skipIf returns check, or a check that skips because option is set.
func (s *suite) skipIf(skip bool, option string, check func(*testing.T)) func(*testing.T) {
	if !skip {
		return check
	}
	return func(t *testing.T) { t.Skipf("skipped by Options.%s", option) }
}

// long is a ttl no check outlives.
const long = time.Hour

// key namespaces keys by case and subtest so a failure names its own keys.
func (s *suite) key(t *testing.T, name string) string {
	sub := strings.TrimPrefix(t.Name(), s.parent+"/")
	return "cachetest/" + s.caseName + "/" + sub + "/" + name
}

func (s *suite) set(t *testing.T, k string, v []byte, ttl time.Duration) {
	t.Helper()
	if err := s.store.Set(context.Background(), k, v, ttl); err != nil {
		t.Fatalf("Set(%q): %v", k, err)
	}
}

// expect checks that k holds want, or is missing when want is nil. For a
// null store every key must be missing.
func (s *suite) expect(t *testing.T, k string, want []byte) {
	t.Helper()
	got, found, err := s.store.Get(context.Background(), k)
	if err != nil {
		t.Fatalf("Get(%q): %v", k, err)
	}
	if s.opts.Null || want == nil {
		if found {
			t.Fatalf("Get(%q) found %q, want a miss", k, trim(got))
		}
		return
	}
	if !found {
		t.Fatalf("Get(%q) missed, want %q", k, trim(want))
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("Get(%q) = %q, want %q", k, trim(got), trim(want))
	}
}

// trim keeps failure messages about large values readable.
func trim(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}
