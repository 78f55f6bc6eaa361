package groupcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pastDeadlineContext is a context whose deadline has passed but whose
// timer has not fired yet: Err is still nil. A request whose connection
// deadline is the caller's returns in that state, before the context's
// own timer has marked it done.
type pastDeadlineContext struct{ context.Context }

func (pastDeadlineContext) Deadline() (time.Time, bool) {
	return time.Now().Add(-time.Millisecond), true
}

func TestWaiterTakesOverWhenLeaderDeadlinePassedBeforeItsTimer(t *testing.T) {
	var calls atomic.Int64
	joined := make(chan struct{})
	g := NewRegistry().NewGroup("g", 1<<20, GetterFunc(func(ctx context.Context, key string, dest Sink) error {
		if calls.Add(1) == 1 {
			<-joined
			// As a peer request does when the caller's deadline cut
			// its connection short.
			return context.DeadlineExceeded
		}
		return dest.SetString("v")
	}))
	leaderDone := make(chan error, 1)
	go func() {
		var s string
		leaderDone <- g.Get(pastDeadlineContext{context.Background()}, "k", StringSink(&s))
	}()
	waitFor(t, func() bool { return calls.Load() == 1 })
	waiterDone := make(chan string, 1)
	go func() {
		var s string
		if err := g.Get(context.Background(), "k", StringSink(&s)); err != nil {
			s = "error: " + err.Error()
		}
		waiterDone <- s
	}()
	waitFor(t, func() bool { return g.Stats.Loads.Get() == 2 })
	close(joined)
	if err := within(t, leaderDone); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("leader got %v; want its own context.DeadlineExceeded", err)
	}
	if s := within(t, waiterDone); s != "v" {
		t.Fatalf("waiter with no deadline got %q; want the value from a load of its own", s)
	}
}

// TestWaiterWithoutDeadlineNeverGetsLeaderDeadline is the case above as it
// happens: leaders with a short deadline ask a silent owner, and their
// requests end at that deadline, often before the contexts' timers fire.
// Waiters with no deadline must take the loads over, every time.
func TestWaiterWithoutDeadlineNeverGetsLeaderDeadline(t *testing.T) {
	checkLeaks(t)
	const tries = 100
	url, _ := startSilent(t, true)
	asker := startCluster(t, 1, 1<<20, &HTTPPoolOptions{PeerTimeout: 100 * time.Millisecond}, nil).peers[0]
	asker.pool.Set(asker.url, url)
	t.Cleanup(asker.pool.CloseIdleConnections)
	keys := keysOwnedByPeer(t, asker.pool, url, tries)
	var failed atomic.Int64
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(2)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			var s string
			asker.group.Get(ctx, k, StringSink(&s))
		}()
		go func() {
			defer wg.Done()
			time.Sleep(2 * time.Millisecond) // let the short one lead
			var s string
			if err := asker.group.Get(context.Background(), k, StringSink(&s)); err != nil || s != "v:"+k {
				failed.Add(1)
				t.Logf("Get(%q) with no deadline = %q, %v", k, s, err)
			}
		}()
	}
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Fatalf("%d of %d callers with no deadline failed", n, tries)
	}
}

// TestWaitersInheritAbandonedLoadsInArrivalOrder keeps 64 callers with a
// short deadline asking for a key whose load outlasts it, so that every
// load they lead is abandoned, while one caller with no deadline asks for
// the key again and again. The patient caller must get the value every
// time: it inherits the load before callers that came after it. And no
// caller may get a context error that is not its own.
func TestWaitersInheritAbandonedLoadsInArrivalOrder(t *testing.T) {
	const (
		impatient = 64
		gets      = 50
		shortWait = 5 * time.Millisecond
		loadTime  = 20 * time.Millisecond
	)
	// Nothing is cached, so that every Get loads. The load checks its
	// context only when its work is done, as a Getter whose source
	// takes no context does.
	g := NewRegistry().NewGroup("g", 0, GetterFunc(func(ctx context.Context, key string, dest Sink) error {
		time.Sleep(loadTime)
		if err := ctx.Err(); err != nil {
			return err
		}
		return dest.SetString("v")
	}))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var foreign atomic.Int64
	var firstForeign atomic.Value
	for range impatient {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), shortWait)
				var s string
				err := g.Get(ctx, "k", StringSink(&s))
				if err != nil && callerGaveUp(ctx) == nil {
					foreign.Add(1)
					firstForeign.CompareAndSwap(nil, err.Error())
				}
				cancel()
			}
		}()
	}
	failed := 0
	deadline := time.Now().Add(20 * time.Second)
	done := 0
	for ; done < gets && time.Now().Before(deadline); done++ {
		var s string
		if err := g.Get(context.Background(), "k", StringSink(&s)); err != nil || s != "v" {
			if failed == 0 {
				t.Logf("first failure: Get = %q, %v", s, err)
			}
			failed++
		}
	}
	close(stop)
	wg.Wait()
	if failed != 0 || done != gets {
		t.Errorf("the caller with no deadline failed %d of %d Gets (%d done in time)", failed, gets, done)
	}
	if n := foreign.Load(); n != 0 {
		t.Errorf("%d Gets with a deadline still ahead returned an error, the first %v", n, firstForeign.Load())
	}
}
