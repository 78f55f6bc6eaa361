package groupcache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// A PeerSource reports the base URLs of a pool's peers.
type PeerSource interface {
	// Watch calls update with the complete current list whenever it changes, until ctx is done or a fatal error; it returns ctx.Err() when ctx ends.
	Watch(ctx context.Context, update func(peers []string)) error
}

// A Leaver is a PeerSource that can tell the other peers that this one is
// leaving, such as a gossip membership (discovery/memberlist). Shutdown
// calls Leave on each source that Discover runs, before it drains.
type Leaver interface {
	// Leave announces that this peer is leaving and waits at most
	// timeout for the announcement to spread.
	Leave(timeout time.Duration) error
}

const (
	// DefaultSettle is how long a peer must stay missing from a source's
	// lists before Discover removes it from the ring, when
	// DiscoverOptions.Settle is zero.
	DefaultSettle = 5 * time.Second

	// DefaultHandoverWindow is how long after a ring change a key's new
	// owner asks the key's previous owner for its copy before loading
	// it, when DiscoverOptions.HandoverWindow is zero.
	DefaultHandoverWindow = time.Minute

	// DefaultHandoverTimeout bounds each request of a warm handover when
	// DiscoverOptions.HandoverTimeout is zero.
	DefaultHandoverTimeout = time.Second

	// DefaultDrainQuiet is how long a leaving pool waits without peer
	// requests before Shutdown returns, when DiscoverOptions.DrainQuiet
	// is zero, or when the pool runs no Discover.
	DefaultDrainQuiet = 2 * time.Second
)

// ErrSourceStopped is returned, wrapped, by Discover when its source's
// Watch returned without an error before Discover's context ended.
var ErrSourceStopped = errors.New("groupcache: peer source stopped watching")

// DiscoverOptions tune how Discover applies a source's lists to the ring.
// Every zero value selects the default. Peers of one cluster should use the
// same options: a leaving peer drains for its own Settle, expecting the
// others to remove it after theirs.
type DiscoverOptions struct {
	// Settle is how long a peer must stay missing from the source's
	// lists before it leaves the ring, so that a peer that drops out of
	// one list and is back in the next (a flapping health check, a DNS
	// answer missing a record) moves no keys. Peers that appear are
	// added at once: a new peer does no harm before it owns keys, and
	// waiting would only delay its share of the load. Zero means
	// DefaultSettle; negative means removals apply at once.
	Settle time.Duration

	// HandoverWindow is how long after each change of the ring a key's
	// new owner, on a miss, first asks the key's previous owner for its
	// cached copy, and only then runs the Getter: a rolling deploy then
	// loads each key about once. Zero means DefaultHandoverWindow;
	// negative turns warm handover off.
	HandoverWindow time.Duration

	// HandoverTimeout bounds each such request: a previous owner that
	// is slow or gone costs a miss at most this much once, and is not
	// asked again within the window. Zero means DefaultHandoverTimeout.
	HandoverTimeout time.Duration

	// DrainQuiet is how long a pool that Shutdown takes out of the
	// cluster must have answered no peer request, the new owners'
	// handovers included, before it takes itself as drained. Keys no one
	// asks for within it are loaded again by their new owners. Zero
	// means DefaultDrainQuiet.
	DrainQuiet time.Duration
}

func (o *DiscoverOptions) settle() time.Duration {
	switch {
	case o.Settle == 0:
		return DefaultSettle
	case o.Settle < 0:
		return 0
	}
	return o.Settle
}

func (o *DiscoverOptions) handover() handoverConfig {
	c := handoverConfig{window: o.HandoverWindow, timeout: o.HandoverTimeout}
	if c.window == 0 {
		c.window = DefaultHandoverWindow
	}
	if c.timeout <= 0 {
		c.timeout = DefaultHandoverTimeout
	}
	return c
}

// MembershipStats count what Discover did with the lists its sources
// reported. Every field only grows.
type MembershipStats struct {
	Updates      int64 // lists received from sources
	Changes      int64 // changes of the ring applied
	Added        int64 // peers added to the ring
	Removed      int64 // peers removed from the ring, after they settled
	EmptyIgnored int64 // empty lists ignored: applying one would make every key local
	Damped       int64 // peers that went missing and came back before they settled, moving no keys

	HandoverHits   int64 // keys a new owner got from their previous owner instead of loading them
	HandoverMisses int64 // previous owners asked that had no copy
	HandoverErrors int64 // previous owners that failed to answer, and were not asked again within the window
}

