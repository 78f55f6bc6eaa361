package groupcache

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultDNSInterval is how often a DNS source looks its name up again when
// DNS.Interval is zero.
const DefaultDNSInterval = 10 * time.Second

// ErrDNSConfig is returned, wrapped, by DNS.Watch for a DNS source that
// cannot work: no name, or A/AAAA lookups without a port.
var ErrDNSConfig = errors.New("groupcache: bad DNS peer source")

// DNS is a PeerSource that finds the peers by looking a name up in DNS
// every Interval: the A and AAAA records of a headless service (Kubernetes
// gives one a record per ready pod), or its SRV records. A failed lookup,
// or one that finds nothing, keeps the last good list: a DNS outage does
// not empty the ring. The peers' base URLs are built as
// Scheme://address:port, so each peer's own URL (its pool's self) must be
// written the same way, for example http://10.0.0.7:8080 from the pod's
// IP.
type DNS struct {
	// Name is the name to look up: a headless service's name such as
	// "cache.default.svc.cluster.local", or with SRV, the full SRV
	// name such as "_http._tcp.cache.default.svc.cluster.local".
	// A name that ends in a dot is not extended by the resolver's
	// search domains.
	Name string

	// SRV selects SRV records: each gives a target host and a port,
	// and the URL is Scheme://target:port with the target's final dot
	// removed. Otherwise Name's A and AAAA records are looked up and
	// each address is joined with Port.
	SRV bool

	// Port is the peers' port, for A and AAAA records.
	Port int

	// Scheme is the peers' URL scheme. If empty, it is "http".
	Scheme string

	// Interval is how often the name is looked up. If zero or
	// negative, it is DefaultDNSInterval.
	Interval time.Duration

	// Resolver looks the name up. If nil, it is net.DefaultResolver.
	Resolver *net.Resolver

	// Each lookup that fails, or finds no records, counts here; the
	// last good list stays in use.
	errors atomic.Int64
}

// Errors returns the number of lookups that failed or found nothing.
func (d *DNS) Errors() int64 { return d.errors.Load() }

// Watch implements PeerSource: it looks Name up at once and then every
// Interval, and calls update whenever the sorted list of URLs differs from
// the last one reported. It returns ctx.Err() when ctx ends, or an error
// wrapping ErrDNSConfig at once if the source is misconfigured.
func (d *DNS) Watch(ctx context.Context, update func(peers []string)) error {
	if d.Name == "" || (!d.SRV && (d.Port <= 0 || d.Port > 65535)) {
		return errors.Join(ErrDNSConfig, errors.New("groupcache: DNS needs a Name, and a Port unless SRV is set"))
	}
	interval := d.Interval
	if interval <= 0 {
		interval = DefaultDNSInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	var last []string
	for {
		lookupCtx, cancel := context.WithTimeout(ctx, interval)
		peers, err := d.lookup(lookupCtx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil || len(peers) == 0:
			d.errors.Add(1)
		case !slices.Equal(peers, last):
			last = peers
			update(slices.Clone(peers))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// lookup returns the sorted, deduplicated URLs of the current records.
func (d *DNS) lookup(ctx context.Context) ([]string, error) {
	r := d.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	scheme := d.Scheme
	if scheme == "" {
		scheme = "http"
	}
	var peers []string
	if d.SRV {
		_, srvs, err := r.LookupSRV(ctx, "", "", d.Name)
		if err != nil {
			return nil, err
		}
		for _, s := range srvs {
			host := strings.TrimSuffix(s.Target, ".")
			peers = append(peers, scheme+"://"+net.JoinHostPort(host, strconv.Itoa(int(s.Port))))
		}
	} else {
		addrs, err := r.LookupIPAddr(ctx, d.Name)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			peers = append(peers, scheme+"://"+net.JoinHostPort(a.IP.String(), strconv.Itoa(d.Port)))
		}
	}
	slices.Sort(peers)
	return slices.Compact(peers), nil
}
