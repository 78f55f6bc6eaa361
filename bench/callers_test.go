package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/seed3c1b93bc/groupcache/bench/internal/peerproc"
)

// errValueSize is returned when a Get returns a value of the wrong size.
var errValueSize = errors.New("bench: value of the wrong size")

// getPeerValue gets key, one of peerKeys, through client and checks that
// its value is as long as the peers make every value.
func getPeerValue(ctx context.Context, client Client, key string) error {
	n, err := client.GetView(ctx, key)
	if err == nil && n != peerproc.ValueSize {
		err = fmt.Errorf("%w: %d bytes, want %d", errValueSize, n, peerproc.ValueSize)
	}
	return err
}

// runCallers calls fn(i) for every i in [0, n) from callers goroutines at
// once, each taking the next i as it finishes the last. It returns the
// first error; the callers then stop taking work.
func runCallers(callers, n int, fn func(i int) error) error {
	var (
		next     atomic.Int64
		failed   atomic.Bool
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errOnce.Do(func() { firstErr = err })
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}
