package groupcache_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

func ExampleGroup_Get() {
	reg := groupcache.NewRegistry() // groupcache.NewGroup uses DefaultRegistry
	loads := 0
	greetings := reg.NewGroup("greetings", 1<<20, groupcache.GetterFunc(
		func(ctx context.Context, name string, dest groupcache.Sink) error {
			loads++
			return dest.SetString("hello, " + name)
		}))

	for i := 0; i < 3; i++ {
		var s string
		if err := greetings.Get(context.Background(), "gopher", groupcache.StringSink(&s)); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(s)
	}
	fmt.Println("loads:", loads, "hits:", greetings.Stats.CacheHits.Get())
	// Output:
	// hello, gopher
	// hello, gopher
	// hello, gopher
	// loads: 1 hits: 2
}

// Three peers, each with its own Registry and HTTPPool as separate
// processes would have, share one ring: whichever peer is asked, a key is
// loaded once, by its owner.
func ExampleHTTPPool() {
	var urls []string
	var pools []*groupcache.HTTPPool
	var groups []*groupcache.Group
	loadedBy := map[string]string{}
	for i := 0; i < 3; i++ {
		reg := groupcache.NewRegistry()
		srv := httptest.NewUnstartedServer(nil)
		self := "http://" + srv.Listener.Addr().String()
		pool := groupcache.NewHTTPPoolOpts(self, &groupcache.HTTPPoolOptions{Registry: reg})
		srv.Config.Handler = pool
		srv.Start()
		defer srv.Close()
		urls = append(urls, self)
		peer := fmt.Sprint("peer", i)
		groups = append(groups, reg.NewGroup("squares", 1<<20, groupcache.GetterFunc(
			func(ctx context.Context, key string, dest groupcache.Sink) error {
				loadedBy[key] += peer + " " // only owners load: no two peers write at once here
				return dest.SetString(strings.Repeat("*", len(key)))
			})))
		pools = append(pools, pool)
	}
	for _, p := range pools {
		p.Set(urls...)
	}
	for _, g := range groups {
		var s string
		if err := g.Get(context.Background(), "abc", groupcache.StringSink(&s)); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(s)
	}
	fmt.Println("loads of abc:", len(strings.Fields(loadedBy["abc"])))
	// Output:
	// ***
	// ***
	// ***
	// loads of abc: 1
}

func ExampleSetExpiry() {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	version := 0
	prices := groupcache.NewRegistry().NewGroupOpts("prices", 1<<20, groupcache.GetterFunc(
		func(ctx context.Context, sku string, dest groupcache.Sink) error {
			version++
			groupcache.SetExpiry(dest, now.Add(time.Minute)) // valid for a minute
			return dest.SetString(fmt.Sprintf("%s costs %d", sku, 100+version))
		}), &groupcache.GroupOptions{Now: func() time.Time { return now }})

	get := func() string {
		var s string
		prices.Get(context.Background(), "tea", groupcache.StringSink(&s))
		return s
	}
	fmt.Println(get())
	now = now.Add(30 * time.Second)
	fmt.Println(get()) // still cached
	now = now.Add(30 * time.Second)
	fmt.Println(get()) // expired: loaded again
	// Output:
	// tea costs 101
	// tea costs 101
	// tea costs 102
}

func ExampleGroup_Set() {
	g := groupcache.NewRegistry().NewGroup("flags", 1<<20, groupcache.GetterFunc(
		func(ctx context.Context, key string, dest groupcache.Sink) error {
			return dest.SetString("off")
		}))
	ctx := context.Background()
	var s string
	g.Get(ctx, "beta", groupcache.StringSink(&s))
	fmt.Println(s)
	if err := g.Set(ctx, "beta", []byte("on"), time.Time{}); err != nil {
		fmt.Println(err)
	}
	g.Get(ctx, "beta", groupcache.StringSink(&s))
	fmt.Println(s)
	if err := g.Remove(ctx, "beta"); err != nil {
		fmt.Println(err)
	}
	g.Get(ctx, "beta", groupcache.StringSink(&s))
	fmt.Println(s)
	// Output:
	// off
	// on
	// off
}
