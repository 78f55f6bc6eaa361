package consistenthash

import (
	"hash/crc32"
	"slices"
	"strings"
	"testing"
)

// FuzzRing builds rings from an arbitrary list of peers, with the
// default hash and with one so coarse that peers' points collide, and
// requires that Get returns one of the peers and that the owner of a key
// does not depend on the order or grouping in which peers were added.
func FuzzRing(f *testing.F) {
	f.Add("http://10.0.0.1:8080,http://10.0.0.2:8080,http://10.0.0.3:8080", uint8(50), "apple")
	f.Add("a,b,c,d,e", uint8(3), "alpha")
	f.Add("a,a,b", uint8(1), "")
	f.Add("", uint8(0), "k")
	f.Add(",x", uint8(7), "key")
	f.Fuzz(func(t *testing.T, list string, replicas uint8, key string) {
		peers := strings.Split(list, ",")
		if len(peers) > 32 {
			peers = peers[:32]
		}
		n := int(replicas % 64)
		coarse := func(b []byte) uint32 { return crc32.ChecksumIEEE(b) % 61 }
		for _, hash := range []Hash{nil, coarse} {
			inOrder := New(n, hash)
			inOrder.Add(peers...)
			reversed := New(n, hash)
			reversed.Add(reverse(peers)...)
			oneByOne := New(n, hash)
			for i := range peers { // a rotation, one Add call each
				oneByOne.Add(peers[(i+len(peers)/2)%len(peers)])
			}
			if inOrder.IsEmpty() != (n == 0) {
				t.Fatalf("%d peers, %d replicas: IsEmpty = %v", len(peers), n, inOrder.IsEmpty())
			}
			for _, k := range []string{key, key + "1", "x" + key} {
				owner := inOrder.Get(k)
				if n == 0 {
					if owner != "" {
						t.Fatalf("empty ring: Get(%q) = %q", k, owner)
					}
					continue
				}
				if !slices.Contains(peers, owner) {
					t.Fatalf("Get(%q) = %q, not one of %q", k, owner, peers)
				}
				if r, o := reversed.Get(k), oneByOne.Get(k); r != owner || o != owner {
					t.Fatalf("Get(%q): %q in order, %q reversed, %q one by one", k, owner, r, o)
				}
			}
		}
	})
}

func reverse(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}
