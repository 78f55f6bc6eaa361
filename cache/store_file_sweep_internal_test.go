package cache

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestFileSweepPassIsBounded checks that one sweeper pass examines at most
// fileSweepBatch files and that successive passes cover the directory.
func TestFileSweepPassIsBounded(t *testing.T) {
	ctx := context.Background()
	s := &fileStore{fileDir: &fileDir{dir: t.TempDir(), skipSync: true}}
	const n = 2*fileSweepBatch + fileSweepBatch/2
	for i := range n {
		noErr(t, s.Set(ctx, strconv.Itoa(i), []byte("v"), time.Millisecond))
	}
	time.Sleep(5 * time.Millisecond)
	count := func() int {
		des, err := os.ReadDir(s.dir)
		noErr(t, err)
		n := 0
		for _, de := range des {
			if isEntryName(de.Name()) {
				n++
			}
		}
		return n
	}
	sw := &fileSweeper{d: s.fileDir}
	defer sw.close()
	// A pass examines lock files too, so it may remove fewer entries than
	// it examines, never more.
	prev := n
	for _, atLeast := range []int{n - fileSweepBatch, n - 2*fileSweepBatch, 0} {
		sw.pass()
		got := count()
		if got < atLeast || got >= prev {
			t.Fatalf("%d entries after a pass over %d, want at least %d and fewer than before", got, prev, atLeast)
		}
		prev = got
	}
	if prev != 0 {
		t.Fatalf("%d entries left after a round", prev)
	}
	if sw.listing != nil {
		t.Fatal("the listing stays open after the round ended")
	}
}
