package promgroupcache

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/seed3c1b93bc/groupcache"
)

// counterNames are the metrics whose values a test can predict exactly.
var counterNames = []string{
	"groupcache_gets_total", "groupcache_hits_total", "groupcache_loads_total",
	"groupcache_loads_deduped_total", "groupcache_local_loads_total",
	"groupcache_local_load_errs_total", "groupcache_peer_loads_total",
	"groupcache_peer_errors_total", "groupcache_server_requests_total",
	"groupcache_cache_bytes", "groupcache_cache_items", "groupcache_cache_gets_total",
	"groupcache_cache_hits_total", "groupcache_cache_evictions_total",
	"groupcache_cache_limit_bytes", "groupcache_peers",
}

func TestExpositionMatchesStats(t *testing.T) {
	reg := groupcache.NewRegistry()
	pool := groupcache.NewHTTPPoolOpts("http://127.0.0.1:1", &groupcache.HTTPPoolOptions{Registry: reg})
	pool.Set("http://127.0.0.1:1") // this process alone: every key is local
	g := reg.NewGroup("users", 1000, groupcache.GetterFunc(func(_ context.Context, key string, dest groupcache.Sink) error {
		if key == "bad" {
			return errors.New("database down")
		}
		return dest.SetString("0123456789") // 10 bytes
	}))
	c := New(reg, &Options{ConstLabels: prometheus.Labels{"app": "test"}})
	defer c.Close()
	var s string
	for _, k := range []string{"a", "b", "a", "a", "bad"} {
		g.Get(context.Background(), k, groupcache.StringSink(&s))
	}
	// Two keys of 11 bytes each in the main cache; five gets, two hits,
	// three loads, one of which failed.
	want := `
# HELP groupcache_cache_bytes Bytes of keys and values in a cache (CacheStats.Bytes).
# TYPE groupcache_cache_bytes gauge
groupcache_cache_bytes{app="test",group="users",type="hot"} 0
groupcache_cache_bytes{app="test",group="users",type="main"} 22
# HELP groupcache_cache_evictions_total Entries dropped from a cache: for room (reason capacity, CacheStats.Evictions) or because a lookup found them expired (reason expired).
# TYPE groupcache_cache_evictions_total counter
groupcache_cache_evictions_total{app="test",group="users",reason="capacity",type="hot"} 0
groupcache_cache_evictions_total{app="test",group="users",reason="capacity",type="main"} 0
groupcache_cache_evictions_total{app="test",group="users",reason="expired",type="hot"} 0
groupcache_cache_evictions_total{app="test",group="users",reason="expired",type="main"} 0
# HELP groupcache_cache_gets_total Lookups of a cache (CacheStats.Gets).
# TYPE groupcache_cache_gets_total counter
groupcache_cache_gets_total{app="test",group="users",type="hot"} 6
groupcache_cache_gets_total{app="test",group="users",type="main"} 8
# HELP groupcache_cache_hits_total Lookups of a cache that found the key (CacheStats.Hits).
# TYPE groupcache_cache_hits_total counter
groupcache_cache_hits_total{app="test",group="users",type="hot"} 0
groupcache_cache_hits_total{app="test",group="users",type="main"} 2
# HELP groupcache_cache_items Entries in a cache (CacheStats.Items).
# TYPE groupcache_cache_items gauge
groupcache_cache_items{app="test",group="users",type="hot"} 0
groupcache_cache_items{app="test",group="users",type="main"} 2
# HELP groupcache_cache_limit_bytes The byte budget that a group's main and hot caches share.
# TYPE groupcache_cache_limit_bytes gauge
groupcache_cache_limit_bytes{app="test",group="users"} 1000
# HELP groupcache_gets_total Gets, from this process and from peers (Stats.Gets).
# TYPE groupcache_gets_total counter
groupcache_gets_total{app="test",group="users"} 5
# HELP groupcache_hits_total Gets answered by the main or hot cache (Stats.CacheHits).
# TYPE groupcache_hits_total counter
groupcache_hits_total{app="test",group="users"} 2
# HELP groupcache_loads_deduped_total Loads left after concurrent loads of a key were collapsed (Stats.LoadsDeduped).
# TYPE groupcache_loads_deduped_total counter
groupcache_loads_deduped_total{app="test",group="users"} 3
# HELP groupcache_loads_total Gets that missed the caches (Stats.Loads).
# TYPE groupcache_loads_total counter
groupcache_loads_total{app="test",group="users"} 3
# HELP groupcache_local_load_errs_total Getter runs that failed (Stats.LocalLoadErrs).
# TYPE groupcache_local_load_errs_total counter
groupcache_local_load_errs_total{app="test",group="users"} 1
# HELP groupcache_local_loads_total Values loaded by this process's Getter (Stats.LocalLoads).
# TYPE groupcache_local_loads_total counter
groupcache_local_loads_total{app="test",group="users"} 2
# HELP groupcache_peer_errors_total Fetches from an owner that failed, after which the key was loaded here (Stats.PeerErrors).
# TYPE groupcache_peer_errors_total counter
groupcache_peer_errors_total{app="test",group="users"} 0
# HELP groupcache_peer_loads_total Values fetched from their owner (Stats.PeerLoads).
# TYPE groupcache_peer_loads_total counter
groupcache_peer_loads_total{app="test",group="users"} 0
# HELP groupcache_peers Peers in the HTTPPool's list, this process included.
# TYPE groupcache_peers gauge
groupcache_peers{app="test"} 1
# HELP groupcache_server_requests_total Gets that came from peers (Stats.ServerRequests).
# TYPE groupcache_server_requests_total counter
groupcache_server_requests_total{app="test",group="users"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), counterNames...); err != nil {
		t.Fatal(err)
	}
	// The expected text agrees with the engine's own figures.
	st, main := &g.Stats, g.CacheStats(groupcache.MainCache)
	if st.Gets.Get() != 5 || st.CacheHits.Get() != 2 || st.LocalLoadErrs.Get() != 1 || main.Bytes != 22 || main.Gets != 8 {
		t.Fatalf("Stats %+v, main cache %+v disagree with the expected text", st, main)
	}
	// Loads and Getter runs were timed, by outcome.
	counts := sampleCounts(t, c, "groupcache_load_duration_seconds")
	if counts[`group="users",outcome="ok"`] != 2 || counts[`group="users",outcome="_OTHER"`] != 1 {
		t.Errorf("load durations %v; want 2 ok and 1 _OTHER", counts)
	}
	if n := testutil.CollectAndCount(c, "groupcache_getter_duration_seconds"); n != 2 {
		t.Errorf("%d getter duration series; want 2 (ok and _OTHER)", n)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) != 0 {
		t.Errorf("lint: %v %v", problems, err)
	}
}

// sampleCounts returns the sample counts of the histogram name, by its
// labels other than the constant ones.
func sampleCounts(t *testing.T, c prometheus.Collector, name string) map[string]uint64 {
	t.Helper()
	r := prometheus.NewPedanticRegistry()
	r.MustRegister(c)
	defer r.Unregister(c)
	families, err := r.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			counts[labels(m)] = m.GetHistogram().GetSampleCount()
		}
	}
	return counts
}

func labels(m *dto.Metric) string {
	var parts []string
	for _, l := range m.GetLabel() {
		if l.GetName() != "app" {
			parts = append(parts, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
		}
	}
	return strings.Join(parts, ",")
}

func TestPeerRequestsTimedByPeer(t *testing.T) {
	// Two real peers on 127.0.0.1; A asks B for the keys B owns.
	type peer struct {
		url  string
		reg  *groupcache.Registry
		pool *groupcache.HTTPPool
		g    *groupcache.Group
	}
	var peers []*peer
	var urls []string
	for range 2 {
		p := &peer{reg: groupcache.NewRegistry()}
		srv := httptest.NewUnstartedServer(nil)
		p.url = "http://" + srv.Listener.Addr().String()
		p.pool = groupcache.NewHTTPPoolOpts(p.url, &groupcache.HTTPPoolOptions{Registry: p.reg})
		srv.Config.Handler = p.pool
		srv.Start()
		t.Cleanup(srv.Close)
		t.Cleanup(p.pool.CloseIdleConnections)
		p.g = p.reg.NewGroup("users", 1<<20, groupcache.GetterFunc(func(_ context.Context, key string, dest groupcache.Sink) error {
			return dest.SetString("v")
		}))
		peers = append(peers, p)
		urls = append(urls, p.url)
	}
	for _, p := range peers {
		p.pool.Set(urls...)
	}
	a, b := peers[0], peers[1]
	ca, cb := New(a.reg, nil), New(b.reg, nil)
	defer ca.Close()
	defer cb.Close()
	var s string
	for i := range 30 {
		if err := a.g.Get(context.Background(), fmt.Sprintf("k%d", i), groupcache.StringSink(&s)); err != nil {
			t.Fatal(err)
		}
	}
	host := strings.TrimPrefix(b.url, "http://")
	got := sampleCounts(t, ca, "groupcache_peer_request_duration_seconds")
	want := uint64(a.g.Stats.PeerLoads.Get())
	if key := `group="users",op="get",outcome="ok",peer="` + host + `"`; got[key] != want || want == 0 {
		t.Errorf("peer request counts %v; want %d for %s", got, want, key)
	}
	served := sampleCounts(t, cb, "groupcache_server_request_duration_seconds")
	if n := served[`group="users",op="get",outcome="ok"`]; n != uint64(b.g.Stats.ServerRequests.Get()) || n == 0 {
		t.Errorf("served counts %v; want %d gets", served, b.g.Stats.ServerRequests.Get())
	}
	if n := testutil.ToFloat64(prometheus.CollectorFunc(func(ch chan<- prometheus.Metric) {
		for m := range collectAll(ca) {
			if strings.Contains(m.Desc().String(), `"groupcache_peers"`) {
				ch <- m
			}
		}
	})); n != 2 {
		t.Errorf("groupcache_peers = %v; want 2", n)
	}
}

// collectAll returns a channel of everything c collects.
func collectAll(c prometheus.Collector) <-chan prometheus.Metric {
	ch := make(chan prometheus.Metric, 1024)
	c.Collect(ch)
	close(ch)
	return ch
}
