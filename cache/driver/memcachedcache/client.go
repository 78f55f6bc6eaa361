package memcachedcache

import (
	"bufio"
	"context"
	"errors"
	"hash/crc32"
	"net"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
)

// client talks memcached's meta text protocol to a fixed list of servers,
// choosing the server of a key by CRC-32 of the key modulo the number of
// servers, the choice gomemcache's ServerList makes, so a process using
// gomemcache with the same list finds the same keys on the same servers.
type client struct {
	servers     []*server
	dialTimeout time.Duration
	opTimeout   time.Duration
}

// server is one address and its pool of idle connections.
type server struct {
	addr    string
	maxIdle int

	mu   sync.Mutex
	idle []*conn // guarded by mu; most recently used last
}

// conn is one connection with its buffers. It is used by one operation at
// a time and closed, never pooled, after any error, since its position in
// the reply stream is then unknown.
type conn struct {
	nc net.Conn
	r  *bufio.Reader
	w  *bufio.Writer
	// scratch formats numbers without allocating.
	scratch [20]byte
}

func newClient(addrs []string, dialTimeout, opTimeout time.Duration, maxIdle int) *client {
	c := &client{dialTimeout: dialTimeout, opTimeout: opTimeout}
	for _, a := range addrs {
		c.servers = append(c.servers, &server{addr: a, maxIdle: maxIdle})
	}
	return c
}

func (c *client) pick(key string) *server {
	if len(c.servers) == 1 {
		return c.servers[0]
	}
	return c.servers[crc32.ChecksumIEEE([]byte(key))%uint32(len(c.servers))]
}

// get returns an idle connection that is still alive, or dials a new one.
func (s *server) get(ctx context.Context, dialTimeout time.Duration) (*conn, error) {
	for {
		s.mu.Lock()
		n := len(s.idle)
		if n == 0 {
			s.mu.Unlock()
			break
		}
		cn := s.idle[n-1]
		s.idle = s.idle[:n-1]
		s.mu.Unlock()
		if alive(cn.nc) {
			return cn, nil
		}
		cn.nc.Close()
	}
	d := net.Dialer{Timeout: dialTimeout}
	nc, err := d.DialContext(ctx, "tcp", s.addr)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, r: bufio.NewReaderSize(nc, 4096), w: bufio.NewWriterSize(nc, 4096)}, nil
}

func (s *server) put(cn *conn) {
	s.mu.Lock()
	if len(s.idle) < s.maxIdle {
		s.idle = append(s.idle, cn)
		cn = nil
	}
	s.mu.Unlock()
	if cn != nil {
		cn.nc.Close()
	}
}

// close drops every idle connection.
func (c *client) close() {
	for _, s := range c.servers {
		s.mu.Lock()
		idle := s.idle
		s.idle = nil
		s.mu.Unlock()
		for _, cn := range idle {
			cn.nc.Close()
		}
	}
}

// errServer is a reply of ERROR, CLIENT_ERROR or SERVER_ERROR.
var errServer = errors.New("memcachedcache: server error")

// do runs fn on a connection to srv. The connection's deadline is the
// context's, or opTimeout from now when that is sooner, and canceling the
// context interrupts fn at once, so no operation outlives its context.
func (c *client) do(ctx context.Context, srv *server, op string, fn func(*conn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	cn, err := srv.get(ctx, c.dialTimeout)
	if err != nil {
		return failure(ctx, op, srv.addr, err)
	}
	deadline := time.Now().Add(c.opTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	cn.nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) })
	err = fn(cn)
	if !stop() || err != nil {
		cn.nc.Close()
	} else {
		srv.put(cn)
	}
	if err != nil {
		return failure(ctx, op, srv.addr, err)
	}
	// fn finished, but the context ended meanwhile; its reply is good.
	return nil
}

// failure describes err and, when the context ended, wraps its error too,
// so callers can test for context.DeadlineExceeded whatever the network
// reported.
func failure(ctx context.Context, op, addr string, err error) error {
	return cachecore.OpError(ctx, "memcachedcache", op+" on "+addr, err)
}
