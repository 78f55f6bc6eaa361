package bench

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache/bench/internal/peerproc"
)

// dedupCallers is how many callers ask for one cold key at once, spread
// evenly over the peers.
const dedupCallers = 100

// BenchmarkDedup measures duplicate suppression across peers: in each
// iteration dedupCallers callers, spread over the peers, ask for one cold
// key whose load takes peerproc.SlowLoad. It reports, per iteration, the
// runs of the Getter over all peers (ideally 1), the most requests any one
// peer sent to the owner (ideally 1) and the requests the owner received.
func BenchmarkDedup(b *testing.B) {
	for _, impl := range Impls {
		b.Run("impl="+impl.Name, func(b *testing.B) {
			benchDedup(b, impl)
		})
	}
}

func benchDedup(b *testing.B, impl Impl) {
	c := cluster(b, impl)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Open the control connections the callers will use.
	err := runCallers(dedupCallers, dedupCallers, func(i int) error {
		_, err := c.Stats(ctx, i%numPeers)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	var loads, maxPeerReqs, ownerReqs int64
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		before, err := c.AllStats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		key := peerproc.SlowPrefix + run + "-" + strconv.Itoa(i)
		if err := askAtOnce(ctx, c, key); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		after, err := c.AllStats(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var most int64
		for p := range after {
			loads += after[p].Loads - before[p].Loads
			ownerReqs += after[p].ServerRequests - before[p].ServerRequests
			most = max(most, after[p].PeerRequests-before[p].PeerRequests)
		}
		maxPeerReqs += most
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(loads)/float64(b.N), "getter-runs/op")
	b.ReportMetric(float64(maxPeerReqs)/float64(b.N), "max-peer-reqs/op")
	b.ReportMetric(float64(ownerReqs)/float64(b.N), "owner-reqs/op")
}

// askAtOnce has dedupCallers callers ask the peers, in turn, for key,
// released together, and checks every answer.
func askAtOnce(ctx context.Context, c *Cluster, key string) error {
	start := make(chan struct{})
	errs := make(chan error, dedupCallers)
	for j := range dedupCallers {
		go func() {
			<-start
			v, err := c.Get(ctx, j%numPeers, key)
			if err == nil && len(v) != peerproc.ValueSize {
				err = fmt.Errorf("%w: %d bytes, want %d", errValueSize, len(v), peerproc.ValueSize)
			}
			errs <- err
		}()
	}
	close(start)
	var first error
	for range dedupCallers {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}
