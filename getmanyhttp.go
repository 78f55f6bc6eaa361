package groupcache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
	"google.golang.org/protobuf/proto"
)

// The batch protocol (Group.GetMany between peers).
//
// A batch is a POST to BasePath + group, escaped as in a key's path, with
// no key segment, whose body is an encoded GetManyRequest naming the same
// group. The answer is 200 with an encoded GetManyResponse holding one item
// per key, in order. When the pool has a Secret the request is signed like
// the others, for the key batchResourceKey and with its body's hash (see
// auth.go).
//
// The form is one that golang/groupcache's server cannot mistake for a
// Get: it answers every method as a GET of BasePath + group + "/" + key,
// and a path without the "/" is a 400 Bad Request to it, before any group
// is consulted. Earlier versions of this package answer a POST with 405.
// Either answer, and a 200 whose body holds no items (which is what a
// GetResponse read as a GetManyResponse holds), makes the client take the
// peer for one without batches for batchRetryInterval, and ask it for
// each key on its own meanwhile.

// MaxBatchKeys bounds the keys of one batch request: GetMany splits a
// larger set of keys owned by one peer into several requests, and a pool
// refuses a batch of more keys with 413 Request Entity Too Large.
const MaxBatchKeys = 512

// batchResourceKey is the key a batch is signed for. A GET of the same
// group and key is signed with another method, and so differently.
const batchResourceKey = "_batch"

// batchRetryInterval is how long a client takes a peer that refused a
// batch for one without batches before it tries again: the peer may have
// been upgraded.
const batchRetryInterval = time.Minute

// batchItemOverhead is more than the framing of one GetManyItem, besides
// its key and value.
const batchItemOverhead = 48

// errBatchUnsupported is returned for a peer that does not serve batches.
var errBatchUnsupported = errors.New("groupcache: peer does not serve batched gets")

// batchable implements manyGetter: a key longer than the pool's
// MaxKeyBytes, which peers configured alike refuse, is asked for alone
// and refused there.
func (h *httpGetter) batchable(key string) bool {
	return len(key) <= h.pool.opts.MaxKeyBytes
}

// getMany implements manyGetter.
func (h *httpGetter) getMany(ctx context.Context, group string, keys []string) (items []*pb.GetManyItem, err error) {
	if h.batchesRefused() {
		return nil, errBatchUnsupported
	}
	body, err := proto.Marshal(&pb.GetManyRequest{Group: &group, Keys: keys})
	if err != nil {
		return nil, err
	}
	ctx, end := h.startOp(ctx, http.MethodPost, group)
	defer func() { end(err) }()
	err = h.sendTo(ctx, http.MethodPost, escapePathSegment(group), group, batchResourceKey, body, func(status int, contentLength int64, body io.Reader) error {
		switch status {
		case http.StatusOK:
			var err error
			items, err = h.decodeGetManyResponse(contentLength, body, keys)
			return err
		case http.StatusBadRequest, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			drainSmall(body)
			return errBatchUnsupported
		}
		drainSmall(body)
		return h.statusError(status)
	})
	if errors.Is(err, errBatchUnsupported) {
		h.noBatchUntil.Store(time.Now().Add(batchRetryInterval).UnixNano())
	}
	return items, err
}

// batchesRefused reports whether the peer refused a batch lately, and is
// asked for keys one at a time until batchRetryInterval has passed.
func (h *httpGetter) batchesRefused() bool {
	until := h.noBatchUntil.Load()
	return until != 0 && time.Now().UnixNano() < until
}

// decodeGetManyResponse reads the answer to a batch of keys.
func (h *httpGetter) decodeGetManyResponse(contentLength int64, body io.Reader, keys []string) ([]*pb.GetManyItem, error) {
	limit := h.pool.opts.MaxValueBytes + 64
	for _, k := range keys {
		limit += int64(len(k)) + batchItemOverhead
	}
	if contentLength > limit {
		return nil, ErrResponseTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("groupcache: reading peer response: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, ErrResponseTooLarge
	}
	var res pb.GetManyResponse
	if err := proto.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadResponse, err)
	}
	if len(res.Items) == 0 && len(keys) > 0 {
		// Not a batch answer: a server that took the request for
		// something else.
		return nil, errBatchUnsupported
	}
	if len(res.Items) != len(keys) {
		return nil, fmt.Errorf("%w: %d items for %d keys", ErrBadResponse, len(res.Items), len(keys))
	}
	var total int64
	for i, it := range res.Items {
		if it.GetKey() != keys[i] {
			return nil, fmt.Errorf("%w: item %d is for another key", ErrBadResponse, i)
		}
		total += int64(len(it.Value))
	}
	// The bound leaves room for framing, which a hostile peer can fill
	// with values instead.
	if total > h.pool.opts.MaxValueBytes {
		return nil, ErrResponseTooLarge
	}
	return res.Items, nil
}

