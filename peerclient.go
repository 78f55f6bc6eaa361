package groupcache

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// peerClient speaks HTTP/1.1 to one plain-http peer, over keep-alive
// connections it pools, and does all its work in the calling goroutine.
//
// The pool uses it instead of net/http's Transport when the user gives no
// Transport: a peer request is small and answered fast, and the
// Transport hands every request to a writer goroutine and every response
// back from a reader goroutine, which on a loopback round trip costs as
// much as the network does, and allocates some fifty objects. The bytes on
// the wire are an ordinary HTTP/1.1 exchange that any server, golang/
// groupcache's included, answers.
type peerClient struct {
	addr   string // host:port to dial
	host   string // the Host header
	dialer net.Dialer

	mu     sync.Mutex
	idle   []*peerConn // guarded by mu; the most recently used last
	closed bool        // guarded by mu; set by closeIdle for good
}

// maxIdlePeerConns bounds the idle connections kept to one peer: enough for
// bursts of a few hundred concurrent callers without reconnecting.
const maxIdlePeerConns = 512

// peerIdleTimeout is how long a connection may sit unused in the pool
// before the client closes it rather than reuse it. A server closes an
// idle connection when its own idle timeout passes, and a request sent
// at that moment fails with no way to tell whether the server saw it;
// closing first avoids that race. It is shorter than the idle timeouts
// servers are usually given (nginx closes idle connections after 75 s,
// cloud load balancers after 60 s, net/http's server after its
// IdleTimeout, or never without one): a peer's server should keep idle
// connections open for longer than this.
const peerIdleTimeout = 30 * time.Second

type peerConn struct {
	conn      net.Conn
	br        *bufio.Reader
	bw        *bufio.Writer
	probe     connProbe
	idleSince time.Time // when it was last put in the pool
}

// A peerRequest is one request to a peer: method, the escaped path, extra
// headers as name and value pairs, and for PUT a body.
type peerRequest struct {
	method string
	path   string
	header [][2]string
	body   []byte
}

// A peerResponse is the status and body a handler reads. The body must not
// be used after the handler returns.
type peerResponse struct {
	status        int
	contentLength int64 // -1 if unknown
	body          io.Reader
}

var (
	errMalformedResponse = errors.New("groupcache: malformed HTTP response from peer")
	aLongTimeAgo         = time.Unix(1, 0)
)

func newPeerClient(hostport string, dialTimeout time.Duration) *peerClient {
	return &peerClient{
		addr:   hostport,
		host:   hostport,
		dialer: net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second},
	}
}

// roundTrip sends req and hands the response to handle. The exchange ends
// at deadline (if not zero) or when ctx is done, whichever is first.
//
// A request is sent at most twice, and twice only when the first attempt
// provably did not reach the peer whole: it went on a reused connection
// and writing it failed because the peer had closed that connection. The
// second attempt uses a new connection. A request that was written and
// then got no answer is not sent again, even though that is also what a
// connection closed by the peer just as the request left looks like: the
// peer may equally have read it and failed while handling it, and running
// its Getter again would repeat the failure, or the work. Connections that
// the peer closed while idle are found and dropped before any request is
// written on them (see get), so that only a close between that check and
// the request's arrival fails a request, and peerIdleTimeout keeps such a
// close, at the peer's idle timeout, from coming just then.
func (c *peerClient) roundTrip(ctx context.Context, deadline time.Time, req *peerRequest, handle func(*peerResponse) error) error {
	// A caller who has given up gets its answer without touching the
	// pool: taking a connection would cost it, cut short.
	if err := callerGaveUp(ctx); err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		pc, reused, err := c.get(ctx, deadline, attempt == 0)
		if err != nil {
			return err
		}
		keep, unsent, err := c.exchange(ctx, pc, req, handle)
		if keep {
			c.put(pc)
		} else {
			pc.conn.Close()
		}
		if err == nil {
			return nil
		}
		// A deadline the caller set surfaces from the connection as a
		// timeout: report it as the context's.
		if ctxErr := callerGaveUp(ctx); ctxErr != nil {
			return ctxErr
		}
		if !reused || !unsent || attempt > 0 {
			return err
		}
	}
}

