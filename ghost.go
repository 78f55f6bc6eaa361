package groupcache

// A ghostQueue remembers the hashes of the keys most recently evicted from
// a cache's small queue, without their values: S3-FIFO's ghost queue (Yang
// et al., "FIFO queues are all you need for cache eviction", SOSP 2023). A
// key that comes back while its ghost is remembered was evicted too soon,
// and goes straight to the main queue; its ghost is then forgotten, as in
// S3-FIFO, so that the key earns its place again once the main queue has
// evicted it (see take).
//
// A ghostQueue is not safe for concurrent use; caches use it under their
// mutex.
type ghostQueue struct {
	ring []uint32 // hashes in eviction order, from ring[head]
	head int
	n    int
	// last maps each remembered hash to the sequence number of its
	// newest add. The ring may hold older adds of the same hash, and
	// adds that take forgot: popping one of those must not forget a
	// hash added since.
	last map[uint32]uint32
	seq  uint32 // the sequence number of ring[head]; wraps, see pop
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
	if q.last == nil {
		q.last = make(map[uint32]uint32)
	}
	q.ring[(q.head+q.n)%len(q.ring)] = h
	q.last[h] = q.seq + uint32(q.n)
	q.n++
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

// pop drops the oldest add, and forgets its hash unless it was added
// again since. Sequence numbers wrap at 2³², but the ring holds far fewer
// adds, so two adds in it never share one.
func (q *ghostQueue) pop() {
	h := q.ring[q.head]
	if s, ok := q.last[h]; ok && s == q.seq {
		delete(q.last, h)
	}
	q.head = (q.head + 1) % len(q.ring)
	q.n--
	q.seq++
}

// contains reports whether h is remembered.
func (q *ghostQueue) contains(h uint32) bool {
	_, ok := q.last[h]
	return ok
}

// take reports whether h is remembered, and forgets it.
func (q *ghostQueue) take(h uint32) bool {
	if _, ok := q.last[h]; !ok {
		return false
	}
	delete(q.last, h)
	return true
}
