package consistenthash

import (
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"math/rand"
	"strconv"
	"strings"
	"testing"
)

var upstreamPeers = []string{"http://10.0.0.1:8080", "http://10.0.0.2:8080", "http://10.0.0.3:8080"}

// The expected owners below were produced by github.com/golang/groupcache's
// consistenthash at v0.0.0-20241129210726-2c02b8208cf8 with the same inputs.
func TestOwnersMatchUpstream(t *testing.T) {
	m := New(50, nil)
	m.Add(upstreamPeers...)
	for _, tc := range []struct{ key, owner string }{
		{"", "http://10.0.0.1:8080"},
		{"a", "http://10.0.0.2:8080"},
		{"apple", "http://10.0.0.3:8080"},
		{"banana", "http://10.0.0.1:8080"},
		{"cherry", "http://10.0.0.2:8080"},
		{"user:1", "http://10.0.0.2:8080"},
		{"user:42", "http://10.0.0.1:8080"},
		{"session/abcdef", "http://10.0.0.1:8080"},
		{"groupcache", "http://10.0.0.3:8080"},
		{"12345678901234567890", "http://10.0.0.2:8080"},
	} {
		if got := m.Get(tc.key); got != tc.owner {
			t.Errorf("Get(%q) = %q, want %q", tc.key, got, tc.owner)
		}
	}

	small := New(3, nil)
	small.Add("a", "b", "c", "d", "e")
	for _, tc := range []struct{ key, owner string }{
		{"alpha", "d"}, {"beta", "e"}, {"zeta", "b"}, {"theta", "b"},
	} {
		if got := small.Get(tc.key); got != tc.owner {
			t.Errorf("3 replicas: Get(%q) = %q, want %q", tc.key, got, tc.owner)
		}
	}
}

// TestBulkOwnersMatchUpstream compares a fingerprint of the owners of 100000
// keys, again recorded from upstream, so that any divergence in how the
// ring is built shows up even if the spot checks above happen to agree.
func TestBulkOwnersMatchUpstream(t *testing.T) {
	m := New(50, nil)
	m.Add(upstreamPeers...)
	h := fnv.New64a()
	counts := make(map[string]int)
	for i := 0; i < 100000; i++ {
		o := m.Get("k" + strconv.Itoa(i))
		h.Write([]byte(o + "\n"))
		counts[o]++
	}
	const want = 0xfccd3692f8094329
	if got := h.Sum64(); got != want {
		t.Errorf("owner fingerprint = %#x, want %#x (counts %v)", got, uint64(want), counts)
	}
}

func TestCRC32MatchesStandardLibrary(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 300; n++ {
		b := make([]byte, n)
		rng.Read(b)
		if got, want := crc32IEEE(string(b)), crc32.ChecksumIEEE(b); got != want {
			t.Fatalf("len %d: crc32IEEE = %#x, crc32.ChecksumIEEE = %#x", n, got, want)
		}
	}
}

// digitHash treats its input as a decimal number, so tests can place points
// by hand: replica i of peer "6" lands on i*10+6.
func digitHash(data []byte) uint32 {
	n, err := strconv.Atoi(string(data))
	if err != nil {
		panic(err)
	}
	return uint32(n)
}

func TestLookupAndWraparound(t *testing.T) {
	m := New(3, digitHash)
	m.Add("6", "4", "2") // points 2 4 6 12 14 16 22 24 26
	cases := map[string]string{
		"0": "2", "2": "2", "3": "4", "11": "2", "16": "6", "23": "4",
		"26": "6", "27": "2", "4000000000": "2",
	}
	for k, want := range cases {
		if got := m.Get(k); got != want {
			t.Errorf("Get(%s) = %q, want %q", k, got, want)
		}
	}
	m.Add("8") // points 8 18 28 take over the wrap from 27
	cases["27"] = "8"
	cases["7"] = "8"
	for k, want := range cases {
		if got := m.Get(k); got != want {
			t.Errorf("after Add(8): Get(%s) = %q, want %q", k, got, want)
		}
	}
}

func TestEmpty(t *testing.T) {
	m := New(10, nil)
	if !m.IsEmpty() {
		t.Error("new Map is not empty")
	}
	if got := m.Get("k"); got != "" {
		t.Errorf("Get on empty Map = %q, want \"\"", got)
	}
	m.Add()
	zero := New(0, nil)
	zero.Add("peer")
	if !m.IsEmpty() || !zero.IsEmpty() || zero.Get("k") != "" {
		t.Error("a Map with no points is not empty")
	}
	m.Add("peer")
	if m.IsEmpty() || m.Get("k") != "peer" {
		t.Error("a Map with one peer does not route to it")
	}
}

