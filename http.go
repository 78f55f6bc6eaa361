package groupcache

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed3c1b93bc/groupcache/consistenthash"
	pb "github.com/seed3c1b93bc/groupcache/groupcachepb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

const (
	defaultBasePath = "/_groupcache/"
	defaultReplicas = 50

	// DefaultPeerTimeout is how long a request to a peer may take when
	// HTTPPoolOptions.PeerTimeout is zero, from sending it to reading
	// the last byte of the answer. It covers the owner's own load, so it
	// is generous; a caller's earlier deadline wins. A request that runs
	// out of time counts in Stats.PeerErrors and the key is loaded
	// locally.
	DefaultPeerTimeout = 10 * time.Second

	// DefaultMaxValueBytes bounds a value carried between peers when
	// HTTPPoolOptions.MaxValueBytes is zero.
	DefaultMaxValueBytes = 4 << 20

	// DefaultMaxKeyBytes bounds the key of a request a peer accepts when
	// HTTPPoolOptions.MaxKeyBytes is zero.
	DefaultMaxKeyBytes = 8 << 10

	// DefaultCoalesceWait bounds how long a Get waits to share a request
	// to a peer when HTTPPoolOptions.CoalesceWait is zero: about a
	// loopback round trip under load.
	DefaultCoalesceWait = time.Millisecond

	// The largest settings a pool takes; larger ones are taken as these.
	maxMaxValueBytes = 1 << 30
	maxMaxKeyBytes   = 256 << 20
	maxReplicas      = 1 << 12
)

// HTTPPool implements PeerPicker for a pool of HTTP peers. It is also the
// http.Handler that answers the peers' requests for this process's keys.
type HTTPPool struct {
	// Context optionally specifies a context for the server to use when it
	// receives a request.
	// If nil, the server uses the request's context.
	Context func(*http.Request) context.Context

	// Transport optionally specifies an http.RoundTripper for the client
	// to use when it makes a request, for example one whose TLS
	// configuration trusts the peers' certificates (docs/reliability.md
	// shows how to run the pool over TLS).
	// If nil, the client uses a transport of the pool's own, tuned to
	// keep connections to every peer open between requests; for
	// plain-http peers that is a minimal HTTP/1.1 client that works in
	// the calling goroutine (see peerclient.go).
	Transport func(context.Context) http.RoundTripper

	self      string // this peer's base URL, e.g. "https://example.net:8000"
	opts      HTTPPoolOptions
	registry  *Registry
	transport *http.Transport // used when Transport is nil, for https peers

	// clients holds the pool's own client of each plain-http peer, kept
	// across calls to Set so that connections survive a new peer list.
	clients map[string]*peerClient // guarded by setMu

	setMu sync.Mutex           // serializes Set
	ring  atomic.Pointer[ring] // replaced whole by Set, read without locks

	logLimit logLimiter // rate-limits the lines written to opts.Logger

	members membership // Discover's and Shutdown's state (membership.go)
}

// ring is one immutable generation of the pool's peer list.
type ring struct {
	hash    *consistenthash.Map
	getters map[string]*httpGetter // keyed by base URL

	// handover, if not nil, names the keys' previous owners for a
	// while after the change that made this ring (handover.go).
	handover *handover
}

