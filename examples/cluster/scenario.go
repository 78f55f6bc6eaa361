package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// dbDelay is how long each Getter run takes: long enough to stand out
// next to a cache hit, short enough that the demo ends in about a second.
const dbDelay = 100 * time.Millisecond

// A demo is the cluster the scenario runs on, and a record of what each
// step did, so that tests can check it.
type demo struct {
	w     io.Writer
	peers []*peer
	loads *loadLog

	keys      []string // asked from every peer, in rounds 1 and 2
	herdKey   string   // asked by many callers on every peer at once
	hotKey    string   // asked over and over by hotPeer
	hotPeer   *peer    // a peer that does not own hotKey
	hotTrips  int      // Gets of hotKey that hotPeer sent to the owner
	hotLater  int      // of the 10 Gets after those, the ones sent to the owner
	failKey   string   // asked after its owner, down, stopped
	down      *peer
	failCalls int // Gets of failKey, one by each peer still up
}

// runDemo starts a three-peer cluster, walks it through the scenario while
// printing what happens to w, and shuts the cluster down.
func runDemo(ctx context.Context, w io.Writer) (*demo, error) {
	return runDemoLinger(ctx, w, 0)
}

// runDemoLinger is runDemo, keeping the cluster up for linger after the
// scenario, or until ctx ends, so that a person can look at the peers'
// status pages.
func runDemoLinger(ctx context.Context, w io.Writer, linger time.Duration) (*demo, error) {
	loads := newLoadLog()
	peers, err := startCluster(3, dbDelay, loads)
	if err != nil {
		return nil, err
	}
	d := &demo{
		w:       w,
		peers:   peers,
		loads:   loads,
		keys:    []string{"alice", "bob", "carol", "dave", "erin"},
		herdKey: "frank",
		hotKey:  "grace",
		failKey: "heidi",
	}
	err = d.run(ctx)
	if err == nil && linger > 0 {
		fmt.Fprintf(w, "\nThe peers stay up for %v: open their status pages (/status) in a browser.\n", linger)
		t := time.NewTimer(linger)
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		t.Stop()
	}
	for _, p := range peers {
		err = errors.Join(err, p.stop(ctx))
	}
	return d, err
}