// membership is what an HTTPPool keeps for Discover and Shutdown.
type membership struct {
	updates, changes, added, removed, emptyIgnored, damped atomic.Int64

	handover handoverStats

	served  atomic.Int64 // peer requests answered, for Shutdown to see them stop
	leaving atomic.Bool  // Shutdown began

	mu      sync.Mutex
	running map[*discoverRun]struct{} // guarded by mu
	closed  chan struct{}             // closed when Shutdown has drained; guarded by mu
}

// A discoverRun is one call of Discover in progress.
type discoverRun struct {
	src    PeerSource
	settle time.Duration
	quiet  time.Duration
}

// MembershipStats returns the counts of what Discover did, summed over
// every call.
func (p *HTTPPool) MembershipStats() MembershipStats {
	m := &p.members
	return MembershipStats{
		Updates:      m.updates.Load(),
		Changes:      m.changes.Load(),
		Added:        m.added.Load(),
		Removed:      m.removed.Load(),
		EmptyIgnored: m.emptyIgnored.Load(),
		Damped:       m.damped.Load(),

		HandoverHits:   m.handover.hits.Load(),
		HandoverMisses: m.handover.misses.Load(),
		HandoverErrors: m.handover.errors.Load(),
	}
}

// Discover runs src and applies the lists it reports to the pool's ring,
// with the default DiscoverOptions, until ctx is done; see DiscoverOpts.
func (p *HTTPPool) Discover(ctx context.Context, src PeerSource) error {
	return p.DiscoverOpts(ctx, src, nil)
}

// DiscoverOpts runs src and applies the lists it reports to the pool's
// ring until ctx is done, when it returns ctx.Err(); until src fails,
// when it returns src's error; or until Shutdown has drained the pool,
// when it returns nil. o may be nil.
//
// Whatever the source reports, this process stays in its own ring; an
// empty list is ignored (counted in MembershipStats.EmptyIgnored), since
// it would make every key local during a blip of the source; a peer
// that appears is added at once; and one that goes missing is removed
// only after it has stayed missing for o.Settle. Each change of the ring
// is counted and logged through HTTPPoolOptions.Logger. After a change,
// the new owner of a key asks its previous owner for a copy before
// running the Getter (see DiscoverOptions.HandoverWindow).
//
// Run one Discover per pool; Set may still be called, but the next change
// Discover applies replaces its list.
func (p *HTTPPool) DiscoverOpts(ctx context.Context, src PeerSource, o *DiscoverOptions) error {
	if o == nil {
		o = &DiscoverOptions{}
	}
	run := &discoverRun{src: src, settle: o.settle(), quiet: o.DrainQuiet}
	if run.quiet <= 0 {
		run.quiet = DefaultDrainQuiet
	}
	closed := p.members.register(run)
	defer p.members.unregister(run)

	lists := make(chan []string, 1)
	watchCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	watched := make(chan error, 1)
	go func() {
		watched <- src.Watch(watchCtx, func(peers []string) {
			peers = slices.Clone(peers)
			// Only the latest list matters: replace one not yet taken.
			select {
			case <-lists:
			default:
			}
			lists <- peers
		})
	}()

	d := newDamper(p.self, run.settle)
	handover := o.handover()
	var timer *time.Timer
	var timerC <-chan time.Time
	for {
		var apply []string
		select {
		case peers := <-lists:
			p.members.updates.Add(1)
			if len(peers) == 0 {
				p.members.emptyIgnored.Add(1)
				p.logMembership(slog.LevelWarn, "groupcache: peer source reported no peers; keeping the ring", nil)
				continue
			}
			apply = d.update(peers, time.Now())
		case <-timerC:
			timerC = nil
			apply = d.update(nil, time.Now())
		case err := <-watched:
			if err == nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				err = ErrSourceStopped
			}
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return err
			}
			return fmt.Errorf("groupcache: peer source: %w", err)
		case <-closed:
			return nil
		}
		p.members.damped.Add(d.takeDamped())
		if apply != nil && !p.members.leaving.Load() {
			p.applyDiscovered(apply, handover)
		}
		if next, ok := d.nextDeadline(); ok {
			if timer == nil {
				timer = time.NewTimer(time.Until(next))
				defer timer.Stop()
			} else {
				timer.Reset(time.Until(next))
			}
			timerC = timer.C
		}
	}
}

