//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package memcachedcache

import (
	"errors"
	"net"
	"syscall"
)

// alive reports whether an idle connection is still usable: the server has
// neither closed it nor sent anything unasked. Checking before reuse is
// what lets the first operation after a server restart succeed instead of
// failing on a connection the old server closed.
func alive(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	ok = false
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		_, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		// Nothing to read is the healthy idle state; EOF or data mean the
		// connection is closed or out of step.
		ok = (errors.Is(rerr, syscall.EAGAIN) || errors.Is(rerr, syscall.EWOULDBLOCK))
		return true
	})
	return err == nil && ok
}
