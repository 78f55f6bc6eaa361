// Package consistenthash maps keys to peers with a consistent-hash ring,
// so that adding or removing a peer moves only the keys near its points.
//
// It is a drop-in replacement for github.com/golang/groupcache/consistenthash
// and builds the ring the same way: each peer contributes one point per
// replica, the hash of the replica index in decimal followed by the peer
// name, and a key belongs to the peer owning the first point at or after
// the key's hash, wrapping around past the largest point. Peers therefore
// pick the same owner for a key whichever of the two packages they run.
//
// The one deliberate difference concerns a point produced by two different
// peers. Upstream gives it to whichever peer was added last, so two
// processes that add the same peers in different orders can disagree about
// ownership. Here such a point always belongs to the peer whose name is
// lexicographically smallest, making the ring a function of the set of
// peers alone.
package consistenthash

import (
	"hash/crc32"
	"slices"
	"strconv"
)

// Hash maps bytes to a point on the ring. It must be deterministic and
// must not retain or modify data.
type Hash func(data []byte) uint32

// Map is a consistent-hash ring of peer names. Create one with New. Get
// may be called concurrently with other Gets, but Add must not run
// concurrently with any other method.
type Map struct {
	hash     Hash // nil means crc32.ChecksumIEEE, called directly
	replicas int
	owner    map[uint32]string // point -> owning peer; source of truth
	points   []uint32          // sorted keys of owner
	peers    []string          // peers[i] owns points[i]
}

// New returns an empty ring on which each added peer gets replicas
// points. A nil fn selects crc32.ChecksumIEEE, the hash upstream uses;
// rings that must agree across processes need the same replicas and fn.
func New(replicas int, fn Hash) *Map {
	return &Map{
		hash:     fn,
		replicas: replicas,
		owner:    make(map[uint32]string),
	}
}

// sum hashes s with the ring's hash function.
func (m *Map) sum(s string) uint32 {
	if m.hash == nil {
		return crc32IEEE(s)
	}
	return m.hash([]byte(s))
}

// crc32IEEE returns crc32.ChecksumIEEE([]byte(s)) without the conversion.
// The standard library dispatches through a function variable, so escape
// analysis must assume the slice is retained, and converting the key would
// cost a heap allocation on every Get. Keys are short, so a byte-at-a-time
// table walk is cheap enough.
func crc32IEEE(s string) uint32 {
	crc := ^uint32(0)
	for i := 0; i < len(s); i++ {
		crc = crc32.IEEETable[byte(crc)^s[i]] ^ crc>>8
	}
	return ^crc
}

// IsEmpty reports whether the ring has no points, in which case Get
// returns "". A ring built with zero replicas stays empty.
func (m *Map) IsEmpty() bool {
	return len(m.points) == 0
}

// Add places replicas points on the ring for each of the given peers.
// Adding a peer that is already present has no effect. A point produced
// by two different peers goes to the lexicographically smaller name.
func (m *Map) Add(peers ...string) {
	if m.owner == nil {
		m.owner = make(map[uint32]string)
	}
	for _, p := range peers {
		for i := 0; i < m.replicas; i++ {
			h := m.sum(strconv.Itoa(i) + p)
			if cur, ok := m.owner[h]; !ok || p < cur {
				m.owner[h] = p
			}
		}
	}
	m.points = m.points[:0]
	for h := range m.owner {
		m.points = append(m.points, h)
	}
	slices.Sort(m.points)
	m.peers = slices.Grow(m.peers[:0], len(m.points))
	for _, h := range m.points {
		m.peers = append(m.peers, m.owner[h])
	}
}

// Get returns the peer that owns key: the owner of the first point at or
// after the key's hash, or of the first point overall if there is none.
// It returns "" if the ring is empty.
func (m *Map) Get(key string) string {
	if len(m.points) == 0 {
		return ""
	}
	i, _ := slices.BinarySearch(m.points, m.sum(key))
	if i == len(m.points) {
		i = 0
	}
	return m.peers[i]
}
