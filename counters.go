package groupcache

import (
	"sync/atomic"
	"unsafe"
)

// numCounters is the number of counters in a stripedCounters: one per
// lookupOutcome.
const numCounters = int(numLookupOutcomes)

// counterStripes is the number of stripes of a stripedCounters: enough
// that two goroutines rarely share one (1 in 64 for a pair), few enough
// that a group spends 8 KiB on them.
const (
	log2CounterStripes = 6
	counterStripes     = 1 << log2CounterStripes
)

// stripedCounters is a set of numCounters int64 counters to which many
// goroutines add at once without sharing cache lines. The counters are
// split into stripes, and each goroutine adds to the stripe that its
// stack address picks: a goroutine that keeps running, such as a
// server's connection handler or a benchmark's worker, keeps to one
// stripe, whose cache lines then stay in the cache of the core that runs
// it. Reading sums the stripes.
//
// Stripes chosen by the core, through a sync.Pool of per-P blocks, would
// follow goroutines that move between cores, but the Pool's Get and Put,
// each pinning the P, added 20–35 ns to a hit of about 45 ns when
// measured, and a pool that a garbage collection has emptied allocates.
// A goroutine moves between cores far less often than it hits the cache.
type stripedCounters struct {
	stripes [counterStripes]counterStripe
}

// A counterStripe is padded so that, however the array is aligned, no
// cache line holds counters of two stripes.
type counterStripe struct {
	n [numCounters]atomic.Int64
	_ [128 - numCounters*8]byte
}

// add adds 1 to counter i.
func (c *stripedCounters) add(i int) {
	c.stripes[stripeOfStack()].n[i].Add(1)
}

// stripeOfStack returns a stripe index that depends on the address of the
// caller's stack frame: on the goroutine, and on the depth of the call.
func stripeOfStack() uint {
	var anchor byte
	// A Fibonacci hash of the 2 KiB region of the stack (the smallest
	// stack is 2 KiB) spreads neighbouring goroutines' stacks over
	// different stripes. The pointer is only used as a number.
	region := uint64(uintptr(unsafe.Pointer(&anchor))) >> 11
	return uint((region * 0x9E3779B97F4A7C15) >> (64 - log2CounterStripes))
}

// sums returns the counters' values. An add that returned before sums was
// called is included.
func (c *stripedCounters) sums() [numCounters]int64 {
	var s [numCounters]int64
	for k := range c.stripes {
		for i := range s {
			s[i] += c.stripes[k].n[i].Load()
		}
	}
	return s
}
