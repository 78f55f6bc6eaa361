package otelgroupcache

import (
	"context"
	"fmt"
	"maps"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// testPeer is one peer of a cluster in this process, instrumented with an
// SDK of its own whose spans and metrics the test reads.
type testPeer struct {
	url    string
	srv    *httptest.Server
	reg    *groupcache.Registry
	pool   *groupcache.HTTPPool
	group  *groupcache.Group
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	inst   *Instrumentation
}

// startPeers starts n instrumented peers on 127.0.0.1, all in one ring,
// each with a group "users" whose Getter answers "v:"+key, and
// ErrNotFound for keys that start with "missing".
func startPeers(t *testing.T, n int) []*testPeer {
	t.Helper()
	var peers []*testPeer
	var urls []string
	for range n {
		p := &testPeer{reg: groupcache.NewRegistry(), spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
		srv := httptest.NewUnstartedServer(nil)
		p.srv = srv
		p.url = "http://" + srv.Listener.Addr().String()
		p.pool = groupcache.NewHTTPPoolOpts(p.url, &groupcache.HTTPPoolOptions{Registry: p.reg})
		srv.Config.Handler = p.pool
		srv.Start()
		t.Cleanup(srv.Close)
		t.Cleanup(p.pool.CloseIdleConnections)
		p.group = p.reg.NewGroup("users", 1<<20, groupcache.GetterFunc(func(ctx context.Context, key string, dest groupcache.Sink) error {
			if strings.HasPrefix(key, "missing") {
				return groupcache.ErrNotFound
			}
			return dest.SetString("v:" + key)
		}))
		p.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(p.spans))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(p.reader))
		inst, err := Instrument(p.reg, &Options{MeterProvider: mp, TracerProvider: p.tp})
		if err != nil {
			t.Fatal(err)
		}
		p.inst = inst
		t.Cleanup(func() { inst.Close() })
		peers = append(peers, p)
		urls = append(urls, p.url)
	}
	for _, p := range peers {
		p.pool.Set(urls...)
	}
	return peers
}

// keyOwnedBy returns a key with the given prefix that owner owns.
func keyOwnedBy(t *testing.T, asker, owner *testPeer, prefix string) string {
	t.Helper()
	for i := range 10000 {
		k := prefix + strconv.Itoa(i)
		p, remote := asker.pool.PickPeer(k)
		if asker == owner && !remote || remote && strings.HasPrefix(fmt.Sprint(p), owner.url+"/") {
			return k
		}
	}
	t.Fatalf("no key owned by %s", owner.url)
	return ""
}

func get(t *testing.T, ctx context.Context, p *testPeer, key string) {
	t.Helper()
	var s string
	err := p.group.Get(ctx, key, groupcache.StringSink(&s))
	if err != nil && !strings.HasPrefix(key, "missing") || err == nil && s != "v:"+key {
		t.Fatalf("Get(%q) = %q, %v", key, s, err)
	}
}

func collect(t *testing.T, p *testPeer) map[string]metricdata.Metrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := p.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	m := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		if sm.Scope.Name != ScopeName {
			t.Errorf("scope %q; want %q", sm.Scope.Name, ScopeName)
		}
		for _, x := range sm.Metrics {
			m[x.Name] = x
		}
	}
	return m
}

// attrsString renders an attribute set as "k=v,k=v", sorted by key.
func attrsString(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		parts = append(parts, string(kv.Key)+"="+kv.Value.Emit())
	}
	return strings.Join(parts, ",")
}

// sums returns the data points of an Int64 sum by their attributes, and
// whether the sum is monotonic.
func sums(t *testing.T, m metricdata.Metrics) (map[string]int64, bool) {
	t.Helper()
	s, ok := m.Data.(metricdata.Sum[int64])
	if !ok {
		t.Fatalf("%s is a %T; want an int64 sum", m.Name, m.Data)
	}
	pts := map[string]int64{}
	for _, dp := range s.DataPoints {
		pts[attrsString(dp.Attributes)] = dp.Value
	}
	return pts, s.IsMonotonic
}

