package bench

import (
	"errors"
	"sync"
	"sync/atomic"
)

// errValueSize is returned when a Get returns a value of the wrong size.
var errValueSize = errors.New("bench: value of the wrong size")

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
