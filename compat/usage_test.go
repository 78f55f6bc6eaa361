// This file is written against github.com/golang/groupcache's API, using
// its exported names the way its README and tests do; only the import
// paths are ours. TestUsageCompilesAgainstUpstream type-checks it with
// upstream's import paths, which keeps it from using anything upstream
// lacks. For that check it must stay self-contained, using nothing
// declared in the package's other files.

package compat_test

import (
	"bytes"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/consistenthash"
	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
	"github.com/seed3c1b93bc/groupcache/lru"
	"github.com/seed3c1b93bc/groupcache/singleflight"
	"github.com/seed3c1b93bc/groupcache/testpb"
)

// These register process-wide state that may be registered only once:
// the peer picker (NewHTTPPool and NewHTTPPoolOpts register one too) and
// the handler of NewHTTPPool. The usage below calls NewHTTPPoolOpts.
var (
	_ func(string) *groupcache.HTTPPool                              = groupcache.NewHTTPPool
	_ func(func() groupcache.PeerPicker)                             = groupcache.RegisterPeerPicker
	_ func(func(groupName string) groupcache.PeerPicker)             = groupcache.RegisterPerGroupPeerPicker
	_ func(string, int64, groupcache.Getter) *groupcache.Group       = groupcache.NewGroup
	_ func(groupcache.Context, string, groupcache.Sink) error        = groupcache.GetterFunc(nil).Get
	_ func(groupcache.CacheType) groupcache.CacheStats               = (*groupcache.Group)(nil).CacheStats
	_ func(string, *groupcache.HTTPPoolOptions) *groupcache.HTTPPool = groupcache.NewHTTPPoolOpts
)

// usage is the process's peer, made once however often the tests run, as
// upstream's globals allow. Its server lives as long as the process.
var usage struct {
	once          sync.Once
	pool          *groupcache.HTTPPool
	server        *httptest.Server
	thumbnails    *groupcache.Group
	protos        *groupcache.Group
	mu            sync.Mutex
	hookedGroups  []string
	serverStarted bool
}

const thumbnailsGroup = "compat-usage-thumbnails"

func setUpUsage() {
	usage.once.Do(func() {
		groupcache.RegisterNewGroupHook(func(g *groupcache.Group) {
			usage.mu.Lock()
			usage.hookedGroups = append(usage.hookedGroups, g.Name())
			usage.mu.Unlock()
		})
		groupcache.RegisterServerStart(func() {
			usage.mu.Lock()
			usage.serverStarted = true
			usage.mu.Unlock()
		})

		usage.server = httptest.NewUnstartedServer(nil)
		me := "http://" + usage.server.Listener.Addr().String()
		opts := &groupcache.HTTPPoolOptions{BasePath: "/_groupcache/", Replicas: 50, HashFn: crc32.ChecksumIEEE}
		usage.pool = groupcache.NewHTTPPoolOpts(me, opts)
		usage.pool.Context = func(r *http.Request) context.Context { return r.Context() }
		usage.pool.Transport = func(context.Context) http.RoundTripper { return http.DefaultTransport }
		mux := http.NewServeMux()
		mux.Handle(opts.BasePath, usage.pool)
		usage.server.Config.Handler = mux
		usage.server.Start()
		// Whenever peers change:
		usage.pool.Set(me)

		usage.thumbnails = groupcache.NewGroup(thumbnailsGroup, 64<<20, groupcache.GetterFunc(
			func(ctx context.Context, key string, dest groupcache.Sink) error {
				fileName := key
				return dest.SetBytes([]byte("thumbnail of " + fileName))
			}))
		usage.protos = groupcache.NewGroup("compat-usage-protos", 1<<20, groupcache.GetterFunc(
			func(_ groupcache.Context, key string, dest groupcache.Sink) error {
				name, city := "ada", "london"
				return dest.SetProto(&testpb.TestMessage{Name: &name, City: &city})
			}))
	})
}

