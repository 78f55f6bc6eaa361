//go:build !unix

package groupcache

import "net"

// A connProbe would tell whether an idle connection can carry another
// request. Without a non-blocking read of the socket on this platform, it
// cannot: a connection the peer closed while idle is found only by the
// client's own idle timeout or by the next request failing, and bytes the
// peer sends unasked while a connection is idle are not found until they
// are read as the next answer.
type connProbe struct{}

func (*connProbe) init(net.Conn) {}

func (*connProbe) quiet() bool { return true }
