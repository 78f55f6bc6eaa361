package groupcache

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// This file holds what an HTTPPool reports about its work: to the hooks
// of its Registry (see Hooks) and to HTTPPoolOptions.Logger.

// startOp begins the observation of a request to the peer h. Without
// hooks or a logger it costs a few loads and allocates nothing.
func (h *httpGetter) startOp(ctx context.Context, method, group string) (context.Context, func(error)) {
	p := h.pool
	logger := p.opts.Logger
	if logger == nil && !p.registry.hasHooks() {
		return ctx, endNothing
	}
	op := Op{Kind: peerOpKind(method), Group: group, Peer: strings.TrimSuffix(h.baseURL, p.opts.BasePath)}
	ctx, end := p.registry.startOp(ctx, op)
	if logger == nil {
		return ctx, end
	}
	return ctx, func(err error) {
		end(err)
		// Neither a caller that gave up nor a key without a value is
		// the peer's failure.
		if err != nil && callerGaveUp(ctx) == nil && !errors.Is(err, ErrNotFound) {
			p.logPeerFailure(logger, op, err)
		}
	}
}

func peerOpKind(method string) OpKind {
	switch method {
	case http.MethodPut:
		return OpPeerSet
	case http.MethodDelete:
		return OpPeerRemove
	}
	return OpPeerGet
}

// logPeerFailure logs a failed request to a peer, at most once per
// LogInterval for each peer.
func (p *HTTPPool) logPeerFailure(logger *slog.Logger, op Op, err error) {
	ok, suppressed := p.logLimit.allow("peer "+op.Peer, p.opts.LogInterval)
	if !ok {
		return
	}
	msg := "groupcache: peer request failed"
	if op.Kind == OpPeerGet {
		msg += "; loading the key locally"
	}
	attrs := []slog.Attr{
		slog.String("peer", op.Peer),
		slog.String("group", op.Group),
		slog.String("op", op.Kind.String()),
		slog.String("error", err.Error()),
		slog.String("error_type", ErrorType(err)),
	}
	if suppressed > 0 {
		attrs = append(attrs, slog.Int("suppressed", suppressed))
	}
	logger.LogAttrs(context.Background(), slog.LevelWarn, msg, attrs...)
}

// logRingChange logs the difference between the peer lists of two rings,
// if there is one, and returns the numbers of peers added and removed.
// Set calls it with the old ring, which may be nil, and the new one.
func (p *HTTPPool) logRingChange(old, cur *ring) (nAdded, nRemoved int) {
	var added, removed []string
	for url := range cur.getters {
		if old == nil || old.getters[url] == nil {
			added = append(added, url)
		}
	}
	if old != nil {
		for url := range old.getters {
			if cur.getters[url] == nil {
				removed = append(removed, url)
			}
		}
	}
	logger := p.opts.Logger
	if logger == nil || len(added) == 0 && len(removed) == 0 {
		return len(added), len(removed)
	}
	ok, suppressed := p.logLimit.allow("ring", p.opts.LogInterval)
	if !ok {
		return len(added), len(removed)
	}
	slices.Sort(added)
	slices.Sort(removed)
	attrs := []slog.Attr{
		slog.Int("peers", len(cur.getters)),
		slog.Any("added", added),
		slog.Any("removed", removed),
	}
	if suppressed > 0 {
		attrs = append(attrs, slog.Int("suppressed", suppressed))
	}
	logger.LogAttrs(context.Background(), slog.LevelInfo, "groupcache: peer list changed", attrs...)
	return len(added), len(removed)
}

// observeRequest prepares the observation of a request that ServeHTTP
// answers: it returns the writer and request to answer it with, and a
// function to call when the answer is written. Without hooks or a logger
// it returns w and r themselves.
func (p *HTTPPool) observeRequest(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request, func()) {
	logger := p.opts.Logger
	if logger == nil && !p.registry.hasHooks() {
		return w, r, doneNothing
	}
	sw := &statusWriter{ResponseWriter: w}
	op := Op{Kind: OpServe, Group: p.groupOfPath(r), Peer: r.RemoteAddr, Method: r.Method}
	ctx := p.registry.extractContext(r.Context(), r.Header)
	ctx, end := p.registry.startOp(ctx, op)
	if ctx != r.Context() {
		r = r.WithContext(ctx)
	}
	return sw, r, func() {
		status := sw.status
		if status == 0 {
			status = http.StatusOK // what net/http sends for a handler that wrote nothing
		}
		var err error
		switch {
		case status < 300:
		case sw.notFound:
			err = ErrNotFound
		default:
			err = &PeerStatusError{Peer: r.RemoteAddr, StatusCode: status, Status: strconv.Itoa(status) + " " + http.StatusText(status)}
		}
		end(err)
		if logger != nil && status >= 400 && status < 500 && !sw.notFound {
			p.logRefused(logger, op, status)
		}
	}
}

func doneNothing() {}

// logRefused logs a request the pool refused, at most once per
// LogInterval for each asking host.
func (p *HTTPPool) logRefused(logger *slog.Logger, op Op, status int) {
	host := op.Peer
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i] // the port changes with every connection
	}
	ok, suppressed := p.logLimit.allow("refused "+host, p.opts.LogInterval)
	if !ok {
		return
	}
	attrs := []slog.Attr{
		slog.String("remote", op.Peer),
		slog.String("method", op.Method),
		slog.String("group", op.Group),
		slog.Int("status", status),
	}
	if suppressed > 0 {
		attrs = append(attrs, slog.Int("suppressed", suppressed))
	}
	logger.LogAttrs(context.Background(), slog.LevelWarn, "groupcache: refused a request from a peer", attrs...)
}

// groupOfPath returns the group named in r's path, or "" if there is
// none that a group could have. It only informs observers: ServeHTTP
// checks the path itself.
func (p *HTTPPool) groupOfPath(r *http.Request) string {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), p.opts.BasePath)
	if !ok {
		return ""
	}
	esc, _, ok := strings.Cut(rest, "/")
	if !ok || len(esc) > 3*maxGroupNameBytes {
		return ""
	}
	name, err := url.QueryUnescape(esc)
	if err != nil || p.registry.GetGroup(name) == nil {
		return "" // an unknown name would make metrics unbounded
	}
	return name
}

// statusWriter records the status of a response, and whether a 404 is the
// answer for a key the Getter did not find rather than a refusal.
type statusWriter struct {
	http.ResponseWriter
	status   int
	notFound bool
}

// notFoundBody starts the body of a 404 for a key the Getter did not find.
var notFoundBody = []byte(ErrNotFound.Error() + "\n")

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	} else if w.status == http.StatusNotFound && !w.notFound {
		w.notFound = bytes.HasPrefix(b, notFoundBody)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// appendHeaders appends the headers of h to pairs, for the pool's own
// client, which writes them as given. A name or value that would break
// the request's framing is left out.
func appendHeaders(pairs [][2]string, h http.Header) [][2]string {
	for name, values := range h {
		if name == "" || strings.ContainsAny(name, " :\r\n") {
			continue
		}
		for _, v := range values {
			if !strings.ContainsAny(v, "\r\n") {
				pairs = append(pairs, [2]string{name, v})
			}
		}
	}
	return pairs
}