func TestUsageGroup(t *testing.T) {
	setUpUsage()
	ctx := context.Background()
	g := groupcache.GetGroup(thumbnailsGroup)
	if g != usage.thumbnails || g.Name() != thumbnailsGroup {
		t.Fatalf("GetGroup(%q) = %v", thumbnailsGroup, g)
	}
	usage.mu.Lock()
	hooked, started := strings.Join(usage.hookedGroups, ","), usage.serverStarted
	usage.mu.Unlock()
	if hooked != thumbnailsGroup+",compat-usage-protos" || !started {
		t.Errorf("hooks saw groups %q, server start %t", hooked, started)
	}

	const want = "thumbnail of big-file.jpg"
	var data []byte
	if err := g.Get(ctx, "big-file.jpg", groupcache.AllocatingByteSliceSink(&data)); err != nil || string(data) != want {
		t.Fatalf("AllocatingByteSliceSink: %q, %v", data, err)
	}
	var s string
	if err := g.Get(ctx, "big-file.jpg", groupcache.StringSink(&s)); err != nil || s != want {
		t.Errorf("StringSink: %q, %v", s, err)
	}
	short := make([]byte, 9)
	if err := g.Get(ctx, "big-file.jpg", groupcache.TruncatingByteSliceSink(&short)); err != nil || string(short) != want[:9] {
		t.Errorf("TruncatingByteSliceSink: %q, %v", short, err)
	}
	var v groupcache.ByteView
	if err := g.Get(ctx, "big-file.jpg", groupcache.ByteViewSink(&v)); err != nil {
		t.Fatalf("ByteViewSink: %v", err)
	}
	checkByteView(t, v, want)

	var stats *groupcache.Stats = &g.Stats
	for _, n := range []*groupcache.AtomicInt{&stats.Gets, &stats.CacheHits, &stats.PeerLoads, &stats.PeerErrors,
		&stats.Loads, &stats.LoadsDeduped, &stats.LocalLoads, &stats.LocalLoadErrs, &stats.ServerRequests} {
		if n.Get() < 0 || n.String() == "" {
			t.Errorf("stat %v", n)
		}
	}
	if stats.Gets.Get() < 4 || stats.CacheHits.Get() < 3 {
		t.Errorf("Gets %s, CacheHits %s; want at least 4 and 3", &stats.Gets, &stats.CacheHits)
	}
	var main, hot groupcache.CacheStats = g.CacheStats(groupcache.MainCache), g.CacheStats(groupcache.HotCache)
	if main.Items < 1 || main.Bytes <= 0 || main.Gets < 1 || main.Hits < 1 || main.Evictions != 0 || hot.Items != 0 {
		t.Errorf("main cache %+v, hot cache %+v", main, hot)
	}
	var ai groupcache.AtomicInt
	ai.Add(2)
	if ai.Get() != 2 || ai.String() != "2" {
		t.Errorf("AtomicInt = %s", &ai)
	}
}

func checkByteView(t *testing.T, v groupcache.ByteView, want string) {
	t.Helper()
	if v.Len() != len(want) || v.String() != want || string(v.ByteSlice()) != want || v.At(0) != want[0] {
		t.Errorf("ByteView %q; want %q", v, want)
	}
	if !v.Equal(v.Slice(0, v.Len())) || !v.EqualString(want) || !v.EqualBytes([]byte(want)) ||
		v.SliceFrom(3).String() != want[3:] {
		t.Errorf("ByteView comparisons or slices of %q", v)
	}
	b := make([]byte, 4)
	if n := v.Copy(b); n != 4 || string(b) != want[:4] {
		t.Errorf("Copy = %d, %q", n, b)
	}
	if n, err := v.ReadAt(b, 2); n != 4 || err != nil || string(b) != want[2:6] {
		t.Errorf("ReadAt = %d, %v, %q", n, err, b)
	}
	if all, err := io.ReadAll(v.Reader()); err != nil || string(all) != want {
		t.Errorf("Reader: %q, %v", all, err)
	}
	var buf bytes.Buffer
	if n, err := v.WriteTo(&buf); n != int64(len(want)) || err != nil || buf.String() != want {
		t.Errorf("WriteTo = %d, %v, %q", n, err, buf.String())
	}
}

func TestUsageProtoSink(t *testing.T) {
	setUpUsage()
	var m testpb.TestMessage
	if err := usage.protos.Get(context.Background(), "k", groupcache.ProtoSink(&m)); err != nil || m.GetName() != "ada" || m.GetCity() != "london" {
		t.Errorf("ProtoSink: %v, %v", &m, err)
	}
	var getter groupcache.Getter = groupcache.GetterFunc(func(ctx context.Context, key string, dest groupcache.Sink) error {
		return dest.SetString(key)
	})
	var s string
	if err := getter.Get(context.Background(), "x", groupcache.StringSink(&s)); err != nil || s != "x" {
		t.Errorf("Getter.Get: %q, %v", s, err)
	}
}

