package cachetest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
)

// helperEnv names the test a re-executed test binary runs as a helper: a
// suite run that is expected to fail, which the parent observes through
// the exit status instead of failing itself.
const helperEnv = "CACHETEST_HELPER"

// suiteFails runs the helper test name in a child process and reports
// whether it failed.
func suiteFails(t *testing.T, name string) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+name)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running helper %s: %v", name, err)
	}
	if err != nil {
		t.Logf("helper %s failed as expected:\n%s", name, tail(out))
	}
	return err != nil
}

func tail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-6):], "\n")
}

// asHelper skips t unless it runs as the helper named name.
func asHelper(t *testing.T, name string) {
	if os.Getenv(helperEnv) != name {
		t.Skip("helper process only")
	}
}

func memory(t *testing.T) cachecore.Store {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return cache.NewMemoryStore(ctx)
}

// recordingStore remembers every key written through it.
type recordingStore struct {
	cachecore.Store
	mu   sync.Mutex
	keys []string
}

func (s *recordingStore) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	s.mu.Lock()
	s.keys = append(s.keys, k)
	s.mu.Unlock()
	return s.Store.Set(ctx, k, v, ttl)
}

func TestCaseNameNamespacesKeys(t *testing.T) {
	rec := &recordingStore{Store: memory(t)}
	cachetest.RunStoreContract(t, rec, cachetest.Options{CaseName: "driver-x"})
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.keys) == 0 {
		t.Fatal("the suite wrote no keys")
	}
	for _, k := range rec.keys {
		if !strings.HasPrefix(k, "cachetest/driver-x/") {
			t.Fatalf("key %q is outside the CaseName namespace", k)
		}
	}
}

func TestTTLWaitSetsTheExpiryWait(t *testing.T) {
	var mu sync.Mutex
	var waits []time.Duration
	cachetest.RunStoreContract(t, memory(t), cachetest.Options{
		TTL:     20 * time.Millisecond,
		TTLWait: 70 * time.Millisecond,
		Wait: func(d time.Duration) {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			time.Sleep(d)
		},
	})
	mu.Lock()
	defer mu.Unlock()
	if !slices.Contains(waits, 70*time.Millisecond) {
		t.Fatalf("the suite waited %v, want TTLWait among them", waits)
	}
}

// zeroNullStore discards everything and counts nothing, answering
// Increment with 0 as goforj/cache's null store does.
type zeroNullStore struct{}

func (zeroNullStore) Driver() cachecore.Driver { return cachecore.DriverNull }
func (zeroNullStore) Ready(ctx context.Context) error {
	return ctx.Err()
}
func (zeroNullStore) Get(ctx context.Context, _ string) ([]byte, bool, error) {
	return nil, false, ctx.Err()
}
func (zeroNullStore) Set(ctx context.Context, _ string, _ []byte, _ time.Duration) error {
	return ctx.Err()
}
func (zeroNullStore) Add(ctx context.Context, _ string, _ []byte, _ time.Duration) (bool, error) {
	return ctx.Err() == nil, ctx.Err()
}
func (zeroNullStore) Increment(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, ctx.Err()
}
func (zeroNullStore) Decrement(ctx context.Context, _ string, _ int64, _ time.Duration) (int64, error) {
	return 0, ctx.Err()
}
func (zeroNullStore) Delete(ctx context.Context, _ string) error        { return ctx.Err() }
func (zeroNullStore) DeleteMany(ctx context.Context, _ ...string) error { return ctx.Err() }
func (zeroNullStore) Flush(ctx context.Context) error                   { return ctx.Err() }

func TestNullSemanticsAcceptsAZeroCountingNullStore(t *testing.T) {
	cachetest.RunStoreContract(t, zeroNullStore{}, cachetest.Options{NullSemantics: true})
}

func TestNullSemanticsIsRequiredForANullStore(t *testing.T) {
	if !suiteFails(t, "TestHelperNullStoreWithoutNullSemantics") {
		t.Fatal("a null store passed the suite without NullSemantics")
	}
}

func TestHelperNullStoreWithoutNullSemantics(t *testing.T) {
	asHelper(t, t.Name())
	cachetest.RunStoreContract(t, zeroNullStore{}, cachetest.Options{})
}

// brokenFlushStore cannot flush.
type brokenFlushStore struct{ cachecore.Store }

func (brokenFlushStore) Flush(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.New("flush not allowed here")
}

func TestSkipFlushSkipsTheFlushCheck(t *testing.T) {
	cachetest.RunStoreContract(t, brokenFlushStore{memory(t)}, cachetest.Options{SkipFlush: true})
	if !suiteFails(t, "TestHelperBrokenFlushChecked") {
		t.Fatal("a store whose Flush fails passed the suite without SkipFlush")
	}
}

