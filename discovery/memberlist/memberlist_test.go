package memberlist

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/seed3c1b93bc/groupcache"
)

// newNode starts a member on 127.0.0.1 with a free port and the short
// timings of a test, for the peer at url.
func newNode(t *testing.T, url string) *Source {
	t.Helper()
	conf := memberlist.DefaultLocalConfig()
	conf.BindAddr = "127.0.0.1"
	conf.BindPort = 0
	conf.ProbeInterval = 100 * time.Millisecond
	conf.ProbeTimeout = 100 * time.Millisecond
	conf.GossipInterval = 10 * time.Millisecond
	conf.PushPullInterval = 200 * time.Millisecond
	conf.SuspicionMult = 1
	conf.TCPTimeout = 200 * time.Millisecond
	conf.GossipToTheDeadTime = time.Second
	s, err := New(Config{URL: url, Memberlist: conf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown() })
	return s
}

// watch runs s.Watch until the test ends and returns the lists it reports.
func watch(t *testing.T, s *Source) <-chan []string {
	t.Helper()
	lists := make(chan []string, 64)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- s.Watch(ctx, func(l []string) {
			select {
			case lists <- l:
			default: // the test reads only the latest
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Watch = %v; want context.Canceled", err)
		}
	})
	return lists
}

// waitList waits up to 10 s for a list equal to want.
func waitList(t *testing.T, lists <-chan []string, want []string) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	var last []string
	for {
		select {
		case l := <-lists:
			if slices.Equal(l, want) {
				return
			}
			last = l
		case <-timeout:
			t.Fatalf("no list %v in 10s; last %v", want, last)
		}
	}
}

// drain discards the lists reported so far.
func drain(lists <-chan []string) {
	for {
		select {
		case <-lists:
		default:
			return
		}
	}
}

func TestJoinLeaveAndFailure(t *testing.T) {
	urls := []string{"http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"}
	var nodes []*Source
	for _, u := range urls {
		nodes = append(nodes, newNode(t, u))
	}
	a, b, c := nodes[0], nodes[1], nodes[2]
	seenByA := watch(t, a)
	waitList(t, seenByA, urls[:1])
	for _, n := range nodes[1:] {
		if _, err := n.Join(a.Addr()); err != nil {
			t.Fatal(err)
		}
	}
	seenByB := watch(t, b)
	waitList(t, seenByA, urls)
	waitList(t, seenByB, urls)

	// c leaves gracefully: the others drop it without failure detection.
	drain(seenByA)
	drain(seenByB)
	start := time.Now()
	if err := c.Leave(time.Second); err != nil {
		t.Fatal(err)
	}
	c.Shutdown()
	waitList(t, seenByA, urls[:2])
	waitList(t, seenByB, urls[:2])
	t.Logf("a graceful leave reached both in %v", time.Since(start).Round(time.Millisecond))

	// b is killed: no goodbye; a finds it failed.
	drain(seenByA)
	start = time.Now()
	b.Shutdown()
	waitList(t, seenByA, urls[:1])
	t.Logf("a failure was detected in %v", time.Since(start).Round(time.Millisecond))
}

func TestNewRefusesMissingURL(t *testing.T) {
	if _, err := New(Config{}); !errors.Is(err, ErrNoURL) {
		t.Fatalf("New without a URL = %v; want ErrNoURL", err)
	}
}

// TestDrivesHTTPPool runs two groupcache peers whose rings come from
// gossip: each finds the other, and Shutdown of one leaves the cluster,
// so that the other's ring drops it.
func TestDrivesHTTPPool(t *testing.T) {
	type peer struct {
		pool  *groupcache.HTTPPool
		src   *Source
		url   string
		reg   *groupcache.Registry
		group *groupcache.Group
		done  chan error
	}
	var peers []*peer
	for range 2 {
		srv := httptest.NewUnstartedServer(nil)
		p := &peer{url: "http://" + srv.Listener.Addr().String(), reg: groupcache.NewRegistry(), done: make(chan error, 1)}
		p.pool = groupcache.NewHTTPPoolOpts(p.url, &groupcache.HTTPPoolOptions{Registry: p.reg})
		srv.Config.Handler = p.pool
		srv.Start()
		t.Cleanup(srv.Close)
		p.group = p.reg.NewGroup("g", 1<<20, groupcache.GetterFunc(func(_ context.Context, key string, dest groupcache.Sink) error {
			return dest.SetString(fmt.Sprintf("%s from %s", key, p.url))
		}))
		p.src = newNode(t, p.url)
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(func() { cancel(); <-p.done })
		go func() {
			p.done <- p.pool.DiscoverOpts(ctx, p.src, &groupcache.DiscoverOptions{Settle: 50 * time.Millisecond, DrainQuiet: 50 * time.Millisecond})
		}()
		peers = append(peers, p)
	}
	if _, err := peers[1].src.Join(peers[0].src.Addr()); err != nil {
		t.Fatal(err)
	}
	// Once both know both, some key is owned by the other peer.
	deadline := time.Now().Add(10 * time.Second)
	for !bothRemote(peers[0].pool, peers[1].pool) {
		if time.Now().After(deadline) {
			t.Fatal("the pools did not find each other in 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// A key the ring gives the other peer is loaded there.
	key := ""
	for i := range 100 {
		if _, ok := peers[0].pool.PickPeer(fmt.Sprint(i)); ok {
			key = fmt.Sprint(i)
			break
		}
	}
	var got string
	if err := peers[0].group.Get(ctx, key, groupcache.StringSink(&got)); err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if want := key + " from " + peers[1].url; got != want {
		t.Errorf("Get(%q) = %q; want %q, loaded by its owner", key, got, want)
	}
	if err := peers[1].pool.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for remoteKeys(peers[0].pool) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the remaining pool still sends keys to the one that left")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// remoteKeys counts, of 100 keys, those p sends to another peer.
func remoteKeys(p *groupcache.HTTPPool) int {
	n := 0
	for i := range 100 {
		if _, ok := p.PickPeer(fmt.Sprint(i)); ok {
			n++
		}
	}
	return n
}

func bothRemote(a, b *groupcache.HTTPPool) bool {
	return remoteKeys(a) > 0 && remoteKeys(b) > 0
}