// get returns a connection whose deadline is set: with pooled, an idle
// one if there is one fit for use, else a new one. Idle connections that
// are not fit, because they sat unused longer than peerIdleTimeout, or the
// peer closed them or sent bytes on them, are closed on the way.
func (c *peerClient) get(ctx context.Context, deadline time.Time, pooled bool) (pc *peerConn, reused bool, err error) {
	for pooled {
		pc = c.takeIdle(time.Now())
		if pc == nil {
			break
		}
		// The deadline first: the probe reads, which a deadline
		// passed while the connection was idle would refuse.
		if pc.conn.SetDeadline(deadline) == nil && pc.probe.quiet() {
			return pc, true, nil
		}
		pc.conn.Close()
	}
	dialCtx := ctx
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		dialCtx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	conn, err := c.dialer.DialContext(dialCtx, "tcp", c.addr)
	if err != nil {
		return nil, false, err
	}
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return nil, false, err
	}
	pc = &peerConn{conn: conn, br: bufio.NewReader(conn), bw: bufio.NewWriter(conn)}
	pc.probe.init(conn)
	return pc, false, nil
}

// takeIdle removes the most recently used idle connection from the pool
// and returns it, or nil if there is none that was used since
// peerIdleTimeout before now. Those that were not are closed.
func (c *peerClient) takeIdle(now time.Time) *peerConn {
	c.mu.Lock()
	n := len(c.idle)
	if n == 0 {
		c.mu.Unlock()
		return nil
	}
	pc := c.idle[n-1]
	if now.Sub(pc.idleSince) < peerIdleTimeout {
		c.idle[n-1] = nil
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return pc
	}
	// The most recently used is too old, and so are all the others.
	stale := c.idle
	c.idle = nil
	c.mu.Unlock()
	for _, pc := range stale {
		pc.conn.Close()
	}
	return nil
}

// put returns pc to the pool, and closes the connections that have been
// idle longer than peerIdleTimeout, which are the first in the pool.
func (c *peerClient) put(pc *peerConn) {
	now := time.Now()
	pc.idleSince = now
	var stale []*peerConn
	c.mu.Lock()
	if !c.closed && len(c.idle) < maxIdlePeerConns {
		c.idle = append(c.idle, pc)
		pc = nil
	}
	old := 0
	for old < len(c.idle) && now.Sub(c.idle[old].idleSince) >= peerIdleTimeout {
		old++
	}
	if old > 0 {
		stale = append(stale, c.idle[:old]...)
		n := copy(c.idle, c.idle[old:])
		clear(c.idle[n:])
		c.idle = c.idle[:n]
	}
	c.mu.Unlock()
	if pc != nil {
		pc.conn.Close()
	}
	for _, pc := range stale {
		pc.conn.Close()
	}
}

// closeIdle closes the idle connections; with forever, the client keeps
// no connections from then on.
func (c *peerClient) closeIdle(forever bool) {
	c.mu.Lock()
	idle := c.idle
	c.idle = nil
	c.closed = c.closed || forever
	c.mu.Unlock()
	for _, pc := range idle {
		pc.conn.Close()
	}
}

