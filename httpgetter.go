package groupcache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
	"google.golang.org/protobuf/proto"
)

var (
	// ErrResponseTooLarge is returned by a peer request whose response
	// exceeds the pool's MaxValueBytes.
	ErrResponseTooLarge = errors.New("groupcache: peer response too large")

	// ErrBadResponse is returned by a peer request whose response body
	// is not a valid GetResponse.
	ErrBadResponse = errors.New("groupcache: malformed peer response")
)

// A PeerStatusError reports a peer that answered with a status other than
// the one the protocol expects.
type PeerStatusError struct {
	Peer       string // the peer's base URL, with the pool's base path
	StatusCode int
	Status     string
}

func (e *PeerStatusError) Error() string {
	return fmt.Sprintf("groupcache: peer %s returned %s", e.Peer, e.Status)
}

// httpGetter is the client side of one peer.
type httpGetter struct {
	pool    *HTTPPool
	baseURL string // the peer's base URL followed by the base path
}

// responseBuffers holds buffers for reading responses. Their contents are
// copied out by proto.Unmarshal, so a buffer is free again right after.
var responseBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Get implements ProtoGetter.
func (h *httpGetter) Get(ctx context.Context, in *pb.GetRequest, out *pb.GetResponse) error {
	if timeout := h.pool.opts.PeerTimeout; timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	u := h.baseURL + escapeSegment(in.GetGroup()) + "/" + escapeSegment(in.GetKey())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := h.roundTrip(ctx, req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return &PeerStatusError{Peer: h.baseURL, StatusCode: res.StatusCode, Status: res.Status}
	}
	// The response carries the value and a few bytes of framing.
	limit := h.pool.opts.MaxValueBytes + 32
	if res.ContentLength > limit {
		return ErrResponseTooLarge
	}
	buf := responseBuffers.Get().(*bytes.Buffer)
	defer putResponseBuffer(buf)
	buf.Reset()
	if res.ContentLength > 0 {
		buf.Grow(int(res.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return fmt.Errorf("groupcache: reading peer response: %w", err)
	}
	if n > limit {
		return ErrResponseTooLarge
	}
	if err := proto.Unmarshal(buf.Bytes(), out); err != nil {
		return fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	return nil
}

// putResponseBuffer returns buf to the pool unless one large response
// grew it: keeping it would pin that memory for good.
func putResponseBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 64<<10 {
		responseBuffers.Put(buf)
	}
}

func (h *httpGetter) roundTrip(ctx context.Context, req *http.Request) (*http.Response, error) {
	if h.pool.Transport != nil {
		return h.pool.Transport(ctx).RoundTrip(req)
	}
	return h.pool.transport.RoundTrip(req)
}