func (m *membership) register(run *discoverRun) <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running == nil {
		m.running = make(map[*discoverRun]struct{})
		m.closed = make(chan struct{})
	}
	m.running[run] = struct{}{}
	return m.closed
}

func (m *membership) unregister(run *discoverRun) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.running, run)
}

// applyDiscovered makes peers the ring, counting and logging the change.
func (p *HTTPPool) applyDiscovered(peers []string, handover handoverConfig) {
	added, removed := p.setRing(peers, handover)
	if added == 0 && removed == 0 {
		return
	}
	p.members.changes.Add(1)
	p.members.added.Add(int64(added))
	p.members.removed.Add(int64(removed))
}

// logMembership logs a line about discovery, at most one per LogInterval.
func (p *HTTPPool) logMembership(level slog.Level, msg string, attrs []slog.Attr) {
	logger := p.opts.Logger
	if logger == nil {
		return
	}
	ok, suppressed := p.logLimit.allow("membership "+msg, p.opts.LogInterval)
	if !ok {
		return
	}
	if suppressed > 0 {
		attrs = append(attrs, slog.Int("suppressed", suppressed))
	}
	logger.LogAttrs(context.Background(), level, msg, attrs...)
}

// A damper turns the lists a source reports into the lists to apply: self
// always in, additions at once, removals after they settle. It is not
// safe for concurrent use; times are passed in, so tests need no clock.
type damper struct {
	self    string
	settle  time.Duration
	applied []string             // the list last returned, sorted; nil before the first
	seen    map[string]bool      // the source's latest list
	missing map[string]time.Time // applied peers absent from seen, since when
	damped  int64                // peers that came back before settling, not yet taken
}

func newDamper(self string, settle time.Duration) *damper {
	return &damper{self: self, settle: settle, missing: make(map[string]time.Time)}
}

// update takes the source's latest list, or nil to re-check the pending
// removals, at time now, and returns the list to apply, or nil if the
// ring need not change.
func (d *damper) update(peers []string, now time.Time) []string {
	if peers != nil {
		d.seen = make(map[string]bool, len(peers)+1)
		for _, p := range peers {
			d.seen[p] = true
		}
		d.seen[d.self] = true
	}
	if d.seen == nil {
		return nil
	}
	next := make([]string, 0, len(d.seen)+len(d.missing))
	for p := range d.seen {
		next = append(next, p)
		if _, ok := d.missing[p]; ok {
			delete(d.missing, p)
			d.damped++
		}
	}
	for _, p := range d.applied {
		if d.seen[p] {
			continue
		}
		since, ok := d.missing[p]
		if !ok {
			since = now
			d.missing[p] = now
		}
		if now.Sub(since) < d.settle {
			next = append(next, p) // not settled yet: keep it
		} else {
			delete(d.missing, p)
		}
	}
	slices.Sort(next)
	if d.applied != nil && slices.Equal(next, d.applied) {
		return nil
	}
	d.applied = next
	return next
}

// nextDeadline returns when the earliest pending removal settles.
func (d *damper) nextDeadline() (time.Time, bool) {
	var next time.Time
	for _, since := range d.missing {
		if t := since.Add(d.settle); next.IsZero() || t.Before(next) {
			next = t
		}
	}
	return next, !next.IsZero()
}

// takeDamped returns the count of damped flaps since the last call.
func (d *damper) takeDamped() int64 {
	n := d.damped
	d.damped = 0
	return n
}

// StaticPeers is a PeerSource whose list never changes: Watch reports it
// once and waits for its context. It lets a fixed list go through the
// same path as a discovered one.
type StaticPeers []string

// Watch implements PeerSource.
func (s StaticPeers) Watch(ctx context.Context, update func(peers []string)) error {
	update(slices.Clone(s))
	<-ctx.Done()
	return ctx.Err()
}
