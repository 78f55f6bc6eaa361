package kubernetes

import (
	"net"
	"strconv"
)

// BaseURL returns the base URL a [Source] reports for an endpoint at
// address (an IPv4 or IPv6 address, or a host name) and port, in the form
// scheme://host:port with IPv6 addresses in brackets.
//
// A pool's self URL must be spelled exactly as the Source spells it for
// the pool to recognise itself among its peers; building Config.Self
// with BaseURL from the pod's IP guarantees that.
func BaseURL(scheme, address string, port int32) string {
	return scheme + "://" + net.JoinHostPort(address, strconv.Itoa(int(port)))
}
