package cache

import (
	"context"
	"testing"
	"time"
)

func TestMemoryJanitorSweepsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s := newMemoryStore(ctx, 5*time.Millisecond)
	if err := s.Set(ctx, "short", []byte("v"), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "long", []byte("v"), time.Hour); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		s.mu.RLock()
		n := len(s.entries)
		s.mu.RUnlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("janitor left %d entries, want only the unexpired one", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case <-s.janitorDone:
	case <-time.After(2 * time.Second):
		t.Fatal("janitor still running after its context ended")
	}
	// The store keeps serving after the janitor stopped.
	if v, found, err := s.Get(context.Background(), "long"); err != nil || !found || string(v) != "v" {
		t.Fatalf("Get after janitor stop = %q, %v, %v", v, found, err)
	}
}