// exchange runs one request on pc, whose deadline is set. keep reports
// that pc can carry another request; unsent, that the request provably did
// not reach the peer whole, because the peer had closed the connection
// before all of it was written.
func (c *peerClient) exchange(ctx context.Context, pc *peerConn, req *peerRequest, handle func(*peerResponse) error) (keep, unsent bool, err error) {
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, func() { pc.conn.SetDeadline(aLongTimeAgo) })
		defer func() {
			if !stop() {
				keep = false // the deadline was cut short under us
			}
		}()
	}
	var res *peerResponse
	keepAlive := false
	if err := c.writeRequest(pc.bw, req); err != nil {
		if req.body == nil {
			// The last bytes of the request, which complete it, were
			// not written.
			return false, connGone(err), err
		}
		// A peer may answer before it has read the whole body, as one
		// refusing a PUT too large for it does, and then close the
		// connection under the body: its answer, if it came, says more
		// than the broken pipe.
		var rerr error
		if res, _, rerr = readResponseHead(pc.br); rerr != nil {
			return false, connGone(err), err
		}
	} else if res, keepAlive, err = readResponseHead(pc.br); err != nil {
		return false, false, err
	}
	body, complete := bodyReader(pc.br, res)
	res.body = body
	err = handle(res)
	// Whatever the handler made of the answer, a connection whose answer
	// was read to its end can carry the next request; reading what is
	// left of a short body costs less than a new connection.
	if keepAlive && !complete() {
		if _, derr := io.CopyN(io.Discard, body, 4<<10); derr != io.EOF {
			return false, false, err
		}
	}
	// Bytes after the answer were sent unasked: the next request would
	// take them for its answer.
	return keepAlive && complete() && pc.br.Buffered() == 0, false, err
}

