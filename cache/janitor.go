package cache

import (
	"context"
	"runtime"
	"time"
)

// startJanitor calls sweep every interval on a new goroutine until ctx is
// done or owner becomes unreachable, then calls stop, if not nil, on that
// goroutine. It returns a channel closed when the goroutine has returned.
//
// Stopping with the owner lets a store that is dropped without a Close
// release its goroutine and, through it, its data. For that, neither sweep
// nor stop may reference owner: they get the state the owner shares with
// them instead.
func startJanitor[T any](ctx context.Context, owner *T, interval time.Duration, sweep, stop func()) <-chan struct{} {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithCancel(ctx)
	runtime.AddCleanup(owner, func(cancel context.CancelFunc) { cancel() }, cancel)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if stop != nil {
			defer stop()
		}
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				sweep()
			}
		}
	}()
	return done
}