// serveGetMany answers a batch: a POST to BasePath + group (see the
// protocol above). Bad requests are refused before any group sees them:
// when the pool has a Secret a request without a signature with 401, a
// path with a key segment with 405 (a POST names no key), a wrong or stale
// signature with 403, a malformed path with 400, an unknown group with
// 404, a body longer than MaxBatchKeys keys of MaxKeyBytes allow, or more
// than MaxBatchKeys keys, with 413, a key longer than MaxKeyBytes with
// 414, and a malformed body, or one that names another group, with 400.
//
// Each key is loaded here as a GET of it would be, through the group's
// caches and its collapsing of concurrent loads, never from another peer,
// at most manyConcurrency at once. The values of the answer together take
// at most MaxValueBytes: a key whose value does not fit is answered
// OMITTED, and the client asks for it alone.
func (p *HTTPPool) serveGetMany(w http.ResponseWriter, r *http.Request) {
	if len(p.opts.Secret) > 0 && !signed(r) {
		w.Header().Set("WWW-Authenticate", authScheme)
		http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
		return
	}
	path := r.URL.EscapedPath()
	if !strings.HasPrefix(path, p.opts.BasePath) {
		http.Error(w, http.StatusText(http.StatusNotFound), http.StatusNotFound)
		return
	}
	rest := path[len(p.opts.BasePath):]
	if strings.Contains(rest, "/") {
		w.Header().Set("Allow", "GET, PUT, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if len(rest) > 3*maxGroupNameBytes {
		http.Error(w, http.StatusText(http.StatusRequestURITooLong), http.StatusRequestURITooLong)
		return
	}
	name, err := url.QueryUnescape(rest)
	if err != nil || name == "" {
		http.Error(w, http.StatusText(http.StatusBadRequest), http.StatusBadRequest)
		return
	}
	group, bodySum, ok := p.authorizedGroup(w, r, name, batchResourceKey)
	if !ok {
		return
	}
	// A batch is peer traffic as a GET is: Shutdown waits for it to stop.
	p.members.served.Add(1)
	limit := int64(MaxBatchKeys)*int64(p.opts.MaxKeyBytes+binaryVarintLen+1) + int64(len(name)) + 16
	body, ok := readBody(w, r, limit, bodySum)
	if !ok {
		return
	}
	var req pb.GetManyRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad GetManyRequest: "+err.Error(), http.StatusBadRequest)
		return
	}
	if req.GetGroup() != name {
		http.Error(w, "GetManyRequest names another group than the path", http.StatusBadRequest)
		return
	}
	if len(req.Keys) > MaxBatchKeys {
		http.Error(w, http.StatusText(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge)
		return
	}
	for _, k := range req.Keys {
		if len(k) > p.opts.MaxKeyBytes {
			http.Error(w, http.StatusText(http.StatusRequestURITooLong), http.StatusRequestURITooLong)
			return
		}
	}
	ctx := p.requestContext(r)
	group.Stats.ServerRequests.Add(int64(len(req.Keys)))
	results := group.getMany(ctx, req.Keys, true)
	out := &pb.GetManyResponse{Items: make([]*pb.GetManyItem, len(results))}
	items := make([]pb.GetManyItem, len(results))
	room := p.opts.MaxValueBytes
	for i := range results {
		res, it := &results[i], &items[i]
		it.Key = &req.Keys[i]
		var st pb.GetManyItem_Status
		switch {
		case errors.Is(res.err, ErrNotFound):
			st = pb.GetManyItem_NOT_FOUND
		case res.err != nil, int64(res.v.Len()) > p.opts.MaxValueBytes:
			st = pb.GetManyItem_ERROR
		case int64(res.v.Len()) > room:
			st = pb.GetManyItem_OMITTED
		default:
			room -= int64(res.v.Len())
			it.Value = res.v.ByteSlice()
			if res.expire != 0 {
				it.Expire = &res.expire
			}
		}
		if st != pb.GetManyItem_OK {
			it.Status = st.Enum()
		}
		out.Items[i] = it
	}
	b, err := proto.Marshal(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = protobufContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.Write(b)
}
