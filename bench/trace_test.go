package bench

import (
	"os"
	"testing"
)

// TestReplayMeetsTheFloor replays the smallest shared trace, gli, and the
// loop trace through our main cache and checks the hit ratio against the
// floor of each row (a point below the better of LRU and S3-FIFO) and, for
// the loop, that frequency survives a loop larger than the cache, where
// LRU, SIEVE and S3-FIFO hit nothing. The traces live beside the checkout
// (see TracesDir); without them the test is skipped, except in CI, where
// they must be there.
func TestReplayMeetsTheFloor(t *testing.T) {
	dir, err := TracesDir()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the shared traces are missing in CI: %v", err)
		}
		t.Skipf("no shared traces: %v", err)
	}
	for _, c := range TraceCases {
		if c.Trace != "gli" && c.Trace != "loop" {
			continue
		}
		keys, err := ReadTrace(dir, c.Trace)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Replay(Ours, keys, c.Capacity)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s at %d entries: %.2f%% (LRU %.2f, S3-FIFO %.2f, W-TinyLFU %.2f)", c.Trace, c.Capacity, got, c.LRU, c.S3FIFO, c.WTinyLFU)
		if got < c.Floor() {
			t.Errorf("%s at %d entries: hit ratio %.2f%%, below the floor of %.2f%%", c.Trace, c.Capacity, got, c.Floor())
		}
		if c.Trace == "loop" && got < 40 {
			t.Errorf("loop at %d entries: hit ratio %.2f%%; want at least 40%%, part of the loop kept", c.Capacity, got)
		}
	}
}