// histogramCounts returns the counts of a float64 histogram by attributes.
func histogramCounts(t *testing.T, m metricdata.Metrics) map[string]uint64 {
	t.Helper()
	h, ok := m.Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("%s is a %T; want a float64 histogram", m.Name, m.Data)
	}
	counts := map[string]uint64{}
	for _, dp := range h.DataPoints {
		counts[attrsString(dp.Attributes)] = dp.Count
		if dp.Sum < 0 || len(dp.Bounds) != len(durationBuckets) {
			t.Errorf("%s: sum %v, %d bounds", m.Name, dp.Sum, len(dp.Bounds))
		}
	}
	return counts
}

func TestMetricsMatchStats(t *testing.T) {
	peers := startPeers(t, 2)
	a, b := peers[0], peers[1]
	ctx := context.Background()
	local, remote := keyOwnedBy(t, a, a, "k"), keyOwnedBy(t, a, b, "k")
	for range 3 {
		get(t, ctx, a, local)
		get(t, ctx, a, remote)
	}
	missingLocal, missingRemote := keyOwnedBy(t, a, a, "missing"), keyOwnedBy(t, a, b, "missing")
	get(t, ctx, a, missingLocal)
	get(t, ctx, a, missingRemote)
	for i := range 20 {
		get(t, ctx, a, fmt.Sprintf("more-%d", i))
	}

	m := collect(t, a)
	st := &a.group.Stats
	g := "groupcache.group=users"
	for name, want := range map[string]int64{
		"groupcache.gets":               st.Gets.Get(),
		"groupcache.hits":               st.CacheHits.Get(),
		"groupcache.loads":              st.Loads.Get(),
		"groupcache.deduplicated_loads": st.LoadsDeduped.Get(),
		"groupcache.local.loads":        st.LocalLoads.Get(),
		"groupcache.local.load_errors":  st.LocalLoadErrs.Get(),
		"groupcache.peer.loads":         st.PeerLoads.Get(),
		"groupcache.peer.errors":        st.PeerErrors.Get(),
		"groupcache.server.requests":    st.ServerRequests.Get(),
		"groupcache.cache.limit":        1 << 20,
	} {
		pts, _ := sums(t, m[name])
		if got, ok := pts[g]; !ok || got != want {
			t.Errorf("%s{%s} = %d (%v); Stats say %d", name, g, got, pts, want)
		}
	}
	for _, c := range []struct {
		kind  string
		which groupcache.CacheType
	}{{"main", groupcache.MainCache}, {"hot", groupcache.HotCache}} {
		cs := a.group.CacheStats(c.which)
		attrs := set(g, "groupcache.cache.type="+c.kind)
		for name, want := range map[string]int64{
			"groupcache.cache.gets":       cs.Gets,
			"groupcache.cache.hits":       cs.Hits,
			"groupcache.cache.size":       cs.Bytes,
			"groupcache.cache.item.count": cs.Items,
		} {
			pts, _ := sums(t, m[name])
			if got, ok := pts[attrs]; !ok || got != want {
				t.Errorf("%s{%s} = %d (%v); CacheStats say %d", name, attrs, got, pts, want)
			}
		}
		ev, _ := sums(t, m["groupcache.cache.evictions"])
		if got, ok := ev[set(attrs, "groupcache.eviction.reason=capacity")]; !ok || got != cs.Evictions {
			t.Errorf("capacity evictions of %s = %d (%v); want %d", c.kind, got, ev, cs.Evictions)
		}
		if got, ok := ev[set(attrs, "groupcache.eviction.reason=expired")]; !ok || got != a.group.Expirations(c.which) {
			t.Errorf("expired evictions of %s = %d; want %d", c.kind, got, a.group.Expirations(c.which))
		}
	}
	if pts, _ := sums(t, m["groupcache.peer.count"]); pts[""] != 2 {
		t.Errorf("groupcache.peer.count = %v; want 2", pts)
	}

	// Counters are monotonic sums; sizes and counts of things are not.
	for name, x := range m {
		if _, isSum := x.Data.(metricdata.Sum[int64]); !isSum {
			continue
		}
		_, mono := sums(t, x)
		upDown := strings.HasSuffix(name, ".size") || strings.HasSuffix(name, ".count") || strings.HasSuffix(name, ".limit")
		if mono == upDown {
			t.Errorf("%s: monotonic %v", name, mono)
		}
		if x.Unit == "" || x.Description == "" {
			t.Errorf("%s: unit %q, description %q", name, x.Unit, x.Description)
		}
	}

	// Every load, Getter run and peer request was timed, with its
	// outcome.
	loads := histogramCounts(t, m["groupcache.load.duration"])
	var n uint64
	for _, c := range loads {
		n += c
	}
	if int64(n) != st.Loads.Get() || loads[set(g, "error.type=not_found")] != 2 {
		t.Errorf("load.duration counts %v; want %d in all, 2 not found", loads, st.Loads.Get())
	}
	host, port := hostPort(t, b.url)
	peerAttrs := set(g, "groupcache.operation=get", "server.address="+host, "server.port="+port)
	reqs := histogramCounts(t, m["groupcache.peer.request.duration"])
	if reqs[peerAttrs] != uint64(st.PeerLoads.Get()) || reqs[set(peerAttrs, "error.type=not_found")] != 1 {
		t.Errorf("peer.request.duration counts %v; want %d for %s and 1 not found", reqs, st.PeerLoads.Get(), peerAttrs)
	}
	getters := histogramCounts(t, m["groupcache.getter.duration"])
	if int64(getters[g]) != st.LocalLoads.Get() {
		t.Errorf("getter.duration counts %v; want %d", getters, st.LocalLoads.Get())
	}
	served := histogramCounts(t, collect(t, b)["groupcache.server.request.duration"])
	if served[set(g, "groupcache.operation=get")] == 0 {
		t.Errorf("owner's server.request.duration counts %v; want some gets", served)
	}

	// No attribute of any point names a key.
	for name, x := range m {
		for _, attrs := range pointAttrs(x) {
			for _, k := range []string{local, remote, missingLocal, missingRemote, "more-"} {
				if strings.Contains(attrs, k) {
					t.Errorf("%s has an attribute with key %q: %s", name, k, attrs)
				}
			}
		}
	}
}

