package consistenthash

// Shares returns the fraction of the hash space, from 0 to 1, that each
// peer owns: the expected fraction of keys Get returns it for, if key
// hashes are uniform. The fractions add up to 1; an empty map has none.
func (m *Map) Shares() map[string]float64 {
	shares := make(map[string]float64)
	n := len(m.points)
	if n == 0 {
		return shares
	}
	// Get gives a hash to the first point at or above it, wrapping past
	// the largest to the smallest: a point owns the arc that ends at it.
	const space = 1 << 32
	for i, p := range m.points {
		var arc uint64
		if i == 0 {
			arc = uint64(p) + space - uint64(m.points[n-1])
		} else {
			arc = uint64(p) - uint64(m.points[i-1])
		}
		shares[m.peers[i]] += float64(arc) / space
	}
	return shares
}
