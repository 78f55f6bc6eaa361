package singleflight

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDo(t *testing.T) {
	var g Group
	v, err := g.Do("key", func() (interface{}, error) { return "bar", nil })
	if v != "bar" || err != nil {
		t.Errorf("Do = %v, %v; want bar, nil", v, err)
	}
}

func TestDoErr(t *testing.T) {
	var g Group
	want := errors.New("boom")
	v, err := g.Do("key", func() (interface{}, error) { return nil, want })
	if err != want || v != nil {
		t.Errorf("Do = %v, %v; want nil, %v", v, err, want)
	}
}

func TestDoDeduplicatesConcurrentCalls(t *testing.T) {
	var g Group
	var calls atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{})
	fn := func() (interface{}, error) {
		if calls.Add(1) == 1 {
			close(entered)
		}
		<-release
		return "shared", nil
	}

	// Start the leader and wait until it is inside fn, so that the
	// followers started next are certain to find its call in flight.
	const followers = 10
	results := make(chan interface{}, followers+1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		v, _ := g.Do("key", fn)
		results <- v
	}()
	<-entered
	for i := 0; i < followers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _ := g.Do("key", fn)
			results <- v
		}()
	}
	// Followers cannot signal that they are waiting, so give them time to
	// block; a follower that arrives late would call fn a second time and
	// fail the count below, so the delay only has to be generous.
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	close(results)

	if n := calls.Load(); n != 1 {
		t.Errorf("fn called %d times, want 1", n)
	}
	for v := range results {
		if v != "shared" {
			t.Errorf("a caller got %v, want shared", v)
		}
	}
}

func TestDistinctKeysDoNotWait(t *testing.T) {
	var g Group
	release := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.Do("slow", func() (interface{}, error) { <-release; return nil, nil })
	}()
	v, err := g.Do("fast", func() (interface{}, error) { return 1, nil })
	close(release)
	<-done
	if v != 1 || err != nil {
		t.Errorf("Do(fast) = %v, %v; want 1, nil", v, err)
	}
}

func TestResultsAreNotCached(t *testing.T) {
	var g Group
	n := 0
	for i := 1; i <= 3; i++ {
		v, _ := g.Do("key", func() (interface{}, error) { n++; return n, nil })
		if v != i {
			t.Fatalf("call %d returned %v: an earlier result was reused", i, v)
		}
	}
}

func TestPanicDoesNotBlockKey(t *testing.T) {
	var g Group
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic in fn was not propagated to the caller")
			}
		}()
		g.Do("key", func() (interface{}, error) { panic("fn failed") })
	}()

	done := make(chan interface{})
	go func() {
		v, _ := g.Do("key", func() (interface{}, error) { return "recovered", nil })
		done <- v
	}()
	select {
	case v := <-done:
		if v != "recovered" {
			t.Errorf("Do after panic = %v, want recovered", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Do after a panicking call is stuck")
	}
}