// set returns the attributes given as "k=v" strings, or as lists of
// them, as attrsString renders them.
func set(parts ...string) string {
	var all []string
	for _, p := range parts {
		all = append(all, strings.Split(p, ",")...)
	}
	slices.Sort(all)
	return strings.Join(all, ",")
}

func pointAttrs(m metricdata.Metrics) []string {
	var out []string
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, dp := range d.DataPoints {
			out = append(out, attrsString(dp.Attributes))
		}
	case metricdata.Histogram[float64]:
		for _, dp := range d.DataPoints {
			out = append(out, attrsString(dp.Attributes))
		}
	}
	return out
}

func hostPort(t *testing.T, base string) (string, string) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Hostname(), u.Port()
}

// TestTraceAcrossPeers checks that one trace holds the caller's span, the
// asking peer's load and request, and the owner's answer, load and
// Getter, each the child of the one before.
func TestTraceAcrossPeers(t *testing.T) {
	peers := startPeers(t, 2)
	a, b := peers[0], peers[1]
	key := keyOwnedBy(t, a, b, "k")
	ctx, root := a.tp.Tracer("test").Start(context.Background(), "handle request")
	get(t, ctx, a, key)
	root.End()

	aSpans := ended(t, a.spans, 3)
	bSpans := ended(t, b.spans, 3)
	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range append(aSpans, bSpans...) {
		if s.SpanContext().TraceID() != root.SpanContext().TraceID() {
			t.Errorf("span %s is in trace %s; want %s", s.Name(), s.SpanContext().TraceID(), root.SpanContext().TraceID())
		}
		byName[s.Name()+"@"+peerOf(s, aSpans)] = s
	}
	chain := []struct {
		name string
		kind trace.SpanKind
	}{
		{"handle request@A", trace.SpanKindInternal},
		{"groupcache.load@A", trace.SpanKindInternal},
		{"groupcache.peer.get@A", trace.SpanKindClient},
		{"groupcache.serve.get@B", trace.SpanKindServer},
		{"groupcache.load@B", trace.SpanKindInternal},
		{"groupcache.getter@B", trace.SpanKindInternal},
	}
	for i, c := range chain {
		s, ok := byName[c.name]
		if !ok {
			t.Fatalf("no span %s among %v", c.name, slices.Sorted(maps.Keys(byName)))
		}
		if s.SpanKind() != c.kind {
			t.Errorf("%s: kind %v; want %v", c.name, s.SpanKind(), c.kind)
		}
		if i > 0 {
			parent := byName[chain[i-1].name]
			if s.Parent().SpanID() != parent.SpanContext().SpanID() {
				t.Errorf("%s: parent %s; want %s", c.name, s.Parent().SpanID(), chain[i-1].name)
			}
		}
	}
	if !byName["groupcache.serve.get@B"].Parent().IsRemote() {
		t.Error("the owner's span does not have a remote parent")
	}
	want := map[attribute.Key]string{AttrGroup: "users", AttrOperation: "get", AttrServerAddress: "127.0.0.1"}
	for _, kv := range byName["groupcache.peer.get@A"].Attributes() {
		if w, ok := want[kv.Key]; ok && kv.Value.Emit() == w {
			delete(want, kv.Key)
		}
	}
	if len(want) != 0 {
		t.Errorf("peer.get span lacks attributes %v", want)
	}
}