func TestHelperBrokenFlushChecked(t *testing.T) {
	asHelper(t, t.Name())
	cachetest.RunStoreContract(t, brokenFlushStore{memory(t)}, cachetest.Options{})
}

// sharingStore hands every reader of a key the same slice while the key
// lives and is not written again, so a caller that modifies what Get returned modifies
// what the next reader sees.
type sharingStore struct {
	cachecore.Store
	mu sync.Mutex
	m  map[string][]byte
}

func (s *sharingStore) Get(ctx context.Context, k string) ([]byte, bool, error) {
	v, found, err := s.Store.Get(ctx, k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil || !found {
		delete(s.m, k)
		return v, found, err
	}
	if shared, ok := s.m[k]; ok {
		return shared, true, nil
	}
	s.m[k] = v
	return v, true, nil
}

func (s *sharingStore) forget(keys ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		delete(s.m, k)
	}
}

func (s *sharingStore) Set(ctx context.Context, k string, v []byte, ttl time.Duration) error {
	s.forget(k)
	return s.Store.Set(ctx, k, v, ttl)
}

func (s *sharingStore) Add(ctx context.Context, k string, v []byte, ttl time.Duration) (bool, error) {
	s.forget(k)
	return s.Store.Add(ctx, k, v, ttl)
}

func (s *sharingStore) Increment(ctx context.Context, k string, d int64, ttl time.Duration) (int64, error) {
	s.forget(k)
	return s.Store.Increment(ctx, k, d, ttl)
}

func (s *sharingStore) Decrement(ctx context.Context, k string, d int64, ttl time.Duration) (int64, error) {
	s.forget(k)
	return s.Store.Decrement(ctx, k, d, ttl)
}

func (s *sharingStore) Delete(ctx context.Context, k string) error {
	s.forget(k)
	return s.Store.Delete(ctx, k)
}

func (s *sharingStore) DeleteMany(ctx context.Context, keys ...string) error {
	s.forget(keys...)
	return s.Store.DeleteMany(ctx, keys...)
}

func (s *sharingStore) Flush(ctx context.Context) error {
	s.mu.Lock()
	clear(s.m)
	s.mu.Unlock()
	return s.Store.Flush(ctx)
}

func TestSkipCloneCheckSkipsTheCloneCheck(t *testing.T) {
	cachetest.RunStoreContract(t, &sharingStore{Store: memory(t), m: map[string][]byte{}}, cachetest.Options{SkipCloneCheck: true})
	if !suiteFails(t, "TestHelperSharingStoreChecked") {
		t.Fatal("a store sharing its values passed the suite without SkipCloneCheck")
	}
}

func TestHelperSharingStoreChecked(t *testing.T) {
	asHelper(t, t.Name())
	cachetest.RunStoreContract(t, &sharingStore{Store: memory(t), m: map[string][]byte{}}, cachetest.Options{})
}

// prefixListingStore lists the way this package's stores did before they
// followed goforj/cache: Query as a key prefix, the last key as cursor.
type prefixListingStore struct{ cachecore.Store }

func (s prefixListingStore) Capabilities() cachecore.InspectorCapabilities {
	return cachecore.InspectorCapabilities{CanList: true}
}

func (s prefixListingStore) ListPage(ctx context.Context, opts cachecore.ListPageOptions) (cachecore.ListPageResult, error) {
	all, err := s.Store.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{Limit: cachecore.MaxListLimit})
	if err != nil {
		return all, err
	}
	var page cachecore.ListPageResult
	for _, e := range all.Entries {
		if strings.HasPrefix(e.Key, opts.Query) && e.Key > opts.Cursor {
			page.Entries = append(page.Entries, e)
		}
	}
	if limit := cachecore.NormalizeListLimit(opts.Limit); len(page.Entries) > limit {
		page.Entries = page.Entries[:limit]
		page.NextCursor, page.HasMore = page.Entries[limit-1].Key, true
	}
	return page, nil
}

func TestInspectorContractRejectsPrefixQueries(t *testing.T) {
	cachetest.RunInspectorContract(t, memory(t))
	if !suiteFails(t, "TestHelperPrefixListing") {
		t.Fatal("a store matching queries as prefixes passed RunInspectorContract")
	}
}

func TestHelperPrefixListing(t *testing.T) {
	asHelper(t, t.Name())
	cachetest.RunInspectorContract(t, prefixListingStore{memory(t)})
}

func TestInspectorContractRequiresAnInspector(t *testing.T) {
	if !suiteFails(t, "TestHelperNoInspector") {
		t.Fatal("a store without an Inspector passed RunInspectorContract")
	}
}

func TestHelperNoInspector(t *testing.T) {
	asHelper(t, t.Name())
	cachetest.RunInspectorContract(t, zeroNullStore{})
}