func TestUsageHTTPPool(t *testing.T) {
	setUpUsage()
	// The only peer is this process, so it owns every key.
	if peer, ok := usage.pool.PickPeer("big-file.jpg"); ok || peer != nil {
		t.Errorf("PickPeer = %v, %t; want nil, false", peer, ok)
	}
	res, err := http.Get(usage.server.URL + "/_groupcache/" + thumbnailsGroup + "/from-a-peer.jpg")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("thumbnail of from-a-peer.jpg")) {
		t.Errorf("peer request: %s, %q, %v", res.Status, body, err)
	}

	var picker groupcache.PeerPicker = groupcache.NoPeers{}
	if peer, ok := picker.PickPeer("k"); ok || peer != nil {
		t.Errorf("NoPeers.PickPeer = %v, %t", peer, ok)
	}
	picker = fakePeers{fakePeer("peer one")}
	peer, ok := picker.PickPeer("k")
	if !ok {
		t.Fatal("fakePeers.PickPeer found no peer")
	}
	group, key := thumbnailsGroup, "k"
	out := new(pb.GetResponse)
	if err := peer.Get(context.Background(), &pb.GetRequest{Group: &group, Key: &key}, out); err != nil ||
		string(out.GetValue()) != "peer one:k" || out.GetMinuteQps() != 1 {
		t.Errorf("fakePeer.Get: %v, %v", out, err)
	}
}

// fakePeers and fakePeer implement the peer interfaces, as upstream's
// tests do.
type fakePeers []groupcache.ProtoGetter

func (p fakePeers) PickPeer(key string) (groupcache.ProtoGetter, bool) {
	if len(p) == 0 {
		return nil, false
	}
	return p[crc32.ChecksumIEEE([]byte(key))%uint32(len(p))], true
}

type fakePeer string

func (p fakePeer) Get(_ context.Context, in *pb.GetRequest, out *pb.GetResponse) error {
	qps := 1.0
	out.Value = []byte(string(p) + ":" + in.GetKey())
	out.MinuteQps = &qps
	return nil
}

func TestUsageProtos(t *testing.T) {
	group, key := "g", "k"
	req := &pb.GetRequest{Group: &group, Key: &key}
	if req.GetGroup() != group || req.GetKey() != key || req.String() == "" {
		t.Errorf("GetRequest %v", req)
	}
	req.Reset()
	req.ProtoMessage()
	if req.Group != nil || req.GetKey() != "" {
		t.Errorf("reset GetRequest %v", req)
	}
	var tr testpb.TestRequest
	if tr.GetRepeatCount() != testpb.Default_TestRequest_RepeatCount || tr.GetLower() != "" {
		t.Errorf("TestRequest defaults: %d", tr.GetRepeatCount())
	}
	items := int64(3)
	sr := &testpb.StatsResponse{MainCache: &testpb.CacheStats{Items: &items}, HotCache: &testpb.CacheStats{}}
	if sr.GetMainCache().GetItems() != 3 || sr.GetHotCache().GetEvicts() != 0 || sr.GetGets() != 0 {
		t.Errorf("StatsResponse %v", sr)
	}
	_ = []any{&testpb.TestResponse{}, &testpb.Empty{}, new(pb.GetResponse)}
}

func TestUsageLRU(t *testing.T) {
	var evicted []lru.Key
	c := lru.New(2)
	c.OnEvicted = func(key lru.Key, value interface{}) { evicted = append(evicted, key) }
	c.Add("a", 1)
	c.Add("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Errorf("Get(a) = %v, %t", v, ok)
	}
	c.Add("c", 3) // evicts b, the least recently used
	c.Remove("a")
	c.RemoveOldest()
	if c.Len() != 0 || len(evicted) != 3 || evicted[0] != "b" {
		t.Errorf("Len %d, evicted %v", c.Len(), evicted)
	}
	c.MaxEntries = 0
	c.Add(1, "one")
	c.Clear()
	if c.Len() != 0 {
		t.Errorf("Len after Clear = %d", c.Len())
	}
}

func TestUsageConsistentHash(t *testing.T) {
	var hash consistenthash.Hash = crc32.ChecksumIEEE
	m := consistenthash.New(3, hash)
	if !m.IsEmpty() || m.Get("k") != "" {
		t.Error("new ring not empty")
	}
	m.Add("a", "b", "c")
	if m.IsEmpty() || !strings.Contains("abc", m.Get("k")) {
		t.Errorf("Get(k) = %q", m.Get("k"))
	}
}

func TestUsageSingleflight(t *testing.T) {
	var g singleflight.Group
	v, err := g.Do("k", func() (interface{}, error) { return "v", nil })
	if v != "v" || err != nil {
		t.Errorf("Do = %v, %v", v, err)
	}
	boom := errors.New("boom")
	if _, err := g.Do("k", func() (interface{}, error) { return nil, boom }); err != boom {
		t.Errorf("Do error = %v; want %v", err, boom)
	}
}
