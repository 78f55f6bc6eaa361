package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/cache"
)

// callersPerPeer is how many goroutines of each peer ask for the cold key
// of the first step at once.
const callersPerPeer = 3

// A demo is the cluster the scenario runs on, and a record of what each
// step saw, so that tests can check it.
type demo struct {
	w     io.Writer
	peers []*peer
	db    *database

	// Step 1: concurrent Remember[User] of a cold key on every peer.
	coldKey        string
	coldGot        map[string][]User // peer name → what its callers got
	coldLoaderRuns atomic.Int32      // runs of Remember's own loader

	// Step 2: Get[User] on every peer.
	readKey string
	readGot map[string]User

	// Step 3: Set[User] on writer, a peer that does not own the key, then
	// Get[User] on every peer.
	writer  *peer
	written User
	setGot  map[string]User

	// Step 4: the row changes, deleter (a peer that does not own it)
	// deletes it, Get[User] everywhere.
	deleter   *peer
	renamed   User
	staleGot  User // what deleter read before its delete
	deleteGot map[string]User

	// Step 5: Remember[string] of a key the database has no row for.
	motdKey        string
	motd           string
	motdGot        map[string]string
	motdLoaderRuns map[string]int // peer name → runs of Remember's loader
}

// runDemo starts a three-peer cluster, walks it through the scenario while
// printing what happens to w, and shuts the cluster down.
func runDemo(ctx context.Context, w io.Writer) (*demo, error) {
	db := newDatabase()
	peers, err := startCluster(3, db)
	if err != nil {
		return nil, err
	}
	d := &demo{
		w:              w,
		peers:          peers,
		db:             db,
		coldKey:        "user:1",
		coldGot:        make(map[string][]User),
		readKey:        "user:2",
		readGot:        make(map[string]User),
		written:        User{ID: 1, Name: "Ada Lovelace"},
		setGot:         make(map[string]User),
		renamed:        User{ID: 2, Name: "Grace Hopper"},
		deleteGot:      make(map[string]User),
		motdKey:        "motd",
		motd:           "Welcome to groupcache!",
		motdGot:        make(map[string]string),
		motdLoaderRuns: make(map[string]int),
	}
	err = d.run(ctx)
	for _, p := range peers {
		err = errors.Join(err, p.stop(ctx))
	}
	return d, err
}

