package peerproc

import (
	"net"
	"sync/atomic"
)

// countingListener counts the connections it accepts: the number of new
// TCP connections per request is how well clients keep theirs alive.
type countingListener struct {
	net.Listener
	accepted atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}
