package bench

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache"
	"github.com/seed3c1b93bc/groupcache/bench/internal/peerproc"
)

// Ours is this repository's engine. Each local group has a Registry of its
// own, so it has no peers and is freed with the benchmark that made it.
var Ours = Impl{
	Name: "ours",
	NewGroup: func(cacheBytes int64, src *Source) Group {
		getter := groupcache.GetterFunc(func(_ context.Context, _ string, dest groupcache.Sink) error {
			return src.load(dest)
		})
		return oursGroup{groupcache.NewRegistry().NewGroup(newGroupName(), cacheBytes, getter)}
	},
	Client: sync.OnceValue(newOursClient),
}

type oursGroup struct{ g *groupcache.Group }

func (g oursGroup) GetView(ctx context.Context, key string) (int, error) {
	var v groupcache.ByteView
	err := g.g.Get(ctx, key, groupcache.ByteViewSink(&v))
	return v.Len(), err
}

func (g oursGroup) GetString(ctx context.Context, key string) (string, error) {
	var s string
	err := g.g.Get(ctx, key, groupcache.StringSink(&s))
	return s, err
}

func (g oursGroup) Items() int64 { return g.g.CacheStats(groupcache.MainCache).Items }

type oursClient struct {
	pool  *groupcache.HTTPPool
	group oursGroup
}

func newOursClient() Client {
	r := groupcache.NewRegistry()
	pool := groupcache.NewHTTPPoolOpts(clientSelf, &groupcache.HTTPPoolOptions{Registry: r, CoalesceWait: coalesceWaitForBench()})
	getter := groupcache.GetterFunc(func(context.Context, string, groupcache.Sink) error {
		return errClientLoad
	})
	return &oursClient{pool: pool, group: oursGroup{r.NewGroup(peerproc.GroupName, 0, getter)}}
}

func (c *oursClient) SetPeers(urls ...string) { c.pool.Set(urls...) }

func (c *oursClient) GetView(ctx context.Context, key string) (int, error) {
	return c.group.GetView(ctx, key)
}

// GetMany gets keys with one GetMany call and returns the total length of
// their values.
func (c *oursClient) GetMany(ctx context.Context, keys []string) (int, error) {
	views := make([]groupcache.ByteView, len(keys))
	err := c.group.g.GetMany(ctx, keys, func(i int, _ string) groupcache.Sink {
		return groupcache.ByteViewSink(&views[i])
	})
	n := 0
	for _, v := range views {
		n += v.Len()
	}
	return n, err
}

// coalesceWaitForBench is the client pool's CoalesceWait: the duration in
// the environment variable BENCH_COALESCE_WAIT, so that a run can compare
// with coalescing off ("-1ns"); the default when unset.
func coalesceWaitForBench() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("BENCH_COALESCE_WAIT"))
	return d
}
