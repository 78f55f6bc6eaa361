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
	s := &fileStore{fileDir: &fileDir{dir: t.TempDir()}}
	const n = 2*fileSweepBatch + fileSweepBatch/2
	for i := range n {
		noErr(t, s.Set(ctx, strconv.Itoa(i), []byte("v"), time.Millisecond))
	}
	time.Sleep(5 * time.Millisecond)
	count := func() int {
		des, err := os.ReadDir(s.dir)
		noErr(t, err)
		return len(des)
	}
	sw := &fileSweeper{d: s.fileDir}
	defer sw.close()
	for _, want := range []int{n - fileSweepBatch, n - 2*fileSweepBatch, 0} {
		sw.pass()
		if got := count(); got != want {
			t.Fatalf("%d files after a pass, want %d", got, want)
		}
	}
	if sw.listing != nil {
		t.Fatal("the listing stays open after the round ended")
	}
}
