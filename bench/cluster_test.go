package bench

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/bench/internal/peerproc"
)

// numPeers is the number of peer processes of a cluster.
const numPeers = 3

// peerKeys are the keys the peer-fetch benchmarks ask for. The clients
// cache nothing, so every Get is a peer request; the owners' caches hold
// them all after the first round.
var peerKeys = func() []string {
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = "key-" + strconv.Itoa(i)
	}
	return keys
}()

// clusters holds one cluster per implementation, started on first use and
// stopped by TestMain: starting three processes for every run of a
// benchmark function would cost more than many of the runs.
var clusters struct {
	mu     sync.Mutex
	dir    string // the peer binaries
	byImpl map[string]*Cluster
}

// cluster returns impl's running cluster, starting it if needed, with
// impl's client pointed at it and every peerKey in its owner's cache.
func cluster(b *testing.B, impl Impl) *Cluster {
	b.Helper()
	clusters.mu.Lock()
	defer clusters.mu.Unlock()
	if c := clusters.byImpl[impl.Name]; c != nil {
		return c
	}
	if clusters.dir == "" {
		dir, err := os.MkdirTemp("", "groupcache-bench-")
		if err != nil {
			b.Fatal(err)
		}
		clusters.dir = dir
		clusters.byImpl = make(map[string]*Cluster)
	}
	bin, err := BuildPeer(impl, clusters.dir)
	if err != nil {
		b.Fatal(err)
	}
	var env []string
	if dir := os.Getenv(peerproc.ProfileDirEnv); dir != "" {
		env = append(env, peerproc.ProfileDirEnv+"="+dir)
	}
	c, err := StartCluster(bin, numPeers, env)
	if err != nil {
		b.Fatal(err)
	}
	clusters.byImpl[impl.Name] = c
	client := impl.Client()
	client.SetPeers(c.URLs()...)
	defer client.SetPeers()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = runCallers(8, len(peerKeys), func(i int) error {
		_, err := client.GetView(ctx, peerKeys[i])
		return err
	})
	if err != nil {
		b.Fatalf("warming %s's peers: %v", impl.Name, err)
	}
	return c
}

// stopClusters stops every cluster and removes the peer binaries.
func stopClusters() error {
	clusters.mu.Lock()
	defer clusters.mu.Unlock()
	var errs []error
	for _, c := range clusters.byImpl {
		errs = append(errs, c.Stop())
	}
	clusters.byImpl = nil
	if clusters.dir != "" {
		errs = append(errs, os.RemoveAll(clusters.dir))
		clusters.dir = ""
	}
	return errors.Join(errs...)
}
