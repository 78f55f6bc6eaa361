package cache

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestRefreshAheadRefreshesInBackground(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache(NewMemoryStore(ctx))
	var version atomic.Int32
	load := func() ([]byte, error) {
		return []byte{byte('0' + version.Add(1))}, nil
	}
	// Windows wide enough for a loaded machine: the test sleeps through
	// the fresh one only.
	const ttl, ahead = 3 * time.Second, 2500 * time.Millisecond

	v, err := c.RefreshAheadBytes("k", ttl, ahead, load)
	if err != nil || string(v) != "1" {
		t.Fatalf("miss = %q, %v", v, err)
	}
	// Fresh: hits do not refresh.
	v, _ = c.RefreshAheadBytes("k", ttl, ahead, load)
	c.shared.refreshes.Wait()
	if string(v) != "1" || version.Load() != 1 {
		t.Fatalf("fresh hit = %q after %d loads", v, version.Load())
	}
	// In the refresh window: the old value is served, a refresh runs.
	time.Sleep(ttl - ahead + 20*time.Millisecond)
	v, _ = c.RefreshAheadBytes("k", ttl, ahead, load)
	if string(v) != "1" {
		t.Fatalf("hit in refresh window = %q, want the cached value", v)
	}
	c.shared.refreshes.Wait()
	if got, _, _ := c.GetBytes("k"); string(got) != "2" {
		t.Fatalf("after background refresh the value is %q, want 2", got)
	}
}

func TestRefreshAheadRunsOneBackgroundRefreshPerKey(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache(NewMemoryStore(ctx))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// refreshAhead >= ttl puts every hit in the refresh window.
	const ttl = time.Minute
	_, err := c.RefreshAheadBytes("k", ttl, ttl, func() ([]byte, error) { return []byte("v"), nil })
	must(err)

	var running, peak, calls atomic.Int32
	release := make(chan struct{})
	slow := func() ([]byte, error) {
		calls.Add(1)
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		return []byte("v2"), nil
	}
	for range 50 {
		v, err := c.RefreshAheadBytes("k", ttl, ttl, slow)
		must(err)
		if string(v) != "v" {
			t.Fatalf("hit during refresh = %q", v)
		}
	}
	close(release)
	c.shared.refreshes.Wait()
	if peak.Load() != 1 || calls.Load() != 1 {
		t.Fatalf("background loads: %d calls, %d at once; want 1 and 1", calls.Load(), peak.Load())
	}
	c.shared.mu.Lock()
	left := len(c.shared.refreshing)
	c.shared.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d refreshes still registered after completion", left)
	}
}

func TestBackgroundRefreshesAreBounded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache(NewMemoryStore(ctx))
	release := make(chan struct{})
	var calls atomic.Int32
	const ttl = time.Minute
	for i := range MaxBackgroundRefreshes * 2 {
		key := string(rune('a' + i))
		if _, err := c.RefreshAheadBytes(key, ttl, ttl, func() ([]byte, error) { return []byte("v"), nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := c.RefreshAheadBytes(key, ttl, ttl, func() ([]byte, error) {
			calls.Add(1)
			<-release
			return []byte("v"), nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	c.shared.mu.Lock()
	inFlight := len(c.shared.refreshing)
	c.shared.mu.Unlock()
	close(release)
	c.shared.refreshes.Wait()
	if inFlight != MaxBackgroundRefreshes || calls.Load() != MaxBackgroundRefreshes {
		t.Fatalf("%d refreshes in flight, %d loads; want both %d", inFlight, calls.Load(), MaxBackgroundRefreshes)
	}
}

func TestRefreshAheadTyped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache(NewMemoryStore(ctx))
	type summary struct{ Text string }
	s, err := RefreshAhead(c, "k", time.Minute, time.Second, func() (summary, error) { return summary{"ok"}, nil })
	if err != nil || s.Text != "ok" {
		t.Fatalf("RefreshAhead = %v, %v", s, err)
	}
	s, err = RefreshAhead(c, "k", time.Minute, time.Second, func() (summary, error) { return summary{"reloaded"}, nil })
	c.shared.refreshes.Wait()
	if err != nil || s.Text != "ok" {
		t.Fatalf("fresh hit = %v, %v; want the cached value", s, err)
	}
}

// TestPanickingObserverDoesNotKillBackgroundRefresh checks that an
// observer panicking on the goroutine of a background refresh neither
// ends the process nor keeps the refresh from completing and releasing
// its slot.
func TestPanickingObserverDoesNotKillBackgroundRefresh(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reported atomic.Int32
	c := NewCache(NewMemoryStore(ctx)).WithObserver(ObserverFunc(func(_ context.Context, e CacheOpEvent) {
		if e.Operation == "refresh_background" {
			reported.Add(1)
			panic("bad observer")
		}
	}))
	const ttl = time.Minute
	if _, err := c.RefreshAheadBytes("k", ttl, ttl, func() ([]byte, error) { return []byte("v1"), nil }); err != nil {
		t.Fatal(err)
	}
	// refreshAhead >= ttl: this hit starts a background refresh.
	if _, err := c.RefreshAheadBytes("k", ttl, ttl, func() ([]byte, error) { return []byte("v2"), nil }); err != nil {
		t.Fatal(err)
	}
	c.shared.refreshes.Wait()
	if reported.Load() != 1 {
		t.Fatalf("observer saw %d background refreshes, want 1", reported.Load())
	}
	if v, _, _ := c.GetBytes("k"); string(v) != "v2" {
		t.Fatalf("after the refresh the value is %q, want v2", v)
	}
	c.shared.mu.Lock()
	left := len(c.shared.refreshing)
	c.shared.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d refreshes still registered", left)
	}
}