// HTTPPoolOptions are the configurations of a HTTPPool. Every zero value
// selects the default.
type HTTPPoolOptions struct {
	// BasePath specifies the HTTP path that will serve groupcache requests.
	// If blank, it defaults to "/_groupcache/".
	BasePath string

	// Replicas specifies the number of key replicas on the consistent hash.
	// If zero or negative, it defaults to 50; more than 4096 is taken as
	// 4096, which bounds the ring's memory and the time to build it
	// (Replicas points per peer). Peers that share a ring need the same
	// value.
	Replicas int

	// HashFn specifies the hash function of the consistent hash.
	// If blank, it defaults to crc32.ChecksumIEEE.
	HashFn consistenthash.Hash

	// Registry is the set of groups the pool serves and picks peers for.
	// If nil, it is DefaultRegistry.
	Registry *Registry

	// PeerTimeout bounds each request to a peer, reading the answer
	// included. If zero, it is DefaultPeerTimeout; a negative value
	// means no bound but the caller's context. Any positive value is
	// taken as it is.
	PeerTimeout time.Duration

	// MaxValueBytes bounds a value carried between peers. A peer's
	// answer with a longer value is abandoned after reading at most
	// this many bytes and a few of framing, and the key is loaded
	// locally; a PUT of a longer value is refused with 413, and Set
	// refuses one with ErrValueTooLarge. A longer value from a Getter is
	// served where it was loaded, and each other peer that asks for it
	// loads it itself (counting a PeerError). If zero or negative, it is
	// DefaultMaxValueBytes; more than 1 GiB is taken as 1 GiB, which keeps
	// a peer's answer within what one buffer can hold on every platform.
	MaxValueBytes int64

	// MaxKeyBytes bounds the key of a request this pool serves: a longer
	// one is refused with 414 Request URI Too Long before any group sees
	// it. If zero or negative, it is DefaultMaxKeyBytes; more than 256 MiB
	// is taken as 256 MiB, which keeps the escaped path's bound within an
	// int on every platform.
	MaxKeyBytes int

	// Secret, if not empty, turns on request authentication: the pool
	// signs every request it sends to a peer with it, and refuses every
	// request it receives that is not signed with it (see auth.go for
	// the scheme). All peers must have the same Secret. The signature
	// covers the group and the key, not the path, so peers may mount
	// the pool under different prefixes (http.StripPrefix) as long as
	// requests reach it. It guards the endpoint against anyone who can
	// reach it but does not know the secret, and lets the pool take
	// writes; it does not hide keys and values from an eavesdropper,
	// which takes TLS. Peers running golang/groupcache cannot sign, and
	// so cannot ask a pool with a Secret for keys.
	Secret []byte

	// AllowUnsignedWrites, if true, lets a pool without a Secret take
	// writes: it serves PUT and DELETE from anyone who can reach it, and
	// sends Set and Remove to peers. Without it, such a pool serves only
	// reads, as golang/groupcache does: it refuses PUT and DELETE with
	// 403 Forbidden, and Group.Set and Group.Remove fail with
	// ErrWritesRefused for every remote peer without asking it. Set it
	// on every peer of a cluster whose endpoint only peers can reach,
	// for example one behind mutual TLS. A pool with a Secret takes
	// signed writes whatever its value.
	AllowUnsignedWrites bool

	// Logger, if not nil, receives a line for each failed request to a
	// peer (Warn), each request from a peer that the pool refused (Warn)
	// and each change of the peer list (Info), at most one line per
	// peer, asking host or list change per LogInterval; the next line
	// counts those left out. Keys are never logged. If nil, the pool
	// logs nothing.
	Logger *slog.Logger

	// LogInterval is how often at most Logger gets a line about one
	// subject. If zero, it is DefaultLogInterval.
	LogInterval time.Duration

	// CoalesceWait bounds how long a Get to a peer may wait to share a
	// request with other Gets. A Get to a peer with two of this pool's
	// requests in flight waits until one is answered, or CoalesceWait
	// passes, and goes in one batch request with the other Gets to that
	// peer and group that came meanwhile (at most 64 keys); with fewer in
	// flight it is sent at once, alone. Each Get returns what it would
	// have returned alone, but no sooner than its batch's slowest key at
	// the owner. Peers without batches, such as golang/groupcache, are
	// sent single Gets. If zero, it is DefaultCoalesceWait; a negative
	// value sends every Get alone.
	CoalesceWait time.Duration
}

// NewHTTPPool initializes an HTTP pool of peers, and registers itself as a
// PeerPicker of DefaultRegistry. For convenience, it also registers itself
// as an http.Handler with http.DefaultServeMux. The self argument should be
// a valid base URL that points to the current server, for example
// "http://example.net:8000". It panics if called more than once.
func NewHTTPPool(self string) *HTTPPool {
	p := NewHTTPPoolOpts(self, nil)
	http.Handle(p.opts.BasePath, p)
	return p
}