// connGone reports an error writing a request that means the peer had
// closed the connection.
func connGone(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func (c *peerClient) writeRequest(w *bufio.Writer, req *peerRequest) error {
	w.WriteString(req.method)
	w.WriteByte(' ')
	w.WriteString(req.path)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(c.host)
	w.WriteString("\r\n")
	for _, h := range req.header {
		w.WriteString(h[0])
		w.WriteString(": ")
		w.WriteString(h[1])
		w.WriteString("\r\n")
	}
	if req.body != nil || req.method == "PUT" {
		w.WriteString("Content-Length: ")
		var n [20]byte
		w.Write(strconv.AppendInt(n[:0], int64(len(req.body)), 10))
		w.WriteString("\r\n")
	}
	w.WriteString("\r\n")
	w.Write(req.body)
	return w.Flush()
}

const (
	// maxResponseHeaderBytes bounds the bytes of a response's status
	// lines and headers, interim responses included, and of a chunked
	// body's trailer. Proxies may add many headers, or long ones, that
	// this client skips.
	maxResponseHeaderBytes = 64 << 10

	// maxInterimResponses bounds the 1xx responses, such as 100
	// Continue or 103 Early Hints, skipped before the final one.
	maxInterimResponses = 8
)

// readResponseHead reads the status line and headers of the final
// response, after any interim ones. keepAlive reports whether the
// connection may carry another request afterwards.
func readResponseHead(br *bufio.Reader) (res *peerResponse, keepAlive bool, err error) {
	budget := maxResponseHeaderBytes
	for interim := 0; ; interim++ {
		res, keepAlive, err = readOneHead(br, &budget, interim == 0)
		// 101 Switching Protocols is final: what follows is not
		// HTTP, so the connection cannot be reused (readOneHead).
		if err != nil || res.status >= 200 || res.status == http.StatusSwitchingProtocols {
			return res, keepAlive, err
		}
		if interim == maxInterimResponses {
			return nil, false, fmt.Errorf("%w: more than %d interim responses", errMalformedResponse, maxInterimResponses)
		}
	}
}

// readOneHead reads one status line and its headers, charging them to
// budget. first marks the first response on the connection, whose absence
// is a clean end of stream.
func readOneHead(br *bufio.Reader, budget *int, first bool) (res *peerResponse, keepAlive bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return nil, false, readError(err, first && len(line) == 0)
	}
	*budget -= len(line)
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return nil, false, fmt.Errorf("%w: status line %q", errMalformedResponse, line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil || status < 100 {
		return nil, false, fmt.Errorf("%w: status line %q", errMalformedResponse, line)
	}
	res = &peerResponse{status: status, contentLength: -1}
	keepAlive = line[7] == '1' // HTTP/1.0 closes by default
	chunked := false
	for {
		line, skipped, err := readHeaderLine(br, budget)
		if err != nil {
			return nil, false, err
		}
		if skipped {
			continue
		}
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return nil, false, fmt.Errorf("%w: header line %q", errMalformedResponse, line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 {
				return nil, false, fmt.Errorf("%w: Content-Length %q", errMalformedResponse, value)
			}
			res.contentLength = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
			if !chunked {
				return nil, false, fmt.Errorf("%w: Transfer-Encoding %q", errMalformedResponse, value)
			}
		case bytes.EqualFold(name, []byte("Connection")):
			if bytes.EqualFold(value, []byte("close")) {
				keepAlive = false
			} else if bytes.EqualFold(value, []byte("keep-alive")) {
				keepAlive = true
			}
		}
	}
	switch {
	case status == http.StatusSwitchingProtocols:
		res.contentLength = 0
		keepAlive = false
	case status == 204 || status == 304 || status < 200:
		res.contentLength = 0
	case chunked:
		res.contentLength = -2 // marks a chunked body for bodyReader
	case res.contentLength < 0:
		keepAlive = false // the body ends when the peer closes
	}
	return res, keepAlive, nil
}

// readHeaderLine reads a header line, without its line end, and charges
// it to budget. A line too long for br's buffer is read to its end and
// skipped, if it names a header that readOneHead does not interpret:
// those it does interpret fit in a few bytes.
func readHeaderLine(br *bufio.Reader, budget *int) (line []byte, skipped bool, err error) {
	line, err = br.ReadSlice('\n')
	*budget -= len(line)
	if *budget < 0 {
		return nil, false, fmt.Errorf("%w: header over %d bytes", errMalformedResponse, maxResponseHeaderBytes)
	}
	if err == bufio.ErrBufferFull {
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok || bytes.EqualFold(name, []byte("Content-Length")) || bytes.EqualFold(name, []byte("Transfer-Encoding")) || bytes.EqualFold(name, []byte("Connection")) {
			return nil, false, fmt.Errorf("%w: header line too long", errMalformedResponse)
		}
		for err == bufio.ErrBufferFull {
			line, err = br.ReadSlice('\n')
			*budget -= len(line)
			if *budget < 0 {
				return nil, false, fmt.Errorf("%w: header over %d bytes", errMalformedResponse, maxResponseHeaderBytes)
			}
		}
		skipped = true
	}
	if err != nil {
		return nil, false, readError(err, false)
	}
	return bytes.TrimRight(line, "\r\n"), skipped, nil
}

// readError classifies an error reading a response head: a line longer
// than the buffer is malformed; an end of stream is clean only before the
// first byte; anything else is the connection's error, kept for callers
// that look for timeouts.
func readError(err error, atStart bool) error {
	switch {
	case err == bufio.ErrBufferFull:
		return fmt.Errorf("%w: line too long", errMalformedResponse)
	case err == io.EOF && !atStart:
		return io.ErrUnexpectedEOF
	}
	return err
}

// bodyReader returns a reader of the response body and a function that
// reports, once the body was read to its end, whether the connection is
// positioned at the next response.
func bodyReader(br *bufio.Reader, res *peerResponse) (io.Reader, func() bool) {
	switch n := res.contentLength; {
	case n >= 0:
		lb := &lengthBody{r: br, n: n}
		return lb, func() bool { return lb.n == 0 }
	case n == -2:
		res.contentLength = -1
		cr := &chunkedBody{r: httputil.NewChunkedReader(br), br: br}
		return cr, func() bool { return cr.done }
	default:
		return br, func() bool { return false }
	}
}

// lengthBody reads a body of a declared length, and reports a connection
// that ends before it as io.ErrUnexpectedEOF, not as the end of the body.
type lengthBody struct {
	r io.Reader
	n int64 // bytes still to come
}

func (b *lengthBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	if err == io.EOF && b.n > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// chunkedBody reads a chunked body and, at its end, the trailer section,
// so that the connection can carry the next response.
type chunkedBody struct {
	r    io.Reader
	br   *bufio.Reader
	done bool
}

func (c *chunkedBody) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	n, err := c.r.Read(p)
	if err == io.EOF {
		budget := maxResponseHeaderBytes
		for {
			line, skipped, err := readHeaderLine(c.br, &budget)
			if err != nil {
				return n, err
			}
			if !skipped && len(line) == 0 {
				c.done = true
				return n, io.EOF
			}
		}
	}
	return n, err
}
