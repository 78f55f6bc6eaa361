package compat

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"testing"
	"time"

	upconsistenthash "github.com/golang/groupcache/consistenthash"
	"github.com/seed3c1b93bc/groupcache"
	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
)

// collidingHash is crc32.ChecksumIEEE of the data up to any "http://".
// The ring hashes the replica number followed by the peer's URL, so every
// peer's replica i lands on the same point, the hash of i alone; keys
// without "http://" hash as usual.
func collidingHash(data []byte) uint32 {
	if i := bytes.Index(data, []byte("http://")); i >= 0 {
		data = data[:i]
	}
	return crc32.ChecksumIEEE(data)
}

// TestCollidingPeersOwnerIndependentOfOrder gives two client pools the same
// two peers in opposite orders, with a hash that puts both peers on every
// point, and checks that PickPeer sends each key to the same peer from
// both: the one with the smaller URL, since our ring gives a shared point
// to the smallest name. Upstream's ring gives it to the peer added last,
// so its two pools would disagree on every key, which the test checks
// first to show that the points really are shared.
func TestCollidingPeersOwnerIndependentOfOrder(t *testing.T) {
	x, y := startOurPeer(t, nil), startOurPeer(t, nil)
	small, large := x, y
	if large.URL() < small.URL() {
		small, large = large, small
	}
	orders := [][]string{{small.URL(), large.URL()}, {large.URL(), small.URL()}}

	for _, order := range orders {
		m := upconsistenthash.New(defaultReplicas, collidingHash)
		m.Add(order...)
		if got := m.Get("some key"); got != order[1] {
			t.Fatalf("upstream's ring of %v gave a key to %s; want %s, the peer added last, on every shared point", order, got, order[1])
		}
	}

	var clients []*groupcache.HTTPPool
	for _, order := range orders {
		// The clients are not on their rings, so PickPeer names a peer
		// for every key.
		p := groupcache.NewHTTPPoolOpts("http://client.invalid", &groupcache.HTTPPoolOptions{
			Registry: groupcache.NewRegistry(),
			HashFn:   collidingHash,
		})
		p.Set(order...)
		clients = append(clients, p)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const numKeys = 50
	for i := range numKeys {
		k := fmt.Sprintf("key-%d", i)
		for j, client := range clients {
			if got := servedBy(ctx, t, client, k, x, y); got != small.URL() {
				t.Errorf("pool with peers %v sent %q to %s; want %s, the smaller URL", orders[j], k, got, small.URL())
			}
		}
	}
}

// servedBy sends a request for key in testGroup to the peer that client's
// PickPeer names, and returns the URL of whichever of peers served it.
func servedBy(ctx context.Context, t *testing.T, client *groupcache.HTTPPool, key string, peers ...*ourPeer) string {
	t.Helper()
	getter, ok := client.PickPeer(key)
	if !ok {
		t.Fatalf("PickPeer(%q) named no peer", key)
	}
	before := make([]int64, len(peers))
	for i, p := range peers {
		before[i] = p.ServerRequests(t)
	}
	group := testGroup
	res := new(pb.GetResponse)
	if err := getter.Get(ctx, &pb.GetRequest{Group: &group, Key: &key}, res); err != nil {
		t.Fatalf("Get(%q) from the picked peer: %v", key, err)
	}
	if string(res.GetValue()) != valueOf(key) {
		t.Fatalf("Get(%q) from the picked peer = %q; want %q", key, res.GetValue(), valueOf(key))
	}
	server := ""
	for i, p := range peers {
		switch p.ServerRequests(t) - before[i] {
		case 0:
		case 1:
			if server != "" {
				t.Fatalf("both %s and %s served the request for %q", server, p.URL(), key)
			}
			server = p.URL()
		default:
			t.Fatalf("%s served more than one request for %q", p.URL(), key)
		}
	}
	if server == "" {
		t.Fatalf("no peer served the request for %q", key)
	}
	return server
}