// collidingHash puts replica i of every peer on the same point, i*10, so
// each point is claimed by all peers. Keys are read as plain numbers.
func collidingHash(data []byte) uint32 {
	s := string(data)
	if n, err := strconv.Atoi(s); err == nil {
		return uint32(n)
	}
	return uint32(s[0]-'0') * 10
}

func TestCollisionIsOrderIndependent(t *testing.T) {
	orders := [][][]string{
		{{"bob", "alice", "carol"}},
		{{"alice", "bob", "carol"}},
		{{"carol"}, {"bob"}, {"alice"}},
		{{"alice"}, {"carol", "bob"}},
		{{"bob"}, {"alice"}, {"bob"}, {"carol"}},
	}
	for _, order := range orders {
		m := New(3, collidingHash)
		for _, batch := range order {
			m.Add(batch...)
		}
		for _, k := range []string{"0", "5", "10", "15", "20", "25"} {
			if got := m.Get(k); got != "alice" {
				t.Errorf("added %v: Get(%s) = %q, want the smallest name, \"alice\"", order, k, got)
			}
		}
	}
}

func TestRingAgreesWithLinearScan(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for trial := 0; trial < 20; trial++ {
		replicas := 1 + rng.Intn(40)
		var peers []string
		for i := 0; i < 1+rng.Intn(8); i++ {
			peers = append(peers, fmt.Sprintf("peer-%d", rng.Intn(1000)))
		}
		m := New(replicas, nil)
		m.Add(peers...)
		for i := 0; i < 500; i++ {
			k := strconv.Itoa(rng.Int())
			if got, want := m.Get(k), linearOwner(replicas, peers, k); got != want {
				t.Fatalf("replicas %d peers %v: Get(%s) = %q, want %q", replicas, peers, k, got, want)
			}
		}
	}
}

// linearOwner is the ring rule written as directly as possible: the owner
// is the point with the smallest clockwise distance from the key's hash,
// ties between peers going to the smaller name.
func linearOwner(replicas int, peers []string, key string) string {
	kh := crc32.ChecksumIEEE([]byte(key))
	best, bestDist := "", uint32(0)
	for _, p := range peers {
		for i := 0; i < replicas; i++ {
			d := crc32.ChecksumIEEE([]byte(strconv.Itoa(i)+p)) - kh // wraps
			if best == "" || d < bestDist || (d == bestDist && p < best) {
				best, bestDist = p, d
			}
		}
	}
	return best
}

func TestDistribution(t *testing.T) {
	const peers, keys = 5, 50000
	m := New(100, nil)
	for i := 0; i < peers; i++ {
		m.Add(fmt.Sprintf("10.1.0.%d:8000", i))
	}
	counts := make(map[string]int)
	for i := 0; i < keys; i++ {
		counts[m.Get(fmt.Sprintf("object/%d", i))]++
	}
	if len(counts) != peers {
		t.Fatalf("keys went to %d peers, want %d: %v", len(counts), peers, counts)
	}
	for p, n := range counts {
		// With 100 replicas each peer's share is within a few tens of
		// percent of fair; a badly built ring lands far outside.
		if n < keys/peers/2 || n > keys/peers*2 {
			t.Errorf("peer %s owns %d of %d keys: %v", p, n, keys, counts)
		}
	}
}

func TestGetDoesNotAllocate(t *testing.T) {
	m := New(50, nil)
	m.Add(upstreamPeers...)
	for _, key := range []string{"k", "user:12345", strings.Repeat("long", 500)} {
		if n := testing.AllocsPerRun(100, func() { m.Get(key) }); n != 0 {
			t.Errorf("Get of a %d-byte key: %v allocs, want 0", len(key), n)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	for _, peers := range []int{8, 64} {
		b.Run(fmt.Sprint("peers=", peers), func(b *testing.B) {
			m := New(50, nil)
			for i := 0; i < peers; i++ {
				m.Add(fmt.Sprintf("http://10.0.%d.%d:8080", i/256, i%256))
			}
			keys := make([]string, 1024)
			for i := range keys {
				keys[i] = fmt.Sprintf("user:%d", i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				m.Get(keys[i%len(keys)])
			}
		})
	}
}
