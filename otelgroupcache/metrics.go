package otelgroupcache

import (
	"context"

	"github.com/seed3c1b93bc/groupcache"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// Attribute keys. OpenTelemetry has no semantic conventions for caches,
// so the package's own are named groupcache.*; server.address,
// server.port and error.type are the general ones.
const (
	AttrGroup          = attribute.Key("groupcache.group")
	AttrCacheType      = attribute.Key("groupcache.cache.type")      // "main" or "hot"
	AttrEvictionReason = attribute.Key("groupcache.eviction.reason") // "capacity" or "expired"
	AttrOperation      = attribute.Key("groupcache.operation")       // "get", "set" or "remove"
	AttrServerAddress  = attribute.Key("server.address")
	AttrServerPort     = attribute.Key("server.port")
	AttrErrorType      = attribute.Key("error.type")
)

// durationBuckets are the histogram bounds, in seconds: a request to a
// peer on the same network takes well under a millisecond, a Getter that
// queries a database tens of milliseconds, and PeerTimeout defaults to
// ten seconds.
var durationBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10,
}

// histograms are the instruments recorded as operations end.
type histograms struct {
	load, getter, peerRequest, serverRequest metric.Float64Histogram
}

func newHistograms(m metric.Meter) (histograms, error) {
	var h histograms
	var err error
	newHist := func(name, desc string) metric.Float64Histogram {
		if err != nil {
			return nil
		}
		var hist metric.Float64Histogram
		hist, err = m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(durationBuckets...))
		return hist
	}
	h.load = newHist("groupcache.load.duration",
		"Time from a Get's miss of this process's caches until the value is at hand: from the owner, a load in progress, or the Getter.")
	h.getter = newHist("groupcache.getter.duration", "Time the group's Getter takes.")
	h.peerRequest = newHist("groupcache.peer.request.duration", "Time a request to a peer takes, answer read.")
	h.serverRequest = newHist("groupcache.server.request.duration", "Time this process takes to answer a request from a peer.")
	return h, err
}

// registerObservers makes the observable instruments, which read the
// registry's counters when metrics are collected, and registers the
// callback that does.
func registerObservers(m metric.Meter, reg *groupcache.Registry) (metric.Registration, error) {
	var err error
	counter := func(name, unit, desc string) metric.Int64ObservableCounter {
		if err != nil {
			return nil
		}
		var c metric.Int64ObservableCounter
		c, err = m.Int64ObservableCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		return c
	}
	upDown := func(name, unit, desc string) metric.Int64ObservableUpDownCounter {
		if err != nil {
			return nil
		}
		var c metric.Int64ObservableUpDownCounter
		c, err = m.Int64ObservableUpDownCounter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		return c
	}
	gets := counter("groupcache.gets", "{get}", "Gets, from this process and from peers (Stats.Gets).")
	hits := counter("groupcache.hits", "{hit}", "Gets answered by the main or hot cache (Stats.CacheHits).")
	loads := counter("groupcache.loads", "{load}", "Gets that missed the caches (Stats.Loads).")
	deduped := counter("groupcache.deduplicated_loads", "{load}", "Loads left after concurrent loads of a key were collapsed (Stats.LoadsDeduped).")
	localLoads := counter("groupcache.local.loads", "{load}", "Values loaded by this process's Getter (Stats.LocalLoads).")
	localErrs := counter("groupcache.local.load_errors", "{error}", "Getter runs that failed (Stats.LocalLoadErrs).")
	peerLoads := counter("groupcache.peer.loads", "{load}", "Values fetched from their owner (Stats.PeerLoads).")
	peerErrs := counter("groupcache.peer.errors", "{error}", "Fetches from an owner that failed, after which the key was loaded here (Stats.PeerErrors).")
	serverReqs := counter("groupcache.server.requests", "{request}", "Gets that came from peers (Stats.ServerRequests).")
	cacheGets := counter("groupcache.cache.gets", "{get}", "Lookups of a cache (CacheStats.Gets).")
	cacheHits := counter("groupcache.cache.hits", "{hit}", "Lookups of a cache that found the key (CacheStats.Hits).")
	evictions := counter("groupcache.cache.evictions", "{eviction}", "Entries dropped: for room (capacity, CacheStats.Evictions) or because a lookup found them expired (expired).")
	size := upDown("groupcache.cache.size", "By", "Bytes of keys and values in a cache (CacheStats.Bytes).")
	items := upDown("groupcache.cache.item.count", "{item}", "Entries in a cache (CacheStats.Items).")
	limit := upDown("groupcache.cache.limit", "By", "The byte budget that a group's main and hot caches share.")
	peers := upDown("groupcache.peer.count", "{peer}", "Peers in the HTTPPool's list, this process included.")
	if err != nil {
		return nil, err
	}
	mainType := attribute.String(string(AttrCacheType), "main")
	hotType := attribute.String(string(AttrCacheType), "hot")
	capacity := attribute.String(string(AttrEvictionReason), "capacity")
	expired := attribute.String(string(AttrEvictionReason), "expired")
	return m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for _, g := range reg.Groups() {
			group := AttrGroup.String(g.Name())
			at := metric.WithAttributes(group)
			s := &g.Stats
			o.ObserveInt64(gets, s.Gets.Get(), at)
			o.ObserveInt64(hits, s.CacheHits.Get(), at)
			o.ObserveInt64(loads, s.Loads.Get(), at)
			o.ObserveInt64(deduped, s.LoadsDeduped.Get(), at)
			o.ObserveInt64(localLoads, s.LocalLoads.Get(), at)
			o.ObserveInt64(localErrs, s.LocalLoadErrs.Get(), at)
			o.ObserveInt64(peerLoads, s.PeerLoads.Get(), at)
			o.ObserveInt64(peerErrs, s.PeerErrors.Get(), at)
			o.ObserveInt64(serverReqs, s.ServerRequests.Get(), at)
			o.ObserveInt64(limit, g.CacheBytes(), at)
			for _, c := range []struct {
				which groupcache.CacheType
				kind  attribute.KeyValue
			}{{groupcache.MainCache, mainType}, {groupcache.HotCache, hotType}} {
				cs := g.CacheStats(c.which)
				at := metric.WithAttributes(group, c.kind)
				o.ObserveInt64(cacheGets, cs.Gets, at)
				o.ObserveInt64(cacheHits, cs.Hits, at)
				o.ObserveInt64(size, cs.Bytes, at)
				o.ObserveInt64(items, cs.Items, at)
				o.ObserveInt64(evictions, cs.Evictions, metric.WithAttributes(group, c.kind, capacity))
				o.ObserveInt64(evictions, g.Expirations(c.which), metric.WithAttributes(group, c.kind, expired))
			}
		}
		if pool := reg.HTTPPool(); pool != nil {
			o.ObserveInt64(peers, int64(len(pool.Peers())))
		}
		return nil
	}, gets, hits, loads, deduped, localLoads, localErrs, peerLoads, peerErrs, serverReqs,
		cacheGets, cacheHits, evictions, size, items, limit, peers)
}
