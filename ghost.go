package groupcache

// A ghostQueue remembers the hashes of the keys most recently evicted from
// a cache's small queue, without their values: S3-FIFO's ghost queue (Yang
// et al., "FIFO queues are all you need for cache eviction", SOSP 2023). A
// key that comes back while its ghost is remembered was evicted too soon,
// and goes straight to the main queue.
//
// A ghostQueue is not safe for concurrent use; caches use it under their
// mutex.
type ghostQueue struct {
	ring  []uint32 // hashes in eviction order, from ring[head]
	head  int
	n     int
	count map[uint32]int32 // occurrences of each hash in ring
}

// add remembers h, forgetting the oldest hashes beyond limit.
func (q *ghostQueue) add(h uint32, limit int) {
	limit = max(limit, 1)
	for q.n >= limit {
		q.pop()
	}
	if q.n == len(q.ring) {
		q.grow(limit)
	}
	if q.count == nil {
		q.count = make(map[uint32]int32)
	}
	q.ring[(q.head+q.n)%len(q.ring)] = h
	q.n++
	q.count[h]++
}

// grow makes room for at least one more hash, and for up to limit.
func (q *ghostQueue) grow(limit int) {
	size := min(max(2*len(q.ring), 16), max(limit, q.n+1))
	ring := make([]uint32, size)
	for i := range q.n {
		ring[i] = q.ring[(q.head+i)%len(q.ring)]
	}
	q.ring, q.head = ring, 0
}

func (q *ghostQueue) pop() {
	h := q.ring[q.head]
	q.head = (q.head + 1) % len(q.ring)
	q.n--
	if q.count[h]--; q.count[h] == 0 {
		delete(q.count, h)
	}
}

// contains reports whether h is remembered.
func (q *ghostQueue) contains(h uint32) bool {
	return q.count[h] > 0
}