// peerOf names the peer that recorded s: A if it is among aSpans.
func peerOf(s sdktrace.ReadOnlySpan, aSpans []sdktrace.ReadOnlySpan) string {
	if slices.Contains(aSpans, s) {
		return "A"
	}
	return "B"
}

// ended returns the spans rec has, once it has at least n: the owner may
// end its last span just after the asker has its answer.
func ended(t *testing.T, rec *tracetest.SpanRecorder, n int) []sdktrace.ReadOnlySpan {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		spans := rec.Ended()
		if len(spans) >= n || time.Now().After(deadline) {
			return spans
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFailedPeerRequestIsAnErrorSpan(t *testing.T) {
	peers := startPeers(t, 2)
	a, b := peers[0], peers[1]
	key := keyOwnedBy(t, a, b, "k")
	// B refuses connections from now on: A loads the key itself.
	b.srv.Close()
	get(t, context.Background(), a, key)
	var found bool
	for _, s := range a.spans.Ended() {
		if s.Name() == "groupcache.peer.get" {
			found = true
			if s.Status().Code.String() != "Error" || s.Status().Description != "connection_refused" {
				t.Errorf("failed request span status %v", s.Status())
			}
		}
	}
	if !found {
		t.Fatal("no peer.get span")
	}
}

func TestCloseStopsReporting(t *testing.T) {
	peers := startPeers(t, 1)
	a := peers[0]
	get(t, context.Background(), a, "k")
	if err := a.inst.Close(); err != nil {
		t.Fatal(err)
	}
	before := len(a.spans.Ended())
	get(t, context.Background(), a, "k2")
	if n := len(a.spans.Ended()); n != before {
		t.Errorf("%d spans after Close", n-before)
	}
	m := collect(t, a)
	if _, ok := m["groupcache.gets"]; ok {
		t.Error("groupcache.gets still collected after Close")
	}
}