// NewHTTPPoolOpts initializes an HTTP pool of peers with the given options
// and registers it as the PeerPicker of the options' Registry. Unlike
// NewHTTPPool, this function does not register the created pool as an
// HTTP handler. The returned *HTTPPool implements http.Handler and must be
// registered using http.Handle. It panics if a pool was already made for
// the same Registry.
func NewHTTPPoolOpts(self string, o *HTTPPoolOptions) *HTTPPool {
	p := &HTTPPool{self: self, transport: newPeerTransport()}
	if o != nil {
		p.opts = *o
		p.opts.Secret = bytes.Clone(o.Secret) // the caller may reuse its slice
	}
	if p.opts.BasePath == "" {
		p.opts.BasePath = defaultBasePath
	}
	if p.opts.PeerTimeout == 0 {
		p.opts.PeerTimeout = DefaultPeerTimeout
	}
	if p.opts.CoalesceWait == 0 {
		p.opts.CoalesceWait = DefaultCoalesceWait
	}
	// The limits are added to and multiplied with framing sizes, which
	// must not overflow.
	p.opts.Replicas = clampOption(p.opts.Replicas, defaultReplicas, maxReplicas)
	p.opts.MaxValueBytes = clampOption(p.opts.MaxValueBytes, DefaultMaxValueBytes, maxMaxValueBytes)
	p.opts.MaxKeyBytes = clampOption(p.opts.MaxKeyBytes, DefaultMaxKeyBytes, maxMaxKeyBytes)
	p.registry = p.opts.Registry
	if p.registry == nil {
		p.registry = DefaultRegistry
	}
	p.registry.mu.Lock()
	made := p.registry.poolMade
	p.registry.poolMade = true
	p.registry.mu.Unlock()
	if made {
		panic("groupcache: NewHTTPPool must be called only once per Registry")
	}
	p.registry.RegisterPeerPicker(func() PeerPicker { return p })
	return p
}

// clampOption returns v, or def if v is zero or negative, or most if v
// is larger.
func clampOption[T int | int64](v, def, most T) T {
	switch {
	case v <= 0:
		return def
	case v > most:
		return most
	}
	return v
}

