package kubernetes

import (
	"slices"

	discoveryv1 "k8s.io/api/discovery/v1"
)

// peerURLs returns the sorted, duplicate-free base URLs of the ready
// endpoints in list, which are all the EndpointSlices of one Service,
// with self among them.
func peerURLs(list []*discoveryv1.EndpointSlice, scheme, portName string, port int32, self string) []string {
	urls := []string{self}
	for _, s := range list {
		p, ok := slicePort(s, portName, port)
		if !ok {
			continue
		}
		for _, ep := range s.Endpoints {
			if !ready(ep) || len(ep.Addresses) == 0 {
				continue
			}
			// The addresses of one endpoint are fungible and clients may
			// use only the first; taking them all would count one pod as
			// several peers.
			urls = append(urls, BaseURL(scheme, ep.Addresses[0], p))
		}
	}
	slices.Sort(urls)
	return slices.Compact(urls)
}

// slicePort returns the port that the endpoints of s serve the pool on.
// A named port is looked up in s, since each slice may map the name to a
// different number (pods of two versions during a rollout, say); a
// numbered one is used as it is.
func slicePort(s *discoveryv1.EndpointSlice, name string, number int32) (int32, bool) {
	if name == "" {
		return number, true
	}
	for _, p := range s.Ports {
		if p.Name != nil && *p.Name == name && p.Port != nil {
			return *p.Port, true
		}
	}
	return 0, false
}

// ready reports whether an endpoint should receive traffic. A nil Ready
// condition means unknown, which the EndpointSlice API says to treat as
// ready. A terminating endpoint is left out even where its Ready
// condition is forced true (by publishNotReadyAddresses): the pod is
// leaving, and keys moved to it now would move again in moments.
func ready(ep discoveryv1.Endpoint) bool {
	c := ep.Conditions
	if c.Terminating != nil && *c.Terminating {
		return false
	}
	return c.Ready == nil || *c.Ready
}
