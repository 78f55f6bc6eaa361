// Package memberlist finds groupcache peers by gossip, with
// github.com/hashicorp/memberlist, where no orchestrator lists them: each
// peer joins any one member of the cluster, and every peer learns of each
// join, leave and failure. A member's metadata carries its groupcache base
// URL. A Source implements groupcache.PeerSource, for HTTPPool.Discover,
// and groupcache.Leaver, which HTTPPool.Shutdown calls to leave gracefully.
//
//	src, err := memberlist.New(memberlist.Config{URL: self})
//	...
//	if _, err := src.Join("10.0.0.1:7946"); err != nil { ... } // any member
//	go pool.Discover(ctx, src)
//	...
//	pool.Shutdown(ctx) // leaves the gossip cluster first
//	src.Shutdown()
package memberlist

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/seed3c1b93bc/groupcache"
)

// Config configures a Source.
type Config struct {
	// URL is this peer's groupcache base URL, as the other peers reach
	// it and as its HTTPPool names itself, e.g. "http://10.0.0.7:8080".
	// It is required.
	URL string

	// Memberlist is the gossip configuration. If nil, it is
	// memberlist.DefaultLANConfig() (memberlist.DefaultLocalConfig() or
	// DefaultWANConfig() suit other networks). New sets its Delegate,
	// its Events and its Name, to URL, which is unique per peer where
	// the default host name is not; it sends the log nowhere unless
	// Logger or LogOutput is set; the rest is used as given. The config
	// must not be changed after New.
	Memberlist *memberlist.Config
}

// ErrNoURL is returned by New for a Config without a URL.
var ErrNoURL = errors.New("memberlist: Config.URL is required")

// A Source is this peer's membership in a gossip cluster. It is safe for
// concurrent use.
type Source struct {
	list *memberlist.Memberlist
	url  string

	mu      sync.Mutex
	changed chan struct{}     // closed and replaced on each membership event; guarded by mu
	members map[string]string // live member's name → URL, from the events; guarded by mu
}

// New starts this peer's gossip member, alone in its cluster until Join.
func New(cfg Config) (*Source, error) {
	if cfg.URL == "" {
		return nil, ErrNoURL
	}
	if len(cfg.URL) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("memberlist: URL of %d bytes is longer than the %d bytes of metadata a member may carry", len(cfg.URL), memberlist.MetaMaxSize)
	}
	conf := cfg.Memberlist
	if conf == nil {
		conf = memberlist.DefaultLANConfig()
	}
	// Unique per peer, also when several run on one host, which the
	// default (the host name) is not.
	conf.Name = cfg.URL
	if conf.Logger == nil && conf.LogOutput == nil {
		conf.Logger = log.New(io.Discard, "", 0)
	}
	s := &Source{url: cfg.URL, changed: make(chan struct{}), members: map[string]string{conf.Name: cfg.URL}}
	conf.Delegate = delegate{meta: []byte(cfg.URL)}
	conf.Events = events{s}
	list, err := memberlist.Create(conf)
	if err != nil {
		return nil, fmt.Errorf("memberlist: %w", err)
	}
	s.list = list
	return s, nil
}

// Join contacts the members at addrs ("host:port" of their gossip
// listeners) and joins their cluster. It returns how many it reached, and
// an error only if it reached none.
func (s *Source) Join(addrs ...string) (int, error) {
	return s.list.Join(addrs)
}

// Addr returns the "host:port" that other members join this one at.
func (s *Source) Addr() string {
	return s.list.LocalNode().Address()
}

// Memberlist returns the underlying member, for its other features.
func (s *Source) Memberlist() *memberlist.Memberlist { return s.list }

// Peers returns the sorted base URLs of the live members, this one
// included.
//
// It keeps its own copy of the members from the events: the nodes that
// memberlist.Members returns are changed by memberlist afterwards without
// a lock, while events are delivered under its lock.
func (s *Source) Peers() []string {
	s.mu.Lock()
	urls := make([]string, 0, len(s.members))
	for _, u := range s.members {
		urls = append(urls, u)
	}
	s.mu.Unlock()
	slices.Sort(urls)
	return slices.Compact(urls)
}

// Watch implements groupcache.PeerSource: it reports the live members'
// URLs at once and after each join, leave, failure or update that
// changes them, until ctx ends. A member that fails is reported gone
// once memberlist's failure detection declares it dead.
func (s *Source) Watch(ctx context.Context, update func(peers []string)) error {
	var last []string
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if peers := s.Peers(); !slices.Equal(peers, last) {
			last = peers
			update(slices.Clone(peers))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

// Leave implements groupcache.Leaver: it tells the cluster that this
// member leaves, waiting at most timeout for the message to spread. The
// others drop it at once, with no failure detection; it gossips no more.
func (s *Source) Leave(timeout time.Duration) error {
	return s.list.Leave(timeout)
}

// Shutdown stops the member without a goodbye: after Leave, for a
// graceful exit, or alone, in which case the others find it failed.
func (s *Source) Shutdown() error {
	return s.list.Shutdown()
}

// notify records a member's URL, or its departure if url is empty, and
// wakes the Watch calls.
func (s *Source) notify(name, url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if url == "" {
		delete(s.members, name)
	} else {
		s.members[name] = url
	}
	close(s.changed)
	s.changed = make(chan struct{})
}

var (
	_ groupcache.PeerSource = (*Source)(nil)
	_ groupcache.Leaver     = (*Source)(nil)
)

// delegate gives memberlist this member's metadata; it sends no messages
// of its own.
type delegate struct{ meta []byte }

func (d delegate) NodeMeta(limit int) []byte {
	if len(d.meta) > limit {
		return nil
	}
	return d.meta
}
func (delegate) NotifyMsg([]byte)                           {}
func (delegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (delegate) LocalState(join bool) []byte                { return nil }
func (delegate) MergeRemoteState(buf []byte, join bool)     {}

// events wakes the Watch calls on every membership event.
type events struct{ s *Source }

// A member without metadata is not a groupcache peer, or not yet one.
func (e events) NotifyJoin(n *memberlist.Node)   { e.s.notify(n.Name, string(n.Meta)) }
func (e events) NotifyLeave(n *memberlist.Node)  { e.s.notify(n.Name, "") }
func (e events) NotifyUpdate(n *memberlist.Node) { e.s.notify(n.Name, string(n.Meta)) }
