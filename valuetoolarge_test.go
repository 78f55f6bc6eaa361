package groupcache

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestOwnerRefusingLargeValueIsErrValueTooLarge checks that a Set of a
// value larger than the owner's MaxValueBytes fails with ErrValueTooLarge
// at the caller, wrapped in a *PeerError naming the owner when the owner
// refused it, and stores nothing: whether the caller's own limit catches it first, the owner
// answers 413 after reading the body, or the owner answers 413 at once
// and closes the connection while the caller is still sending the body,
// which the caller sees as a broken pipe or a reset.
func TestOwnerRefusingLargeValueIsErrValueTooLarge(t *testing.T) {
	for _, tc := range []struct {
		name               string
		owner, caller      int64 // MaxValueBytes
		value              int
		wantOwnerContacted bool
	}{
		{"over both limits", DefaultMaxValueBytes, DefaultMaxValueBytes, DefaultMaxValueBytes + 1, false},
		{"just over the owner's limit", 4 << 10, 1 << 20, 8 << 10, true},
		{"far over the owner's limit", 64 << 10, 64 << 20, 16 << 20, true},
	} {
		for _, via := range []string{"own client", "net/http"} {
			t.Run(tc.name+"/"+via, func(t *testing.T) {
				ep := startEndpoint(t, HTTPPoolOptions{MaxValueBytes: tc.owner, AllowUnsignedWrites: true})
				client, pool := newClientOf(t, ep, HTTPPoolOptions{MaxValueBytes: tc.caller, AllowUnsignedWrites: true, PeerTimeout: 5 * time.Second})
				if via == "net/http" {
					tr := &http.Transport{}
					t.Cleanup(tr.CloseIdleConnections)
					pool.Transport = func(context.Context) http.RoundTripper { return tr }
				}
				read := ep.read.Load()
				err := client.Set(context.Background(), "k", []byte(strings.Repeat("v", tc.value)), time.Time{})
				if !errors.Is(err, ErrValueTooLarge) {
					t.Fatalf("Set of %d bytes: error %v; want ErrValueTooLarge", tc.value, err)
				}
				// A refusal by the owner names it; one by the caller's
				// own limit happens before any peer is chosen.
				var pe *PeerError
				if tc.wantOwnerContacted && (!errors.As(err, &pe) || !strings.Contains(pe.Peer, ep.addr)) {
					t.Fatalf("Set of %d bytes: error %v; want a *PeerError for %s", tc.value, err, ep.addr)
				}
				if st := ep.group.CacheStats(MainCache); st.Items != 0 {
					t.Fatalf("the owner stored %d items", st.Items)
				}
				if contacted := ep.read.Load() != read; contacted != tc.wantOwnerContacted {
					t.Fatalf("owner contacted: %v; want %v", contacted, tc.wantOwnerContacted)
				}
			})
		}
	}
}