// newPeerTransport returns the default client transport. Peers are few and
// talked to constantly, so it keeps plenty of idle connections to each
// instead of http.DefaultTransport's two, which under concurrency would
// open a new TCP connection for most requests. It ignores proxy settings
// from the environment: peers address each other directly.
func newPeerTransport() *http.Transport {
	return &http.Transport{
		DialContext: (&net.Dialer{
			Timeout:   5 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true, // values are opaque bytes
	}
}

// CloseIdleConnections closes the connections to peers that the pool's own
// transport keeps open between requests; requests in progress are not
// affected, and later requests open new connections. A program that is
// done with a pool, or a test that checks for leaked connections, calls
// it. It does nothing for the transports of a Transport hook, which
// belong to whoever made them.
func (p *HTTPPool) CloseIdleConnections() {
	p.transport.CloseIdleConnections()
	p.setMu.Lock()
	defer p.setMu.Unlock()
	for _, c := range p.clients {
		c.closeIdle(false)
	}
}

// Set updates the pool's list of peers. Each peer value should be a valid
// base URL, for example "http://example.net:8000". Set may be called at
// any time, also while Gets are in flight: they use the list they started
// with. A list set with Set makes no warm handover; one that Discover
// applies does.
func (p *HTTPPool) Set(peers ...string) {
	p.setRing(peers, handoverConfig{})
}

// setRing makes peers the pool's ring, with warm handover from the
// current one as hc says, and returns how many peers it added and
// removed.
func (p *HTTPPool) setRing(peers []string, hc handoverConfig) (added, removed int) {
	p.setMu.Lock()
	defer p.setMu.Unlock()
	r := &ring{
		hash:    consistenthash.New(p.opts.Replicas, p.opts.HashFn),
		getters: make(map[string]*httpGetter, len(peers)),
	}
	r.hash.Add(peers...)
	clients := make(map[string]*peerClient, len(peers))
	for _, peer := range peers {
		g := &httpGetter{pool: p, baseURL: peer + p.opts.BasePath}
		if hostport, path, ok := plainHTTP(peer); ok {
			c := p.clients[hostport]
			if c == nil {
				c = newPeerClient(hostport, 5*time.Second)
			}
			clients[hostport] = c
			g.client, g.path = c, path+p.opts.BasePath
		}
		r.getters[peer] = g
	}
	for hostport, c := range p.clients {
		if clients[hostport] == nil {
			c.closeIdle(true) // requests in flight finish; nothing new starts
		}
	}
	p.clients = clients
	old := p.ring.Load()
	r.handover = p.newHandover(old, r, peers, hc)
	added, removed = p.logRingChange(old, r)
	p.ring.Store(r)
	return added, removed
}

// plainHTTP reports whether peer is a plain-http base URL, which the
// pool's own client can serve, and returns the address to dial and the
// escaped path that precedes the base path.
func plainHTTP(peer string) (hostport, path string, ok bool) {
	u, err := url.Parse(peer)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", "", false
	}
	hostport = u.Host
	if u.Port() == "" {
		hostport = net.JoinHostPort(u.Hostname(), "80")
	}
	return hostport, strings.TrimSuffix(u.EscapedPath(), "/"), true
}

// PickPeer implements PeerPicker: it returns the peer that owns key, or
// nil, false when this process owns it or no peers were set.
func (p *HTTPPool) PickPeer(key string) (ProtoGetter, bool) {
	r := p.ring.Load()
	if r == nil || r.hash.IsEmpty() {
		return nil, false
	}
	if peer := r.hash.Get(key); peer != p.self {
		return r.getters[peer], true
	}
	return nil, false
}

// ServeHTTP answers a peer's request for a key of one of the pool's
// groups. The path is BasePath + group + "/" + key, both escaped; the
// pool's client also escapes the dots of a group or key that is "." or
// "..", which a ServeMux would otherwise clean out of the path.
//
//   - GET loads the key and answers with an encoded GetResponse, as
//     golang/groupcache does. A request from a peer is always loaded
//     here, never forwarded to another peer, even if this process's ring
//     names another owner.
//   - PUT stores the value of the encoded SetRequest in its body in the
//     main cache (Group.Set) and answers 204 No Content.
//   - DELETE drops the key from both caches (Group.Remove) and answers
//     204 No Content.
//   - POST to BasePath + group, without a key, answers a batch of Gets
//     (Group.GetMany); see serveGetMany.
//
// PUT and DELETE are served only by a pool with a Secret or with
// AllowUnsignedWrites. Bad requests are refused before any group sees
// them and before their body is read: another method with 405, a write to
// a pool that takes none with 403 and ErrWritesRefused's message, when
// the pool has a Secret a request without a signature with 401, a path
// outside BasePath with 404, a malformed path or escaping with 400, a key
// longer than MaxKeyBytes with 414, a wrong or stale signature with 403,
// an unknown group with 404, and a PUT body longer than MaxValueBytes
// allows with 413 (or 400 if it is malformed). The body of a GET or
// DELETE is never read.
func (p *HTTPPool) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w, r, observed := p.observeRequest(w, r)
	defer observed()
	switch r.Method {
	case http.MethodGet, http.MethodPut, http.MethodDelete:
	case http.MethodPost:
		p.serveGetMany(w, r)
		return
	default:
		w.Header().Set("Allow", "GET, PUT, DELETE, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.Method != http.MethodGet && len(p.opts.Secret) == 0 && !p.opts.AllowUnsignedWrites {
		// The body tells the caller why, as ErrWritesRefused.
		http.Error(w, ErrWritesRefused.Error(), http.StatusForbidden)
		return
	}
	if len(p.opts.Secret) > 0 && !signed(r) {
		w.Header().Set("WWW-Authenticate", authScheme)
		http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
		return
	}
	name, key, status := p.parsePath(r)
	if status != http.StatusOK {
		http.Error(w, http.StatusText(status), status)
		return
	}
	group, bodySum, ok := p.authorizedGroup(w, r, name, key)
	if !ok {
		return
	}
	switch r.Method {
	case http.MethodPut:
		p.serveSet(w, r, group, key, bodySum)
		return
	case http.MethodDelete:
		group.removeLocally(key)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	ctx := p.requestContext(r)
	p.members.served.Add(1)
	if r.Header.Get(handoverHeader) != "" {
		p.serveHandover(w, group, key)
		return
	}
	group.Stats.ServerRequests.Add(1)
	v, expire, err := group.get(ctx, key, true)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			// The body tells this 404 from golang/groupcache's
			// for an unknown group.
			http.Error(w, ErrNotFound.Error(), http.StatusNotFound)
			return
		}
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeGetResponse(w, v, expire)
}

// requestContext returns the context in which to load what r asks for:
// the pool's Context function's, if it has one.
func (p *HTTPPool) requestContext(r *http.Request) context.Context {
	if p.Context != nil {
		return p.Context(r)
	}
	return r.Context()
}

// serveSet answers a PUT. bodySum is the SHA-256 of the body that the
// request's signature covers, or nil if the pool has no Secret.
func (p *HTTPPool) serveSet(w http.ResponseWriter, r *http.Request, group *Group, key string, bodySum []byte) {
	limit := p.opts.MaxValueBytes + setRequestOverhead + int64(len(group.name)+len(key))
	body, ok := readBody(w, r, limit, bodySum)
	if !ok {
		return
	}
	var req pb.SetRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad SetRequest: "+err.Error(), http.StatusBadRequest)
		return
	}
	if req.GetGroup() != group.name || req.GetKey() != key {
		http.Error(w, "SetRequest names another group or key than the path", http.StatusBadRequest)
		return
	}
	// The body's bound leaves room for framing, which a hostile body
	// can fill with value instead; no peer could fetch such a value.
	if int64(len(req.Value)) > p.opts.MaxValueBytes {
		http.Error(w, http.StatusText(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge)
		return
	}
	// The body is this request's own memory: the cache can keep the
	// value without a copy.
	group.setLocally(key, viewOfOwnedBytes(req.Value), req.GetExpire())
	w.WriteHeader(http.StatusNoContent)
}

// setRequestOverhead is more than the framing of a SetRequest's fields.
const setRequestOverhead = 64

// ListPeers implements PeerLister: it returns every peer of the current
// list but this process.
func (p *HTTPPool) ListPeers() []ProtoGetter {
	r := p.ring.Load()
	if r == nil {
		return nil
	}
	peers := make([]ProtoGetter, 0, len(r.getters))
	for url, g := range r.getters {
		if url != p.self {
			peers = append(peers, g)
		}
	}
	return peers
}

// parsePath splits the escaped request path into its group name and key.
// It reads the path as sent, not as net/http decoded it, so that an
// escaped "/" stays inside the key. It undoes query escaping, which
// decodes both the strict escaping of this package's client and
// golang/groupcache's url.QueryEscape, where "+" stands for a space.
func (p *HTTPPool) parsePath(r *http.Request) (group, key string, status int) {
	path := r.URL.EscapedPath()
	if !strings.HasPrefix(path, p.opts.BasePath) {
		return "", "", http.StatusNotFound
	}
	rest := path[len(p.opts.BasePath):]
	// An escaped byte takes three; anything longer cannot be valid.
	if len(rest) > 3*(p.opts.MaxKeyBytes+maxGroupNameBytes)+1 {
		return "", "", http.StatusRequestURITooLong
	}
	escGroup, escKey, ok := strings.Cut(rest, "/")
	if !ok {
		return "", "", http.StatusBadRequest
	}
	group, err1 := url.QueryUnescape(escGroup)
	key, err2 := url.QueryUnescape(escKey)
	if err1 != nil || err2 != nil {
		return "", "", http.StatusBadRequest
	}
	if len(key) > p.opts.MaxKeyBytes {
		return "", "", http.StatusRequestURITooLong
	}
	return group, key, http.StatusOK
}

// maxGroupNameBytes bounds the group name in a request path.
const maxGroupNameBytes = 1 << 10

// writeGetResponse writes the GetResponse message for v by hand: the
// value goes from the cache to the connection without an intermediate
// copy. The encoding is the one proto.Marshal produces.
func writeGetResponse(w http.ResponseWriter, v ByteView, expire int64) {
	var head [2*binaryVarintLen + 2]byte
	b := protowire.AppendTag(head[:0], 1, protowire.BytesType)
	b = protowire.AppendVarint(b, uint64(v.Len()))
	var tail [binaryVarintLen + 1]byte
	t := tail[:0]
	if expire != 0 {
		t = protowire.AppendTag(t, 3, protowire.VarintType)
		t = protowire.AppendVarint(t, uint64(expire))
	}
	h := w.Header()
	// Assigned rather than Set: the canonical names need no work, and
	// the constant value needs no slice of its own per response.
	h["Content-Type"] = protobufContentType
	h["Content-Length"] = []string{strconv.Itoa(len(b) + v.Len() + len(t))}
	w.Write(b)
	v.WriteTo(w)
	w.Write(t)
}

// protobufContentType is the Content-Type header value of a response;
// net/http only reads it.
var protobufContentType = []string{"application/x-protobuf"}

// binaryVarintLen is the longest encoding of a varint.
const binaryVarintLen = 10

// readBody reads the body of a PUT or POST of at most limit bytes, judging
// a declared length before reading anything, and checks it against
// bodySum, the SHA-256 its signature covers (nil without a Secret). On a
// refusal it answers the request itself and reports false: 413 for a body
// too long, 400 for one that could not be read, 403 for one that does not
// match its signature.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, bodySum []byte) ([]byte, bool) {
	if r.ContentLength > limit {
		http.Error(w, http.StatusText(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge)
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return nil, false
	}
	if int64(len(body)) > limit {
		http.Error(w, http.StatusText(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if bodySum != nil && !bodyMatches(body, bodySum) {
		http.Error(w, "body does not match its signature", http.StatusForbidden)
		return nil, false
	}
	return body, true
}
