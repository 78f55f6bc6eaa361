package groupcache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
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

	// For a plain-http peer, the pool's own client of it and the
	// escaped path of the base path on it; nil for other peers, which
	// go through net/http.
	client *peerClient
	path   string

	// noBatchUntil is when, in Unix nanoseconds, the peer may next be
	// sent a batch, after it refused one; zero if it never did.
	noBatchUntil atomic.Int64

	// coalesce gathers concurrent Gets into batches (coalesce.go).
	coalesce coalescer
}

// responseBuffers holds buffers for reading responses. Their contents are
// copied out by proto.Unmarshal, so a buffer is free again right after.
var responseBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// String returns the peer's base URL followed by the pool's base path.
func (h *httpGetter) String() string { return h.baseURL }

// A responseHandler reads a peer's response. body must not be used after
// it returns.
type responseHandler func(status int, contentLength int64, body io.Reader) error

// getOne asks the peer for one key with a GET of its own.
func (h *httpGetter) getOne(ctx context.Context, in *pb.GetRequest, out *pb.GetResponse) error {
	return h.send(ctx, http.MethodGet, in.GetGroup(), in.GetKey(), nil, func(status int, contentLength int64, body io.Reader) error {
		if status == http.StatusNotFound && isErrorBody(body, ErrNotFound) {
			return ErrNotFound
		}
		if status != http.StatusOK {
			drainSmall(body)
			return h.statusError(status)
		}
		return h.decodeGetResponse(contentLength, body, out)
	})
}

func (h *httpGetter) decodeGetResponse(contentLength int64, body io.Reader, out *pb.GetResponse) error {
	// The response carries the value and a few bytes of framing.
	limit := h.pool.opts.MaxValueBytes + 32
	if contentLength > limit {
		return ErrResponseTooLarge
	}
	buf := responseBuffers.Get().(*bytes.Buffer)
	defer putResponseBuffer(buf)
	buf.Reset()
	if contentLength > 0 {
		buf.Grow(int(contentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(body, limit+1))
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

// Set implements PeerWriter with a PUT of the encoded request. A value
// over the pool's MaxValueBytes is not sent: peers are configured alike,
// so the owner would refuse it.
func (h *httpGetter) Set(ctx context.Context, in *pb.SetRequest) error {
	if int64(len(in.Value)) > h.pool.opts.MaxValueBytes {
		return ErrValueTooLarge
	}
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
//
// A pool that would refuse unsigned writes itself does not send them:
// peers are configured alike, so the peer would refuse them too, and a
// pool that does not take writes should not make them.
func (h *httpGetter) write(ctx context.Context, method, group, key string, body []byte) error {
	if len(h.pool.opts.Secret) == 0 && !h.pool.opts.AllowUnsignedWrites {
		return ErrWritesRefused
	}
	return h.send(ctx, method, group, key, body, func(status int, _ int64, body io.Reader) error {
		switch status {
		case http.StatusNoContent:
			drainSmall(body)
			return nil
		case http.StatusOK:
			drainSmall(body)
			return ErrWritesUnsupported
		case http.StatusForbidden:
			if isErrorBody(body, ErrWritesRefused) {
				return ErrWritesRefused
			}
		case http.StatusRequestEntityTooLarge:
			// The owner's MaxValueBytes is smaller than this
			// pool's, which Set checked.
			drainSmall(body)
			return ErrValueTooLarge
		}
		drainSmall(body)
		return h.statusError(status)
	})
}

func (h *httpGetter) statusError(status int) error {
	return &PeerStatusError{Peer: h.baseURL, StatusCode: status, Status: strconv.Itoa(status) + " " + http.StatusText(status)}
}

// send makes one request to the peer, bounded by the pool's PeerTimeout,
// and hands the response to handle. A plain-http peer is asked through
// the pool's own client unless the user gave a Transport; any other goes
// through net/http.
func (h *httpGetter) send(ctx context.Context, method, group, key string, body []byte, handle responseHandler) (err error) {
	ctx, end := h.startOp(ctx, method, group)
	defer func() { end(err) }()
	return h.sendTo(ctx, method, requestPath(group, key), group, key, body, handle)
}

// sendTo is send to the path escaped after the base path, signed for group
// and key.
func (h *httpGetter) sendTo(ctx context.Context, method, escaped, group, key string, body []byte, handle responseHandler) error {
	var resource string
	if len(h.pool.opts.Secret) > 0 {
		resource = signedResource(group, key)
	}
	if h.client != nil && h.pool.Transport == nil {
		return h.sendDirect(ctx, method, h.path+escaped, resource, body, handle)
	}
	return h.sendHTTP(ctx, method, h.baseURL+escaped, resource, body, handle)
}

// sendDirect sends the request through the pool's own client. resource is
// what the signature names, if the pool has a Secret.
func (h *httpGetter) sendDirect(ctx context.Context, method, path, resource string, body []byte, handle responseHandler) error {
	// The peer timeout becomes the connection's deadline, unless the
	// caller's comes first; no timer or derived context is needed.
	var deadline time.Time
	if timeout := h.pool.opts.PeerTimeout; timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	req := peerRequest{method: method, path: path, body: body}
	if secret := h.pool.opts.Secret; len(secret) > 0 {
		req.header = signResource(secret, method, resource, body, time.Now())
	}
	req.header = appendHeaders(req.header, h.pool.registry.injectHeaders(ctx))
	return h.client.roundTrip(ctx, deadline, &req, func(res *peerResponse) error {
		return handle(res.status, res.contentLength, res.body)
	})
}

// sendHTTP sends the request through net/http; resource is as for
// sendDirect.
func (h *httpGetter) sendHTTP(ctx context.Context, method, url, resource string, body []byte, handle responseHandler) error {
	if timeout := h.pool.opts.PeerTimeout; timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return err
	}
	if secret := h.pool.opts.Secret; len(secret) > 0 {
		for _, kv := range signResource(secret, method, resource, body, time.Now()) {
			req.Header.Set(kv[0], kv[1])
		}
	}
	for name, values := range h.pool.registry.injectHeaders(ctx) {
		req.Header[name] = values
	}
	var res *http.Response
	if h.pool.Transport != nil {
		res, err = h.pool.Transport(ctx).RoundTrip(req)
	} else {
		res, err = h.pool.transport.RoundTrip(req)
	}
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return handle(res.StatusCode, res.ContentLength, res.Body)
}

// isErrorBody reports whether an error response's body is the one a
// server of this package sends for err, whose message must be short.
func isErrorBody(body io.Reader, err error) bool {
	want := err.Error() + "\n" // as http.Error writes it
	var buf [128]byte
	n, _ := io.ReadFull(body, buf[:len(want)+1])
	return string(buf[:n]) == want
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
