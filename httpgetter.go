package groupcache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

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

// String returns the peer's base URL followed by the pool's base path.
func (h *httpGetter) String() string { return h.baseURL }

// Get implements ProtoGetter.
func (h *httpGetter) Get(ctx context.Context, in *pb.GetRequest, out *pb.GetResponse) error {
	res, cancel, err := h.send(ctx, http.MethodGet, in.GetGroup(), in.GetKey(), nil)
	if err != nil {
		return err
	}
	defer cancel()
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		drainSmall(res.Body)
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
	// Every server, this package's and golang/groupcache's, sends the
	// value field even for an empty value. A response without one, such
	// as an empty body from a broken proxy, carries no value at all and
	// must not be taken for an empty one.
	if out.Value == nil {
		return fmt.Errorf("%w: no value", ErrBadResponse)
	}
	// The body's bound leaves room for framing, which a hostile peer
	// can fill with value instead.
	if int64(len(out.Value)) > h.pool.opts.MaxValueBytes {
		return ErrResponseTooLarge
	}
	return nil
}

// Set implements PeerWriter with a PUT of the encoded request.
func (h *httpGetter) Set(ctx context.Context, in *pb.SetRequest) error {
	body, err := proto.Marshal(in)
	if err != nil {
		return err
	}
	return h.write(ctx, http.MethodPut, in.GetGroup(), in.GetKey(), body)
}

// Remove implements PeerWriter with a DELETE.
func (h *httpGetter) Remove(ctx context.Context, in *pb.GetRequest) error {
	return h.write(ctx, http.MethodDelete, in.GetGroup(), in.GetKey(), nil)
}

// write sends a PUT or DELETE and checks for the 204 that only this
// package's server sends: golang/groupcache's server answers every method
// as a GET, with 200, and must not be taken to have stored anything.
func (h *httpGetter) write(ctx context.Context, method, group, key string, body []byte) error {
	res, cancel, err := h.send(ctx, method, group, key, body)
	if err != nil {
		return err
	}
	defer cancel()
	defer res.Body.Close()
	drainSmall(res.Body)
	switch res.StatusCode {
	case http.StatusNoContent:
		return nil
	case http.StatusOK:
		return ErrWritesUnsupported
	}
	return &PeerStatusError{Peer: h.baseURL, StatusCode: res.StatusCode, Status: res.Status}
}

// send makes one request to the peer, bounded by the pool's PeerTimeout.
// On success the caller must close the body and then call cancel.
func (h *httpGetter) send(ctx context.Context, method, group, key string, body []byte) (*http.Response, context.CancelFunc, error) {
	cancel := context.CancelFunc(func() {})
	if timeout := h.pool.opts.PeerTimeout; timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	u := h.baseURL + escapeSegment(group) + "/" + escapeSegment(key)
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, r)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	if secret := h.pool.opts.Secret; len(secret) > 0 {
		signRequest(req, secret, body, time.Now())
	}
	var res *http.Response
	if h.pool.Transport != nil {
		res, err = h.pool.Transport(ctx).RoundTrip(req)
	} else {
		res, err = h.pool.transport.RoundTrip(req)
	}
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return res, cancel, nil
}

// drainSmall reads what is left of a response body that is not needed, if
// it is short, so that the connection can carry the next request; a
// longer one is left unread and the connection is closed with the body.
func drainSmall(body io.Reader) {
	io.Copy(io.Discard, io.LimitReader(body, 4<<10))
}

// putResponseBuffer returns buf to the pool unless one large response
// grew it: keeping it would pin that memory for good.
func putResponseBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 64<<10 {
		responseBuffers.Put(buf)
	}
}
