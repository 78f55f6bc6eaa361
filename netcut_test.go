package groupcache

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// cutProxy is a TCP proxy to one address that can drop all traffic: while
// cut, it accepts connections and reads what they send, but forwards and
// answers nothing, as a network partition that loses packets does.
type cutProxy struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns []net.Conn // guarded by mu
}

// acceptEach serves each connection that ln accepts with serve, in a
// goroutine of its own, until ln is closed. The returned wait blocks
// until the accepting loop and every serve have returned.
func acceptEach(ln net.Listener, serve func(net.Conn)) (wait func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				serve(c)
			}()
		}
	}()
	return wg.Wait
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	wait := acceptEach(ln, p.serve)
	t.Cleanup(func() {
		ln.Close()
		p.setCut(false) // closes every connection
		wait()
	})
	return p
}

func (p *cutProxy) serve(c net.Conn) {
	defer c.Close()
	p.mu.Lock()
	p.conns = append(p.conns, c)
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, up)
	p.mu.Unlock()
	defer up.Close()
	go func() {
		p.pump(up, c)
		up.Close()
	}()
	p.pump(c, up)
}

// pump copies from src to dst, dropping what it reads while the link is
// cut.
func (p *cutProxy) pump(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 && !p.isCut() {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *cutProxy) isCut() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cut
}

// setCut cuts or heals the link. Connections open at a cut go silent, as
// in a partition that drops packets; healing closes them, as TCP in the
// end gives up on them, and new connections go through.
func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	p.cut = cut
	var conns []net.Conn
	if !cut {
		conns, p.conns = p.conns, nil
	}
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// TestNetworkCutBetweenTwoPeers cuts the link from one peer to another,
// under Gets: every Get succeeds, loading locally what the unreachable
// owner would have served; once the cut heals, the peer fetches from the
// owner again and counts no new errors.
func TestNetworkCutBetweenTwoPeers(t *testing.T) {
	var runs getterRuns
	o := &DiscoverOptions{Settle: -1}
	a := startDiscoveredPeer(t, &runs, o)
	c := startDiscoveredPeer(t, &runs, o)
	aHost := strings.TrimPrefix(a.url, "http://")
	proxy := startCutProxy(t, aHost)
	b := startDiscoveredPeerOpts(t, &runs, o, &HTTPPoolOptions{PeerTimeout: 200 * time.Millisecond})
	// b reaches a through the proxy; the ring still names a's URL.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == aHost {
			addr = proxy.ln.Addr().String()
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	b.pool.Transport = func(context.Context) http.RoundTripper { return tr }
	peers := []*discoveredPeer{a, b, c}
	announce(t, peers, urlsOf(peers))

	var ownedByA []string
	for i := 0; len(ownedByA) < 30 && i < 10000; i++ {
		k := fmt.Sprintf("key-%d", i)
		if g, ok := b.pool.PickPeer(k); ok && strings.HasPrefix(fmt.Sprint(g), a.url) {
			ownedByA = append(ownedByA, k)
		}
	}
	get := func(keys []string) {
		t.Helper()
		for _, k := range keys {
			if got := getString(t, b.group, k); got != "v:"+k {
				t.Fatalf("Get(%q) = %q", k, got)
			}
		}
	}
	get(ownedByA[:10])
	if n := b.group.Stats.PeerErrors.Get(); n != 0 {
		t.Fatalf("%d peer errors before the cut", n)
	}

	proxy.setCut(true)
	start := time.Now()
	get(ownedByA[10:20])
	cutErrs := b.group.Stats.PeerErrors.Get()
	t.Logf("10 Gets across the cut took %v, %d peer errors", time.Since(start).Round(time.Millisecond), cutErrs)
	if cutErrs != 10 {
		t.Fatalf("%d peer errors across the cut; want one per key, 10", cutErrs)
	}
	for _, k := range ownedByA[10:20] {
		if runs.of(k) != 1 {
			t.Fatalf("key %q loaded %d times; want once, by b", k, runs.of(k))
		}
	}

	proxy.setCut(false)
	aLoads := a.group.Stats.LocalLoads.Get()
	get(ownedByA[20:30])
	if n := b.group.Stats.PeerErrors.Get(); n != cutErrs {
		t.Fatalf("after healing, peer errors went from %d to %d; want no new ones", cutErrs, n)
	}
	if n := a.group.Stats.LocalLoads.Get() - aLoads; n != 10 {
		t.Fatalf("after healing, a loaded %d of its 10 keys; want all", n)
	}
}
