//go:build unix

package groupcache

import (
	"net"
	"syscall"
)

// A connProbe tells whether an idle connection can carry another request:
// whether the peer has closed it, or sent bytes nobody asked for, while it
// sat in the pool. Either would be taken for the answer to the next
// request, or fail it after it may have reached the peer.
type connProbe struct {
	raw  syscall.RawConn
	read func(fd uintptr) bool // p.readOnce, bound once: a closure per probe would allocate

	n   int
	err error
	buf [1]byte
}

func (p *connProbe) init(conn net.Conn) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	if raw, err := sc.SyscallConn(); err == nil {
		p.raw = raw
		p.read = p.readOnce
	}
}

// readOnce tries one read of the non-blocking socket and never asks to
// wait for more.
func (p *connProbe) readOnce(fd uintptr) bool {
	p.n, p.err = syscall.Read(int(fd), p.buf[:])
	return true
}

// quiet reports whether the connection is open with nothing to read. It
// costs one system call and never blocks. Whatever it reads is lost, and
// with it the connection: it is for connections about to be reused.
// The connection's read deadline must not have passed.
func (p *connProbe) quiet() bool {
	if p.raw == nil {
		return true
	}
	if err := p.raw.Read(p.read); err != nil {
		return false
	}
	// EAGAIN: nothing to read. A count of zero is the peer's close,
	// more is bytes sent unasked, and any other error a broken
	// connection.
	return p.err == syscall.EAGAIN
}
