package groupcache

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"sort"
	"testing"
)

// TestHotCacheMirrorsAfterSecondFetch asks one peer, over and over, for a
// key that another owns: the key crosses the network twice, then every Get
// is answered from the hot cache. Upstream's 1-in-10 random admission
// fetched such a key about ten times first.
func TestHotCacheMirrorsAfterSecondFetch(t *testing.T) {
	c := startCluster(t, 3, 1<<20, nil, nil)
	p := c.peers[0]
	key := c.keysOwnedBy(c.peers[1], 1)[0]
	for range 20 {
		if got := getString(t, p.group, key); got != "v:"+key {
			t.Fatalf("Get(%q) = %q", key, got)
		}
	}
	if n := p.group.Stats.PeerLoads.Get(); n != 2 {
		t.Fatalf("20 Gets of one remote key made %d peer requests; want 2", n)
	}
	if st := p.group.CacheStats(HotCache); st.Items != 1 || st.Hits != 18 {
		t.Fatalf("hot cache %+v; want the key, hit 18 times", st)
	}
}

// TestScanOfOneOffKeysEvictsNoHotCopy mirrors a few remote keys in a hot
// cache with room for little more, then asks for ten times as many remote
// keys once each: none of those is mirrored, so the hot copies stay.
func TestScanOfOneOffKeysEvictsNoHotCopy(t *testing.T) {
	c := startCluster(t, 3, 4<<10, nil, nil)
	p := c.peers[0]
	remote := append(c.keysOwnedBy(c.peers[1], 205), c.keysOwnedBy(c.peers[2], 205)...)
	hot, scan := remote[:10], remote[10:]
	for range 2 {
		for _, k := range hot {
			getString(t, p.group, k)
		}
	}
	if st := p.group.CacheStats(HotCache); st.Items != int64(len(hot)) {
		t.Fatalf("hot cache %+v after two fetches of %d keys", st, len(hot))
	}
	for _, k := range scan {
		getString(t, p.group, k)
	}
	before := p.group.Stats.PeerLoads.Get()
	for _, k := range hot {
		getString(t, p.group, k)
	}
	if n := p.group.Stats.PeerLoads.Get() - before; n != 0 {
		t.Fatalf("after a scan of %d one-off keys, %d of %d hot keys were fetched again", len(scan), n, len(hot))
	}
}

// BenchmarkHotCacheZipf replays, on one of three peers, a fixed trace of
// Zipf(1.0) requests over hotZipfKeys keys, with a budget that holds about
// a tenth of them, and reports: peer round trips per Get of a key owned
// elsewhere (fetches/remote-get), the mean round trips of the 100 most
// asked-for remote keys (fetches/hot-key), and the hot cache's hit ratio
// on keys owned elsewhere (hot-hit%). Run it once per figure:
//
//	go test -run '^$' -bench HotCacheZipf -benchtime 1x .
func BenchmarkHotCacheZipf(b *testing.B) {
	const (
		hotZipfKeys     = 20_000
		hotZipfRequests = 40_000
		cacheBytes      = hotZipfKeys / 10 * (8 + 2 + hotZipfKeyLen)
	)
	rng := rand.New(rand.NewPCG(3, 4))
	cdf := make([]float64, hotZipfKeys)
	sum := 0.0
	for k := range cdf {
		sum += 1 / float64(k+1)
		cdf[k] = sum
	}
	trace := make([]int, hotZipfRequests)
	for i := range trace {
		trace[i] = min(sort.SearchFloat64s(cdf, rng.Float64()*sum), hotZipfKeys-1)
	}
	for range b.N {
		peers := startBenchPeers(b, 3, cacheBytes)
		p := peers[0]
		fetches := make([]int, hotZipfKeys)
		asked := make([]int, hotZipfKeys)
		remoteGets, remoteFetches := 0, int64(0)
		for _, k := range trace {
			key := hotZipfKey(k)
			_, remote := p.pool.PickPeer(key)
			owned := !remote
			before := p.group.Stats.PeerLoads.Get()
			var s string
			if err := p.group.Get(context.Background(), key, StringSink(&s)); err != nil {
				b.Fatal(err)
			}
			if owned {
				continue
			}
			n := int(p.group.Stats.PeerLoads.Get() - before)
			remoteGets++
			remoteFetches += int64(n)
			fetches[k] += n
			asked[k]++
		}
		hotFetches, hot := 0, 0
		for k := 0; k < hotZipfKeys && hot < 100; k++ {
			if asked[k] > 0 {
				hotFetches += fetches[k]
				hot++
			}
		}
		st := p.group.CacheStats(HotCache)
		b.ReportMetric(float64(remoteFetches)/float64(remoteGets), "fetches/remote-get")
		b.ReportMetric(float64(hotFetches)/math.Max(1, float64(hot)), "fetches/hot-key")
		b.ReportMetric(100*float64(st.Hits)/float64(remoteGets), "hot-hit%")
	}
}

const hotZipfKeyLen = 10

func hotZipfKey(k int) string {
	return fmt.Sprintf("z%09d", k)
}

// startBenchPeers is startCluster for a benchmark: n peers on 127.0.0.1,
// each with group "g" of cacheBytes whose value for a key is "v:"+key.
func startBenchPeers(b *testing.B, n int, cacheBytes int64) []*testPeer {
	var peers []*testPeer
	var urls []string
	for range n {
		p := &testPeer{reg: NewRegistry()}
		p.server = httptest.NewUnstartedServer(nil)
		p.url = "http://" + p.server.Listener.Addr().String()
		p.pool = NewHTTPPoolOpts(p.url, &HTTPPoolOptions{Registry: p.reg})
		p.server.Config.Handler = p.pool
		p.server.Start()
		b.Cleanup(p.server.Close)
		p.group = p.reg.NewGroup("g", cacheBytes, GetterFunc(func(_ context.Context, key string, dest Sink) error {
			return dest.SetString("v:" + key)
		}))
		peers = append(peers, p)
		urls = append(urls, p.url)
	}
	for _, p := range peers {
		p.pool.Set(urls...)
	}
	return peers
}
