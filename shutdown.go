package groupcache

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Leaving reports whether Shutdown has begun. A readiness check returns
// failure from then on, so that a load balancer stops sending clients.
func (p *HTTPPool) Leaving() bool { return p.members.leaving.Load() }

// Shutdown takes the pool out of its cluster without losing keys, in this
// order:
//
//  1. It marks the pool as leaving (see Leaving) and ignores later lists
//     from the sources that Discover runs.
//  2. It tells each such source that implements Leaver that this peer
//     leaves, so that the other peers drop it from their rings.
//  3. It keeps serving, as the owner of its keys, for the longest
//     DiscoverOptions.Settle of those sources, while the other peers
//     still send it their requests; then it drops itself from its own
//     ring, so that its own Gets go to the keys' new owners.
//  4. It keeps answering peer requests, the new owners' warm handovers
//     among them, until none has come for the longest
//     DiscoverOptions.DrainQuiet (DefaultDrainQuiet without Discover).
//  5. It makes the calls of Discover return nil and closes idle
//     connections.
//
// ctx bounds the whole: when it ends, Shutdown does the last two steps
// at once and returns ctx's error, joined with any error from a source's
// Leave. The caller then stops its http.Server with Server.Shutdown,
// which lets the requests in flight, and the loads they wait for, finish.
// A second call returns ErrPoolShutdown.
func (p *HTTPPool) Shutdown(ctx context.Context) error {
	m := &p.members
	if !m.leaving.CompareAndSwap(false, true) {
		return ErrPoolShutdown
	}
	m.mu.Lock()
	var sources []PeerSource
	var settle, quiet time.Duration
	for run := range m.running {
		sources = append(sources, run.src)
		settle = max(settle, run.settle)
		quiet = max(quiet, run.quiet)
	}
	if quiet == 0 {
		quiet = DefaultDrainQuiet
	}
	if m.closed == nil {
		m.closed = make(chan struct{})
	}
	closed := m.closed
	m.mu.Unlock()

	var errs []error
	for _, src := range sources {
		if l, ok := src.(Leaver); ok {
			timeout := 5 * time.Second
			if d, ok := ctx.Deadline(); ok {
				timeout = min(timeout, time.Until(d))
			}
			if err := l.Leave(timeout); err != nil {
				errs = append(errs, fmt.Errorf("groupcache: leaving: %w", err))
			}
		}
	}
	if err := p.drain(ctx, settle, quiet); err != nil {
		errs = append(errs, err)
	}
	close(closed) // Discover returns
	p.CloseIdleConnections()
	return errors.Join(errs...)
}

// ErrPoolShutdown is returned by a second call of HTTPPool.Shutdown.
var ErrPoolShutdown = errors.New("groupcache: pool already shut down")

// drain waits for settle, drops this process from its ring, and waits
// until no peer request has come for quiet, or until ctx is done.
func (p *HTTPPool) drain(ctx context.Context, settle, quiet time.Duration) error {
	if settle > 0 {
		t := time.NewTimer(settle)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	p.leaveRing()
	tick := time.NewTicker(quiet / 10)
	defer tick.Stop()
	last, quietSince := p.members.served.Load(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-tick.C:
			if n := p.members.served.Load(); n != last {
				last, quietSince = n, now
			} else if now.Sub(quietSince) >= quiet {
				return nil
			}
		}
	}
}

// leaveRing drops this process from its own ring, keeping the others, so
// that it owns no keys; a ring of this process alone is kept.
func (p *HTTPPool) leaveRing() {
	r := p.ring.Load()
	if r == nil {
		return
	}
	others := make([]string, 0, len(r.getters))
	for url := range r.getters {
		if url != p.self {
			others = append(others, url)
		}
	}
	if len(others) > 0 {
		p.setRing(others, handoverConfig{})
	}
}