func (d *demo) run(ctx context.Context) error {
	fmt.Fprintf(d.w, "%d peers in one process, group %q, Getter = a %v database query\n", len(d.peers), groupName, dbDelay)
	for _, p := range d.peers {
		fmt.Fprintf(d.w, "  %s  %s  (status page: %s/status)\n", p.name, p.url, p.url)
	}
	for _, step := range []func(context.Context) error{d.rounds, d.herd, d.hot, d.failover} {
		fmt.Fprintln(d.w)
		if err := step(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintln(d.w)
	d.printStats()
	return nil
}

// rounds asks every peer for each of d.keys, twice: first with cold
// caches, then with warm ones.
func (d *demo) rounds(ctx context.Context) error {
	fmt.Fprintln(d.w, "Round 1: every peer asks for each key (a different peer first each time)")
	header := []string{"key", "owner", "Getter ran on"}
	for _, p := range d.peers {
		header = append(header, "Get on "+p.name)
	}
	rows := [][]string{header}
	for i, key := range d.keys {
		owner := ownerOf(d.peers, key)
		took := make([]time.Duration, len(d.peers))
		for j := range d.peers {
			k := (i + j) % len(d.peers)
			var err error
			if took[k], err = d.peers[k].get(ctx, key); err != nil {
				return err
			}
		}
		row := []string{key, owner.name, strings.Join(d.loads.loaders(key), ",")}
		for _, t := range took {
			row = append(row, ms(t))
		}
		rows = append(rows, row)
	}
	printTable(d.w, rows)

	before := d.loads.count()
	var slowest time.Duration
	for _, key := range d.keys {
		for _, p := range d.peers {
			t, err := p.get(ctx, key)
			if err != nil {
				return err
			}
			slowest = max(slowest, t)
		}
	}
	fmt.Fprintf(d.w, "Round 2: the same %d Gets again: the Getter ran %s, the slowest Get took %s\n",
		len(d.keys)*len(d.peers), times(d.loads.count()-before), ms(slowest))
	return nil
}

// herd has many callers on every peer ask for one cold key at once.
func (d *demo) herd(ctx context.Context) error {
	const perPeer = 10
	n := perPeer * len(d.peers)
	fmt.Fprintf(d.w, "Stampede: %d callers ask for %q at once, %d on each peer\n", n, d.herdKey, perPeer)
	start := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for _, p := range d.peers {
		for range perPeer {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := p.get(ctx, d.herdKey)
				errs <- err
			}()
		}
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	took := time.Since(t0)
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	loaders := d.loads.loaders(d.herdKey)
	fmt.Fprintf(d.w, "  the Getter ran %s, on %s (owner: %s); all %d callers had the value after %s\n",
		times(len(loaders)), strings.Join(loaders, ","), ownerOf(d.peers, d.herdKey).name, n, ms(took))
	return nil
}

// hot has a peer that does not own d.hotKey ask for it until it keeps a
// copy in its hot cache, then ask 10 more times.
func (d *demo) hot(ctx context.Context) error {
	owner := ownerOf(d.peers, d.hotKey)
	for _, p := range d.peers {
		if p != owner {
			d.hotPeer = p
			break
		}
	}
	fmt.Fprintf(d.w, "Hot key: %s asks for %q (owner %s) over and over\n", d.hotPeer.name, d.hotKey, owner.name)
	// askOwner gets hotKey on hotPeer and reports whether that took a
	// request to the owner. Nothing else asks the owner meanwhile.
	askOwner := func() (bool, error) {
		before := owner.group.Stats.ServerRequests.Get()
		_, err := d.hotPeer.get(ctx, d.hotKey)
		return owner.group.Stats.ServerRequests.Get() != before, err
	}
	// A peer copies a remote value into its hot cache on about one fetch
	// in ten, so 1000 tries all miss with probability 0.9^1000.
	const maxTries = 1000
	for range maxTries {
		remote, err := askOwner()
		if err != nil {
			return err
		}
		if !remote {
			break
		}
		d.hotTrips++
	}
	if d.hotTrips == maxTries {
		return fmt.Errorf("%s fetched %q from %s %d times without keeping a copy", d.hotPeer.name, d.hotKey, owner.name, maxTries)
	}
	for range 10 {
		remote, err := askOwner()
		if err != nil {
			return err
		}
		if remote {
			d.hotLater++
		}
	}
	fmt.Fprintf(d.w, "  %s fetched it from %s %s, then kept a copy in its hot cache (it copies about 1 fetch in 10);\n",
		d.hotPeer.name, owner.name, times(d.hotTrips))
	fmt.Fprintf(d.w, "  of the next 10 Gets on %s, %d went to %s\n", d.hotPeer.name, d.hotLater, owner.name)
	return nil
}

// failover stops the owner of d.failKey and has every other peer ask for
// it.
func (d *demo) failover(ctx context.Context) error {
	d.down = ownerOf(d.peers, d.failKey)
	if err := d.down.stop(ctx); err != nil {
		return err
	}
	fmt.Fprintf(d.w, "Failure: %s, the owner of %q, shuts down; the other peers ask for %q\n", d.down.name, d.failKey, d.failKey)
	for _, p := range d.peers {
		if p.down {
			continue
		}
		errsBefore := p.group.Stats.PeerErrors.Get()
		loadsBefore := len(d.loads.loaders(d.failKey))
		took, err := p.get(ctx, d.failKey)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		d.failCalls++
		fmt.Fprintf(d.w, "  %s got it in %s: PeerErrors +%d, the Getter ran on %s\n", p.name, ms(took),
			p.group.Stats.PeerErrors.Get()-errsBefore, strings.Join(d.loads.loaders(d.failKey)[loadsBefore:], ","))
	}
	return nil
}

func (d *demo) printStats() {
	fmt.Fprintf(d.w, "Stats of group %q (main/hot: items in the main and hot caches)\n", groupName)
	rows := [][]string{{"peer", "Gets", "CacheHits", "PeerLoads", "PeerErrors", "LocalLoads", "LoadsDeduped", "ServerRequests", "main/hot"}}
	for _, p := range d.peers {
		name := p.name
		if p.down {
			name += " (down)"
		}
		s := &p.group.Stats
		row := []string{name}
		for _, n := range []*groupcache.AtomicInt{&s.Gets, &s.CacheHits, &s.PeerLoads, &s.PeerErrors, &s.LocalLoads, &s.LoadsDeduped, &s.ServerRequests} {
			row = append(row, n.String())
		}
		row = append(row, fmt.Sprintf("%d/%d", p.group.CacheStats(groupcache.MainCache).Items, p.group.CacheStats(groupcache.HotCache).Items))
		rows = append(rows, row)
	}
	printTable(d.w, rows)
}

// printTable prints rows as aligned columns, indented under a step's
// heading.
func printTable(w io.Writer, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		fmt.Fprintf(tw, "  %s\n", strings.Join(row, "\t"))
	}
	tw.Flush()
}

// ms formats d in milliseconds, which suits both cache hits and loads.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

// times says how many times something happened, in words.
func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}
