// Package promgroupcache exports what a groupcache Registry does as
// Prometheus metrics: a prometheus.Collector over every figure of
// groupcache.Stats and CacheStats of every group, read when Prometheus
// scrapes, and histograms of the time loads, Getter runs and requests
// between peers take.
//
//	c := promgroupcache.New(registry, nil)
//	defer c.Close()
//	prometheus.MustRegister(c)
//
// Names follow Prometheus conventions (base units, counters ending in
// _total) and match those of mailgun/groupcache's exporter where the
// figures are the same; the README lists every metric. Cache hits cost
// nothing more: their counters are the engine's own, read at scrape time.
// No label carries a key.
package promgroupcache

import (
	"context"
	"net/url"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/seed3c1b93bc/groupcache"
)

// DefaultBuckets are the bounds of the duration histograms, in seconds: a
// request to a peer on the same network takes well under a millisecond, a
// Getter that queries a database tens of milliseconds, and PeerTimeout
// defaults to ten seconds.
var DefaultBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10,
}

// Options are the settings of a Collector. The zero value selects every
// default.
type Options struct {
	// Buckets are the bounds of the duration histograms, in seconds. If
	// nil, they are DefaultBuckets.
	Buckets []float64

	// ConstLabels are added to every metric, for example to tell
	// processes apart where the scrape's target labels do not.
	ConstLabels prometheus.Labels
}

// A Collector is a prometheus.Collector of one Registry's groups and
// pool. Register it with a prometheus.Registerer; call Close when done
// with it.
type Collector struct {
	reg         *groupcache.Registry
	stats       []statDesc
	cache       []cacheDesc
	evictions   *prometheus.Desc
	limit       *prometheus.Desc
	peers       *prometheus.Desc
	hist        []*prometheus.HistogramVec
	load        *prometheus.HistogramVec
	getter      *prometheus.HistogramVec
	peerRequest *prometheus.HistogramVec
	served      *prometheus.HistogramVec
	removeHooks func()
}

// statDesc describes a counter of groupcache.Stats.
type statDesc struct {
	desc *prometheus.Desc
	get  func(*groupcache.Stats) int64
}

// cacheDesc describes a figure of groupcache.CacheStats.
type cacheDesc struct {
	desc      *prometheus.Desc
	valueType prometheus.ValueType
	get       func(groupcache.CacheStats) int64
}

// New returns a Collector of reg's groups, those made later included, and
// of the HTTPPool bound to reg; o may be nil. It times loads and requests
// through reg's hooks until Close.
func New(reg *groupcache.Registry, o *Options) *Collector {
	var opts Options
	if o != nil {
		opts = *o
	}
	if opts.Buckets == nil {
		opts.Buckets = DefaultBuckets
	}
	cl := opts.ConstLabels
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, cl)
	}
	stat := func(name, help string, get func(*groupcache.Stats) int64) statDesc {
		return statDesc{desc(name, help, "group"), get}
	}
	c := &Collector{
		reg: reg,
		stats: []statDesc{
			stat("groupcache_gets_total", "Gets, from this process and from peers (Stats.Gets).", func(s *groupcache.Stats) int64 { return s.Gets.Get() }),
			stat("groupcache_hits_total", "Gets answered by the main or hot cache (Stats.CacheHits).", func(s *groupcache.Stats) int64 { return s.CacheHits.Get() }),
			stat("groupcache_loads_total", "Gets that missed the caches (Stats.Loads).", func(s *groupcache.Stats) int64 { return s.Loads.Get() }),
			stat("groupcache_loads_deduped_total", "Loads left after concurrent loads of a key were collapsed (Stats.LoadsDeduped).", func(s *groupcache.Stats) int64 { return s.LoadsDeduped.Get() }),
			stat("groupcache_local_loads_total", "Values loaded by this process's Getter (Stats.LocalLoads).", func(s *groupcache.Stats) int64 { return s.LocalLoads.Get() }),
			stat("groupcache_local_load_errs_total", "Getter runs that failed (Stats.LocalLoadErrs).", func(s *groupcache.Stats) int64 { return s.LocalLoadErrs.Get() }),
			stat("groupcache_peer_loads_total", "Values fetched from their owner (Stats.PeerLoads).", func(s *groupcache.Stats) int64 { return s.PeerLoads.Get() }),
			stat("groupcache_peer_errors_total", "Fetches from an owner that failed, after which the key was loaded here (Stats.PeerErrors).", func(s *groupcache.Stats) int64 { return s.PeerErrors.Get() }),
			stat("groupcache_server_requests_total", "Gets that came from peers (Stats.ServerRequests).", func(s *groupcache.Stats) int64 { return s.ServerRequests.Get() }),
		},
		cache: []cacheDesc{
			{desc("groupcache_cache_bytes", "Bytes of keys and values in a cache (CacheStats.Bytes).", "group", "type"), prometheus.GaugeValue, func(s groupcache.CacheStats) int64 { return s.Bytes }},
			{desc("groupcache_cache_items", "Entries in a cache (CacheStats.Items).", "group", "type"), prometheus.GaugeValue, func(s groupcache.CacheStats) int64 { return s.Items }},
			{desc("groupcache_cache_gets_total", "Lookups of a cache (CacheStats.Gets).", "group", "type"), prometheus.CounterValue, func(s groupcache.CacheStats) int64 { return s.Gets }},
			{desc("groupcache_cache_hits_total", "Lookups of a cache that found the key (CacheStats.Hits).", "group", "type"), prometheus.CounterValue, func(s groupcache.CacheStats) int64 { return s.Hits }},
		},
		evictions: desc("groupcache_cache_evictions_total", "Entries dropped from a cache: for room (reason capacity, CacheStats.Evictions) or because a lookup found them expired (reason expired).", "group", "type", "reason"),
		limit:     desc("groupcache_cache_limit_bytes", "The byte budget that a group's main and hot caches share.", "group"),
		peers:     desc("groupcache_peers", "Peers in the HTTPPool's list, this process included."),
	}
	hist := func(name, help string, labels ...string) *prometheus.HistogramVec {
		h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: opts.Buckets, ConstLabels: cl}, labels)
		c.hist = append(c.hist, h)
		return h
	}
	c.load = hist("groupcache_load_duration_seconds", "Time from a Get's miss of this process's caches until the value is at hand, by outcome (ok or the error's groupcache.ErrorType).", "group", "outcome")
	c.getter = hist("groupcache_getter_duration_seconds", "Time the group's Getter takes, by outcome.", "group", "outcome")
	c.peerRequest = hist("groupcache_peer_request_duration_seconds", "Time a request to a peer takes, answer read, by peer, operation (get, set, remove) and outcome.", "group", "peer", "op", "outcome")
	c.served = hist("groupcache_server_request_duration_seconds", "Time this process takes to answer a request from a peer, by operation and outcome.", "group", "op", "outcome")
	c.removeHooks = reg.AddHooks(groupcache.Hooks{Start: c.start})
	return c
}