func (d *demo) run(ctx context.Context) error {
	fmt.Fprintf(d.w, "%d peers in one process, each with its own registry, HTTP pool and group %q:\n", len(d.peers), groupName)
	for _, p := range d.peers {
		fmt.Fprintf(d.w, "  %s  %s\n", p.name, p.url)
	}
	fmt.Fprintf(d.w, "Each group's Getter is a %v database query; each peer's facade is\n", queryDelay)
	fmt.Fprintln(d.w, "cache.NewCache(cache.NewGroupStore(group)).")
	steps := []func(context.Context) error{d.rememberCold, d.getEverywhere, d.setOnOne, d.deleteReloads, d.rememberMissing}
	for _, step := range steps {
		fmt.Fprintln(d.w)
		if err := step(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(d.w, "\nIn all, the database was queried %s.\n", times(d.db.queries()))
	return nil
}

// rememberCold has callersPerPeer goroutines on every peer call
// Remember[User] for a key no cache holds yet, all at once.
func (d *demo) rememberCold(ctx context.Context) error {
	key := d.coldKey
	owner := ownerOf(d.peers, key)
	fmt.Fprintf(d.w, "1. Remember[User](%q) by %d callers on every peer at once, caches cold\n", key, callersPerPeer)
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs = make(chan error, callersPerPeer*len(d.peers))
	)
	for _, p := range d.peers {
		for range callersPerPeer {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u, err := cache.Remember(p.cache.WithContext(ctx), key, time.Minute, func() (User, error) {
					d.coldLoaderRuns.Add(1)
					return User{}, errors.New("not reached: the Getter finds every user")
				})
				if err != nil {
					errs <- fmt.Errorf("%s: Remember(%q): %w", p.name, key, err)
					return
				}
				mu.Lock()
				d.coldGot[p.name] = append(d.coldGot[p.name], u)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	close(errs)
	if err := errors.Join(collect(errs)...); err != nil {
		return err
	}
	for _, p := range d.peers {
		fmt.Fprintf(d.w, "   %s: its callers got %s\n", p.name, summary(d.coldGot[p.name]))
	}
	fmt.Fprintf(d.w, "   The database was queried %s, by %s. %s owns %q: the other peers' misses\n",
		times(len(d.db.queriers(key))), names(d.db.queriers(key)), owner.name, key)
	fmt.Fprintf(d.w, "   went to %s and waited for its one query. Remember's own loader ran %s:\n",
		owner.name, times(int(d.coldLoaderRuns.Load())))
	fmt.Fprintln(d.w, "   the Getter found the user, so Remember had nothing left to load.")
	return nil
}

// getEverywhere reads a key with Get[User] on each peer in turn.
func (d *demo) getEverywhere(ctx context.Context) error {
	key := d.readKey
	fmt.Fprintf(d.w, "2. Get[User](%q) on every peer, one after another\n", key)
	if err := d.readAll(ctx, key, d.readGot); err != nil {
		return err
	}
	fmt.Fprintf(d.w, "   The database was queried %s for %q, by %s.\n", times(len(d.db.queriers(key))), key, names(d.db.queriers(key)))
	return nil
}

// setOnOne writes a new value from one peer and reads it on every peer.
func (d *demo) setOnOne(ctx context.Context) error {
	key := d.coldKey
	owner := ownerOf(d.peers, key)
	d.writer = notOwner(d.peers, owner)
	before := len(d.db.queriers(key))
	fmt.Fprintf(d.w, "3. %s runs Set[User](%q, %+v): the value goes to the owner, %s,\n", d.writer.name, key, d.written, owner.name)
	fmt.Fprintln(d.w, "   and every other peer drops the copy it may hold")
	if err := cache.Set(d.writer.cache.WithContext(ctx), key, d.written, 0); err != nil {
		return fmt.Errorf("%s: Set(%q): %w", d.writer.name, key, err)
	}
	if err := d.readAll(ctx, key, d.setGot); err != nil {
		return err
	}
	fmt.Fprintf(d.w, "   New database queries for %q: %d. A written value is served, not loaded.\n", key, len(d.db.queriers(key))-before)
	return nil
}

// deleteReloads changes a row in the database, shows that the caches
// still serve the old one, deletes the key and reads it on every peer.
func (d *demo) deleteReloads(ctx context.Context) error {
	key := d.readKey
	owner := ownerOf(d.peers, key)
	d.deleter = notOwner(d.peers, owner)
	d.db.update(key, d.renamed)
	fmt.Fprintf(d.w, "4. The database changes %q to %+v behind the caches' back\n", key, d.renamed)
	u, _, err := cache.Get[User](d.deleter.cache.WithContext(ctx), key)
	if err != nil {
		return err
	}
	d.staleGot = u
	fmt.Fprintf(d.w, "   %s still reads %+v from the caches, so %s runs Delete(%q)\n", d.deleter.name, u, d.deleter.name, key)
	if err := d.deleter.cache.WithContext(ctx).Delete(key); err != nil {
		return fmt.Errorf("%s: Delete(%q): %w", d.deleter.name, key, err)
	}
	if err := d.readAll(ctx, key, d.deleteGot); err != nil {
		return err
	}
	fmt.Fprintf(d.w, "   The database has now been queried %s for %q, by %s: the delete dropped\n",
		times(len(d.db.queriers(key))), key, names(d.db.queriers(key)))
	fmt.Fprintf(d.w, "   every copy, so the owner, %s, loaded the row again.\n", owner.name)
	return nil
}

// rememberMissing calls Remember[string] on each peer in turn for a key
// the database has no row for, so the Getter reports cache.ErrNotFound.
func (d *demo) rememberMissing(ctx context.Context) error {
	key := d.motdKey
	owner := ownerOf(d.peers, key)
	fmt.Fprintf(d.w, "5. Remember[string](%q) on every peer, one after another: the database has\n", key)
	fmt.Fprintln(d.w, "   no such row, so the Getter reports cache.ErrNotFound and Remember's loader runs")
	for _, p := range d.peers {
		v, err := cache.Remember(p.cache.WithContext(ctx), key, time.Minute, func() (string, error) {
			d.motdLoaderRuns[p.name]++
			return d.motd, nil
		})
		if err != nil {
			return fmt.Errorf("%s: Remember(%q): %w", p.name, key, err)
		}
		d.motdGot[p.name] = v
		how := "found it in the cluster; its loader did not run"
		if d.motdLoaderRuns[p.name] > 0 {
			how = fmt.Sprintf("ran its loader and stored the result at the owner, %s", owner.name)
		}
		fmt.Fprintf(d.w, "   %s: %q  %s\n", p.name, v, how)
	}
	fmt.Fprintf(d.w, "   The miss cost %s, by %s. Remember looks twice before it loads\n",
		queryCount(len(d.db.queriers(key))), names(d.db.queriers(key)))
	fmt.Fprintln(d.w, "   (once more inside its shared load, in case another caller has just stored the")
	fmt.Fprintln(d.w, "   key), and each look at a missing key queries the owner, whose \"not found\"")
	fmt.Fprintln(d.w, "   answer reaches the asking peer without a query of its own.")
	return nil
}

// readAll reads key with Get[User] on every peer in turn, printing what
// each got and from where, and recording it in got.
func (d *demo) readAll(ctx context.Context, key string, got map[string]User) error {
	owner := ownerOf(d.peers, key)
	for _, p := range d.peers {
		before := statsOf(p.group)
		u, found, err := cache.Get[User](p.cache.WithContext(ctx), key)
		if err != nil {
			return fmt.Errorf("%s: Get(%q): %w", p.name, key, err)
		}
		if !found {
			return fmt.Errorf("%s: Get(%q) missed", p.name, key)
		}
		got[p.name] = u
		fmt.Fprintf(d.w, "   %s: %+v  %s\n", p.name, u, source(before, statsOf(p.group), p, owner))
	}
	return nil
}

// stats are the counters of a group that tell where a Get found its value.
type stats struct{ cacheHits, peerLoads, localLoads int64 }

func statsOf(g *groupcache.Group) stats {
	return stats{g.Stats.CacheHits.Get(), g.Stats.PeerLoads.Get(), g.Stats.LocalLoads.Get()}
}

// source says where p's Get found its value, from the change of p's
// counters across the Get. Nothing else runs meanwhile.
func source(before, after stats, p, owner *peer) string {
	switch {
	case after.localLoads > before.localLoads:
		return "ran its Getter: it owns the key"
	case after.peerLoads > before.peerLoads:
		return "fetched it from the owner, " + owner.name + ", over HTTP"
	case p == owner:
		return "found it in its cache: it owns the key"
	default:
		return "found the copy it keeps of a popular key"
	}
}

// notOwner returns the first peer that is not owner.
func notOwner(peers []*peer, owner *peer) *peer {
	for _, p := range peers {
		if p != owner {
			return p
		}
	}
	panic("the cluster has a single peer")
}

// summary prints the values callers got: once when they all got the same.
func summary(got []User) string {
	for _, u := range got[1:] {
		if u != got[0] {
			return fmt.Sprintf("%+v", got)
		}
	}
	return fmt.Sprintf("%+v (all %d)", got[0], len(got))
}

func collect(errs <-chan error) []error {
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return all
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func queryCount(n int) string {
	if n == 1 {
		return "1 database query"
	}
	return fmt.Sprintf("%d database queries", n)
}

func names(peers []string) string {
	if len(peers) == 0 {
		return "no one"
	}
	return strings.Join(peers, ", ")
}
