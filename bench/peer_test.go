package bench

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"
)

// BenchmarkPeerFetch measures Gets that go to a peer process over loopback
// HTTP, from 1, 8 and 64 concurrent callers in this process. The client
// caches nothing, so each Get is one peer request; the peers answer from
// their caches. Besides ns/op (the reciprocal of throughput) it reports
// requests per second, the median and 99th percentile latency of one Get,
// and the TCP connections the peers accepted per 1,000 requests.
func BenchmarkPeerFetch(b *testing.B) {
	for _, callers := range []int{1, 8, 64} {
		for _, impl := range Impls {
			b.Run("callers="+strconv.Itoa(callers)+"/impl="+impl.Name, func(b *testing.B) {
				benchPeerFetch(b, impl, callers)
			})
		}
	}
}

func benchPeerFetch(b *testing.B, impl Impl, callers int) {
	c := cluster(b, impl)
	client := impl.Client()
	client.SetPeers(c.URLs()...)
	defer client.SetPeers()
	ctx := context.Background()
	get := func(i int) error { return getPeerValue(ctx, client, peerKeys[i%len(peerKeys)]) }
	// Let the client open the connections it keeps at this
	// concurrency before counting them.
	if err := runCallers(callers, 4*callers, get); err != nil {
		b.Fatal(err)
	}
	before, err := c.AllStats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	latency := make([]time.Duration, b.N)
	offset := int(time.Now().UnixNano()) // start at a different key each run
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	err = runCallers(callers, b.N, func(i int) error {
		t := time.Now()
		err := get(offset + i)
		latency[i] = time.Since(t)
		return err
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	after, err := c.AllStats(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var accepted int64
	for i := range after {
		accepted += after[i].Accepted - before[i].Accepted
	}
	slices.Sort(latency)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(percentile(latency, 50)), "p50-ns")
	b.ReportMetric(float64(percentile(latency, 99)), "p99-ns")
	b.ReportMetric(float64(accepted)*1000/float64(b.N), "conns/1kreq")
}

// percentile returns the p-th percentile of sorted durations, by the
// nearest-rank method.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (len(sorted)*p + 99) / 100 // ceil(len*p/100)
	return sorted[max(rank, 1)-1]
}
