package rediscache

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/seed3c1b93bc/groupcache/cache/cachecore"
	"github.com/seed3c1b93bc/groupcache/cache/cachetest"
	"github.com/seed3c1b93bc/groupcache/cache/internal/drivertest"
)

// clusterBoot bounds starting the test cluster, from the first process
// to every node agreeing the cluster is up.
const clusterBoot = 30 * time.Second

// freeClusterPort returns a loopback port that is free, as is the port
// 10000 above it, which Redis Cluster uses for its bus.
func freeClusterPort(t *testing.T, taken map[int]bool) int {
	t.Helper()
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if port+10000 > 65535 || taken[port] || taken[port+10000] {
			continue
		}
		bus, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port+10000))
		if err != nil {
			continue
		}
		bus.Close()
		taken[port], taken[port+10000] = true, true
		return port
	}
	t.Fatal("no free port pair for a cluster node")
	return 0
}

// startServers starts n redis-server processes on loopback, with no
// persistence and args added, waits until each answers and returns
// their addresses and a client to each; the processes are killed when
// the test ends. Without redis-server on PATH it skips, or fails when CI
// is set.
func startServers(t *testing.T, ctx context.Context, n int, args ...string) ([]string, []*redis.Client) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		msg := "redis-server is not on PATH; install it (apt-get install redis-server) to test Redis Cluster and Ring"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	taken := map[int]bool{}
	var addrs []string
	var clients []*redis.Client
	for i := range n {
		port := freeClusterPort(t, taken)
		dir := t.TempDir()
		cmd := exec.Command(bin, append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"}, args...)...)
		if err := cmd.Start(); err != nil {
			t.Fatalf("start server %d: %v", i, err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		addrs = append(addrs, addr)
		c := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
		t.Cleanup(func() { c.Close() })
		clients = append(clients, c)
	}
	for i, c := range clients {
		waitFor(t, ctx, fmt.Sprintf("server %s to answer", addrs[i]), func() bool {
			return c.Ping(ctx).Err() == nil
		})
	}
	return addrs, clients
}

// startCluster starts a three-master Redis Cluster with startServers and
// returns its nodes' addresses.
func startCluster(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterBoot)
	defer cancel()
	// Each node's cluster configuration file lives in its --dir.
	addrs, clients := startServers(t, ctx, 3, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
	for i, c := range clients {
		first := i * 16384 / 3
		last := (i+1)*16384/3 - 1
		if err := c.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", first, last).Err(); err != nil {
			t.Fatalf("assign slots %d-%d to %s: %v", first, last, addrs[i], err)
		}
	}
	for _, addr := range addrs[1:] {
		host, port, _ := net.SplitHostPort(addr)
		if err := clients[0].ClusterMeet(ctx, host, port).Err(); err != nil {
			t.Fatalf("cluster meet %s: %v", addr, err)
		}
	}
	for i, c := range clients {
		waitFor(t, ctx, fmt.Sprintf("node %s to see the cluster up", addrs[i]), func() bool {
			info, err := c.ClusterInfo(ctx).Result()
			return err == nil && strings.Contains(info, "cluster_state:ok") &&
				strings.Contains(info, "cluster_known_nodes:3")
		})
	}
	return addrs
}

// waitFor polls ok every 50ms until it holds or ctx ends, which fails the
// test naming what.
func waitFor(t *testing.T, ctx context.Context, what string, ok func() bool) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// clusterClient returns a cluster client on addrs, closed with the test.
func clusterClient(t *testing.T, addrs []string) *redis.ClusterClient {
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ContextTimeoutEnabled: true})
	t.Cleanup(func() { c.Close() })
	return c
}

// TestClusterFlushAndListReachEveryMaster writes keys that hash to every
// master, then requires listing to see them all and Flush to remove them
// all, where one keyless SCAN would reach a single node.
func TestClusterFlushAndListReachEveryMaster(t *testing.T) {
	addrs := startCluster(t)
	client := clusterClient(t, addrs)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ns := drivertest.Namespace(t)
	s := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: ns}})
	other := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: ns + "x"}})
	const n = 60
	for i := range n {
		if err := s.Set(ctx, fmt.Sprint("k", i), []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	// The keys must span the masters for the test to mean anything.
	var holding atomic.Int32 // ForEachMaster calls back concurrently
	err := client.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		if node.DBSize(ctx).Val() > 0 {
			holding.Add(1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if holding := holding.Load(); holding < 2 {
		t.Fatalf("the keys landed on %d master(s); want them spread", holding)
	}

	page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != n {
		t.Fatalf("ListPage found %d of the %d keys", len(page.Entries), n)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, found, err := s.Get(ctx, fmt.Sprint("k", i)); err != nil || found {
			t.Fatalf("key k%d survived Flush (%v)", i, err)
		}
	}
	if _, found, err := other.Get(ctx, "k"); err != nil || !found {
		t.Fatalf("Flush of prefix %q removed prefix %q's key (%v)", ns, ns+"x", err)
	}
}

// TestClusterContracts runs the store and inspector contracts on a
// cluster client.
func TestClusterContracts(t *testing.T) {
	addrs := startCluster(t)
	client := clusterClient(t, addrs)
	t.Run("Store", func(t *testing.T) {
		s := New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: drivertest.Namespace(t), DefaultTTL: shortDefaultTTL}})
		cachetest.RunStoreContract(t, s, cachetest.Options{DefaultTTL: shortDefaultTTL, ExpiryResolution: time.Millisecond})
	})
	t.Run("Inspector", func(t *testing.T) {
		cachetest.RunInspectorContract(t, New(Config{Client: client, BaseConfig: cachecore.BaseConfig{Prefix: drivertest.Namespace(t)}}))
	})
}

// TestRingFlushAndListReachEveryShard is the cluster test for a Ring of
// two servers.
func TestRingFlushAndListReachEveryShard(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	addrs, shards := startServers(t, ctx, 2)
	ring := redis.NewRing(&redis.RingOptions{
		Addrs:                 map[string]string{"a": addrs[0], "b": addrs[1]},
		ContextTimeoutEnabled: true,
	})
	t.Cleanup(func() { ring.Close() })
	s := New(Config{Client: ring, BaseConfig: cachecore.BaseConfig{Prefix: drivertest.Namespace(t)}})
	const n = 40
	for i := range n {
		if err := s.Set(ctx, fmt.Sprint("k", i), []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range shards {
		if c.DBSize(ctx).Val() == 0 {
			t.Fatalf("no key landed on shard %s; want them spread", addrs[i])
		}
	}
	page, err := s.(cachecore.Inspector).ListPage(ctx, cachecore.ListPageOptions{Limit: 1000})
	if err != nil || len(page.Entries) != n {
		t.Fatalf("ListPage found %d of the %d keys (%v)", len(page.Entries), n, err)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for i, c := range shards {
		if k := c.DBSize(ctx).Val(); k != 0 {
			t.Fatalf("Flush left %d keys on shard %s", k, addrs[i])
		}
	}
}