// Close stops timing loads and requests; the counters are still
// collected.
func (c *Collector) Close() {
	c.removeHooks()
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, s := range c.stats {
		ch <- s.desc
	}
	for _, s := range c.cache {
		ch <- s.desc
	}
	ch <- c.evictions
	ch <- c.limit
	ch <- c.peers
	for _, h := range c.hist {
		h.Describe(ch)
	}
}

// Collect implements prometheus.Collector: it reads the counters of every
// group now.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for _, g := range c.reg.Groups() {
		name := g.Name()
		for _, s := range c.stats {
			ch <- prometheus.MustNewConstMetric(s.desc, prometheus.CounterValue, float64(s.get(&g.Stats)), name)
		}
		ch <- prometheus.MustNewConstMetric(c.limit, prometheus.GaugeValue, float64(g.CacheBytes()), name)
		for _, which := range []struct {
			t    groupcache.CacheType
			name string
		}{{groupcache.MainCache, "main"}, {groupcache.HotCache, "hot"}} {
			cs := g.CacheStats(which.t)
			for _, d := range c.cache {
				ch <- prometheus.MustNewConstMetric(d.desc, d.valueType, float64(d.get(cs)), name, which.name)
			}
			ch <- prometheus.MustNewConstMetric(c.evictions, prometheus.CounterValue, float64(cs.Evictions), name, which.name, "capacity")
			ch <- prometheus.MustNewConstMetric(c.evictions, prometheus.CounterValue, float64(g.Expirations(which.t)), name, which.name, "expired")
		}
	}
	if pool := c.reg.HTTPPool(); pool != nil {
		ch <- prometheus.MustNewConstMetric(c.peers, prometheus.GaugeValue, float64(len(pool.Peers())))
	}
	for _, h := range c.hist {
		h.Collect(ch)
	}
}

// start is the Hooks.Start that times operations.
func (c *Collector) start(ctx context.Context, op groupcache.Op) (context.Context, func(error)) {
	var obs func(outcome string) prometheus.Observer
	switch op.Kind {
	case groupcache.OpLoad:
		obs = func(o string) prometheus.Observer { return c.load.WithLabelValues(op.Group, o) }
	case groupcache.OpGetter:
		obs = func(o string) prometheus.Observer { return c.getter.WithLabelValues(op.Group, o) }
	case groupcache.OpPeerGet, groupcache.OpPeerSet, groupcache.OpPeerRemove:
		peer := peerLabel(op.Peer)
		operation := map[groupcache.OpKind]string{groupcache.OpPeerGet: "get", groupcache.OpPeerSet: "set", groupcache.OpPeerRemove: "remove"}[op.Kind]
		obs = func(o string) prometheus.Observer { return c.peerRequest.WithLabelValues(op.Group, peer, operation, o) }
	case groupcache.OpServe:
		operation := map[string]string{"GET": "get", "PUT": "set", "DELETE": "remove"}[op.Method]
		if operation == "" {
			operation = "other"
		}
		obs = func(o string) prometheus.Observer { return c.served.WithLabelValues(op.Group, operation, o) }
	default:
		return ctx, func(error) {}
	}
	began := time.Now()
	return ctx, func(err error) {
		outcome := groupcache.ErrorType(err)
		if outcome == "" {
			outcome = "ok"
		}
		obs(outcome).Observe(time.Since(began).Seconds())
	}
}

// peerLabel returns the host:port of a peer's base URL, its shortest
// unique name.
func peerLabel(peer string) string {
	if u, err := url.Parse(peer); err == nil && u.Host != "" {
		return u.Host
	}
	return peer
}
