package bench

import (
	"context"
	"sync"

	"github.com/golang/groupcache"
	"github.com/seed3c1b93bc/groupcache/bench/internal/peerproc"
)

// Upstream is golang/groupcache at its last commit. Its groups live in one
// process-wide namespace and are never freed, so benchmarks that make many
// of them keep them small. Its groups consult the client's pool once the
// client exists; the pool picks no peer while its ring is empty.
var Upstream = Impl{
	Name: "upstream",
	NewGroup: func(cacheBytes int64, src *Source) Group {
		getter := groupcache.GetterFunc(func(_ context.Context, _ string, dest groupcache.Sink) error {
			return src.load(dest)
		})
		return upstreamGroup{groupcache.NewGroup(newGroupName(), cacheBytes, getter)}
	},
	Client: sync.OnceValue(newUpstreamClient),
}

type upstreamGroup struct{ g *groupcache.Group }

func (g upstreamGroup) GetView(ctx context.Context, key string) (int, error) {
	var v groupcache.ByteView
	err := g.g.Get(ctx, key, groupcache.ByteViewSink(&v))
	return v.Len(), err
}

func (g upstreamGroup) GetString(ctx context.Context, key string) (string, error) {
	var s string
	err := g.g.Get(ctx, key, groupcache.StringSink(&s))
	return s, err
}

func (g upstreamGroup) Items() int64 { return g.g.CacheStats(groupcache.MainCache).Items }

type upstreamClient struct {
	pool  *groupcache.HTTPPool
	group upstreamGroup
}

func newUpstreamClient() Client {
	pool := groupcache.NewHTTPPoolOpts(clientSelf, nil)
	getter := groupcache.GetterFunc(func(context.Context, string, groupcache.Sink) error {
		return errClientLoad
	})
	return &upstreamClient{pool: pool, group: upstreamGroup{groupcache.NewGroup(peerproc.GroupName, 0, getter)}}
}

func (c *upstreamClient) SetPeers(urls ...string) { c.pool.Set(urls...) }

func (c *upstreamClient) GetView(ctx context.Context, key string) (int, error) {
	return c.group.GetView(ctx, key)
}
