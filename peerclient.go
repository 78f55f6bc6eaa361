package groupcache

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
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

type peerConn struct {
	conn net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
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
// at deadline (if not zero) or when ctx is done, whichever is first. A
// keep-alive connection that the peer closed while it was idle is
// replaced once: every request of the peer protocol is idempotent.
func (c *peerClient) roundTrip(ctx context.Context, deadline time.Time, req *peerRequest, handle func(*peerResponse) error) error {
	for attempt := 0; ; attempt++ {
		pc, reused, err := c.get(ctx, deadline)
		if err != nil {
			return err
		}
		keep, sent, err := c.exchange(ctx, pc, deadline, req, handle)
		if keep {
			c.put(pc)
		} else {
			pc.conn.Close()
		}
		if err != nil {
			// A deadline the caller set surfaces from the
			// connection as a timeout: report it as the context's.
			if ctxErr := callerGaveUp(ctx); ctxErr != nil {
				return ctxErr
			}
		}
		if err != nil && reused && !sent && attempt == 0 {
			continue
		}
		return err
	}
}

// get returns an idle connection, or dials a new one.
func (c *peerClient) get(ctx context.Context, deadline time.Time) (pc *peerConn, reused bool, err error) {
	c.mu.Lock()
	if n := len(c.idle); n > 0 {
		pc = c.idle[n-1]
		c.idle[n-1] = nil
		c.idle = c.idle[:n-1]
	}
	c.mu.Unlock()
	if pc != nil {
		return pc, true, nil
	}
	if !deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}
	conn, err := c.dialer.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, false, err
	}
	return &peerConn{conn: conn, br: bufio.NewReader(conn), bw: bufio.NewWriter(conn)}, false, nil
}

func (c *peerClient) put(pc *peerConn) {
	c.mu.Lock()
	if !c.closed && len(c.idle) < maxIdlePeerConns {
		c.idle = append(c.idle, pc)
		pc = nil
	}
	c.mu.Unlock()
	if pc != nil {
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

// exchange runs one request on pc. keep reports that pc can serve another
// request; sent, that the request may have reached the peer's handler,
// which is when a failure is not a stale connection's.
func (c *peerClient) exchange(ctx context.Context, pc *peerConn, deadline time.Time, req *peerRequest, handle func(*peerResponse) error) (keep, sent bool, err error) {
	if err := pc.conn.SetDeadline(deadline); err != nil {
		return false, false, err
	}
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
			return false, false, err
		}
		// A peer may answer before it has read the whole body, as one
		// refusing a PUT too large for it does, and then close the
		// connection under the body: its answer, if it came, says more
		// than the broken pipe.
		var rerr error
		if res, _, rerr = readResponseHead(pc.br); rerr != nil {
			return false, false, err
		}
	} else if res, keepAlive, err = readResponseHead(pc.br); err != nil {
		// Nothing came back: on a reused connection, the peer most
		// likely closed it before it saw the request.
		return false, !connGone(err), err
	}
	sent = true
	body, complete := bodyReader(pc.br, res)
	res.body = body
	if err := handle(res); err != nil {
		return false, true, err
	}
	// Let the connection be reused if what is left of the body is short.
	if _, err := io.CopyN(io.Discard, body, 4<<10); err != io.EOF {
		return false, true, nil
	}
	return keepAlive && complete(), true, nil
}

// connGone reports an error that means the peer had closed the
// connection: end of stream before any byte of a response, or a reset.
func connGone(err error) bool {
	return err == io.EOF || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
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

// maxHeaderLines bounds the header lines of a response.
const maxHeaderLines = 64

// readResponseHead reads the status line and headers. keepAlive reports
// whether the connection may carry another request afterwards.
func readResponseHead(br *bufio.Reader) (res *peerResponse, keepAlive bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return nil, false, readError(err, len(line) == 0)
	}
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
	for i := 0; ; i++ {
		if i == maxHeaderLines {
			return nil, false, fmt.Errorf("%w: too many header lines", errMalformedResponse)
		}
		line, err := br.ReadSlice('\n')
		if err != nil {
			return nil, false, readError(err, false)
		}
		line = bytes.TrimRight(line, "\r\n")
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
	case status == 204 || status == 304 || status < 200:
		res.contentLength = 0
	case chunked:
		res.contentLength = -2 // marks a chunked body for bodyReader
	case res.contentLength < 0:
		keepAlive = false // the body ends when the peer closes
	}
	return res, keepAlive, nil
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
		for i := 0; i < maxHeaderLines; i++ {
			line, err := c.br.ReadSlice('\n')
			if err != nil {
				return n, io.ErrUnexpectedEOF
			}
			if len(bytes.TrimRight(line, "\r\n")) == 0 {
				c.done = true
				return n, io.EOF
			}
		}
		return n, errMalformedResponse
	}
	return n, err
}
