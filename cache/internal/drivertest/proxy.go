package drivertest

import (
	"net"
	"sync"
	"testing"
	"time"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a server, through which a
// test can make the server look unreachable (Cut), hung (Stall) or
// restarted (Cut then Restore) without touching the server itself.
type Proxy struct {
	target string
	ln     net.Listener
	wg     sync.WaitGroup

	mu sync.Mutex
	// The fields below are guarded by mu.
	cut     bool
	resume  chan struct{} // non-nil while stalled; closed by Restore
	closed  bool
	clients map[net.Conn]struct{} // every open connection, both sides
}

// NewProxy starts a proxy to target and stops it when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{target: target, ln: ln, clients: make(map[net.Conn]struct{})}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

// Addr is the address clients dial instead of the server's.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cut closes every open connection and refuses new ones (they are accepted
// and closed at once), as when the server is down or restarting.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	p.closeAllLocked()
}

// Stall keeps connections open but stops forwarding bytes in either
// direction, and holds new connections without connecting them, as when
// the server hangs.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.resume == nil {
		p.resume = make(chan struct{})
	}
}

// Restore undoes Cut and Stall: stalled bytes flow again and new
// connections reach the server.
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
	if p.resume != nil {
		close(p.resume)
		p.resume = nil
	}
}

// Close stops the proxy and closes every connection.
func (p *Proxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.ln.Close()
	p.closeAllLocked()
	if p.resume != nil {
		close(p.resume)
		p.resume = nil
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) closeAllLocked() {
	for c := range p.clients {
		c.Close()
		delete(p.clients, c)
	}
}

// track registers c, or closes it and reports false when the proxy is cut
// or closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut || p.closed {
		c.Close()
		return false
	}
	p.clients[c] = struct{}{}
	return true
}

// gate blocks while the proxy is stalled. It reports false when the
// proxy closed meanwhile.
func (p *Proxy) gate() bool {
	p.mu.Lock()
	ch, closed := p.resume, p.closed
	p.mu.Unlock()
	if ch != nil {
		<-ch
		p.mu.Lock()
		closed = p.closed
		p.mu.Unlock()
	}
	return !closed
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			continue
		}
		p.wg.Add(1)
		go p.handle(c)
	}
}

func (p *Proxy) handle(client net.Conn) {
	defer p.wg.Done()
	if !p.gate() {
		client.Close()
		return
	}
	server, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil || !p.track(server) {
		client.Close()
		if server != nil {
			server.Close()
		}
		return
	}
	p.wg.Add(2)
	go p.pipe(server, client)
	go p.pipe(client, server)
}

// pipe copies src to dst chunk by chunk, holding each chunk while the
// proxy is stalled, and closes both when either side ends.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	defer func() {
		src.Close()
		dst.Close()
		p.mu.Lock()
		delete(p.clients, src)
		delete(p.clients, dst)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if !p.gate() {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
