package statuspage

import (
	"context"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// A sample is the registry's cumulative figures at one time: the charts
// show the differences between consecutive samples.
type sample struct {
	at     time.Time
	groups map[string]groupSample
	peers  map[string]peerCounts
}

type groupSample struct {
	gets, hits, loads, peerErrors int64
	bytes                         int64
}

// sample records the figures of now as the newest point of the charts.
func (h *Handler) sample(now time.Time) {
	s := sample{at: now, groups: make(map[string]groupSample), peers: h.peers.snapshot()}
	for _, g := range h.reg.Groups() {
		st := &g.Stats
		s.groups[g.Name()] = groupSample{
			gets:       st.Gets.Get(),
			hits:       st.CacheHits.Get(),
			loads:      st.Loads.Get(),
			peerErrors: st.PeerErrors.Get(),
			bytes:      g.CacheStats(groupcache.MainCache).Bytes + g.CacheStats(groupcache.HotCache).Bytes,
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.history) == h.opts.History {
		copy(h.history, h.history[1:])
		h.history = h.history[:len(h.history)-1]
	}
	h.history = append(h.history, s)
}

// peerMeter times the requests this process sends to each peer, through
// a Hooks.Start.
type peerMeter struct {
	mu    sync.Mutex
	peers map[string]*peerCounts // guarded by mu; by base URL
}

// peerCounts are cumulative figures of the requests sent to one peer.
type peerCounts struct {
	requests, errors int64
	nanos            int64     // the requests' durations added up
	lastErr          string    // groupcache.ErrorType of the last error
	lastErrAt        time.Time // when it ended
}

func (m *peerMeter) start(ctx context.Context, op groupcache.Op) (context.Context, func(error)) {
	switch op.Kind {
	case groupcache.OpPeerGet, groupcache.OpPeerSet, groupcache.OpPeerRemove:
	default:
		return ctx, func(error) {}
	}
	began := time.Now()
	return ctx, func(err error) {
		end := time.Now()
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.peers == nil {
			m.peers = make(map[string]*peerCounts)
		}
		c := m.peers[op.Peer]
		if c == nil {
			c = new(peerCounts)
			m.peers[op.Peer] = c
		}
		c.requests++
		c.nanos += int64(end.Sub(began))
		// A key the owner does not have is an answer, and a caller
		// that gave up is not the peer's doing.
		if t := groupcache.ErrorType(err); t != "" && t != "not_found" && t != "canceled" {
			c.errors++
			c.lastErr, c.lastErrAt = t, end
		}
	}
}

// snapshot returns a copy of the counts of every peer asked so far.
func (m *peerMeter) snapshot() map[string]peerCounts {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := make(map[string]peerCounts, len(m.peers))
	for url, c := range m.peers {
		s[url] = *c
	}
	return s
}

// status is everything the page shows, as of now. Its JSON encoding is
// the ?format=json answer.
type status struct {
	Title           string        `json:"title"`
	Time            time.Time     `json:"time"`
	IntervalSeconds float64       `json:"interval_seconds"`
	WindowSeconds   float64       `json:"window_seconds"` // what "recent" figures cover
	Self            string        `json:"self,omitempty"`
	Groups          []groupStatus `json:"groups"`
	Peers           []peerStatus  `json:"peers"`
	window          time.Duration // WindowSeconds, for the page
	interval        time.Duration // IntervalSeconds, for the page
	refresh         int           // seconds between reloads of the page
}

type groupStatus struct {
	Name           string       `json:"name"`
	CacheBytes     int64        `json:"cache_bytes"` // the budget of both caches
	Gets           int64        `json:"gets"`
	CacheHits      int64        `json:"cache_hits"`
	HitRatio       float64      `json:"hit_ratio"` // cache_hits / gets
	Loads          int64        `json:"loads"`
	LoadsDeduped   int64        `json:"loads_deduped"`
	LocalLoads     int64        `json:"local_loads"`
	LocalLoadErrs  int64        `json:"local_load_errs"`
	PeerLoads      int64        `json:"peer_loads"`
	PeerErrors     int64        `json:"peer_errors"`
	ServerRequests int64        `json:"server_requests"`
	Bytes          int64        `json:"bytes"` // of both caches
	Items          int64        `json:"items"` // of both caches
	Main           cacheStatus  `json:"main_cache"`
	Hot            cacheStatus  `json:"hot_cache"`
	History        []groupPoint `json:"history"`
}

type cacheStatus struct {
	Bytes       int64   `json:"bytes"`
	Items       int64   `json:"items"`
	Gets        int64   `json:"gets"`
	Hits        int64   `json:"hits"`
	HitRatio    float64 `json:"hit_ratio"`   // hits / gets
	Evictions   int64   `json:"evictions"`   // to stay within the budget
	Expirations int64   `json:"expirations"` // found expired
}

// A groupPoint is one interval of a group's charts.
type groupPoint struct {
	Time          time.Time `json:"time"` // the interval's end
	GetsPerSecond float64   `json:"gets_per_second"`
	HitRatio      *float64  `json:"hit_ratio"` // null if there were no gets
	Bytes         int64     `json:"bytes"`
}

type peerStatus struct {
	URL   string  `json:"url"`
	Self  bool    `json:"self"`
	Share float64 `json:"share"` // of the key space

	// Since the start of the process.
	Requests int64 `json:"requests"`
	Errors   int64 `json:"errors"`

	// Within the window of the charts.
	RecentRequests       int64    `json:"recent_requests"`
	RecentErrors         int64    `json:"recent_errors"`
	RecentLatencySeconds *float64 `json:"recent_latency_seconds"` // mean; null without requests

	LastError   string     `json:"last_error,omitempty"` // its groupcache.ErrorType
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`

	History []peerPoint `json:"history"`
}

// A peerPoint is one interval of a peer's charts.
type peerPoint struct {
	Time           time.Time `json:"time"`
	Requests       int64     `json:"requests"`
	Errors         int64     `json:"errors"`
	LatencySeconds *float64  `json:"latency_seconds"` // mean; null without requests
}

// status gathers the figures of now and the charts' history.
func (h *Handler) status(now time.Time) *status {
	h.mu.Lock()
	history := append([]sample(nil), h.history...)
	h.mu.Unlock()
	st := &status{
		Title:           h.opts.Title,
		Time:            now,
		IntervalSeconds: h.opts.Interval.Seconds(),
		interval:        h.opts.Interval,
		refresh:         max(1, int(h.opts.Interval.Round(time.Second)/time.Second)),
		Groups:          []groupStatus{},
		Peers:           []peerStatus{},
	}
	pool := h.reg.HTTPPool()
	var peerInfo []groupcache.PeerInfo
	if pool != nil {
		peerInfo = pool.Peers()
		for _, p := range peerInfo {
			if p.Self {
				st.Self = p.URL
			}
		}
	}
	if st.Title == "" {
		st.Title = "groupcache"
		if st.Self != "" {
			st.Title += " " + st.Self
		}
	}
	var oldest sample
	if len(history) > 0 {
		oldest = history[0]
		st.window = now.Sub(oldest.at)
		st.WindowSeconds = st.window.Seconds()
	}
	for _, g := range h.reg.Groups() {
		st.Groups = append(st.Groups, groupStatusOf(g, history))
	}
	counts := h.peers.snapshot()
	for _, p := range peerInfo {
		c := counts[p.URL]
		o := oldest.peers[p.URL]
		ps := peerStatus{
			URL: p.URL, Self: p.Self, Share: p.Share,
			Requests: c.requests, Errors: c.errors,
			RecentRequests: c.requests - o.requests, RecentErrors: c.errors - o.errors,
			RecentLatencySeconds: meanSeconds(c.nanos-o.nanos, c.requests-o.requests),
			LastError:            c.lastErr,
			History:              []peerPoint{},
		}
		if c.lastErr != "" {
			at := c.lastErrAt
			ps.LastErrorAt = &at
		}
		for i := 1; i < len(history); i++ {
			a, b := history[i-1].peers[p.URL], history[i].peers[p.URL]
			ps.History = append(ps.History, peerPoint{
				Time:           history[i].at,
				Requests:       b.requests - a.requests,
				Errors:         b.errors - a.errors,
				LatencySeconds: meanSeconds(b.nanos-a.nanos, b.requests-a.requests),
			})
		}
		st.Peers = append(st.Peers, ps)
	}
	return st
}

func groupStatusOf(g *groupcache.Group, history []sample) groupStatus {
	s := &g.Stats
	gs := groupStatus{
		Name:           g.Name(),
		CacheBytes:     g.CacheBytes(),
		Gets:           s.Gets.Get(),
		CacheHits:      s.CacheHits.Get(),
		Loads:          s.Loads.Get(),
		LoadsDeduped:   s.LoadsDeduped.Get(),
		LocalLoads:     s.LocalLoads.Get(),
		LocalLoadErrs:  s.LocalLoadErrs.Get(),
		PeerLoads:      s.PeerLoads.Get(),
		PeerErrors:     s.PeerErrors.Get(),
		ServerRequests: s.ServerRequests.Get(),
		Main:           cacheStatusOf(g, groupcache.MainCache),
		Hot:            cacheStatusOf(g, groupcache.HotCache),
		History:        []groupPoint{},
	}
	gs.HitRatio = ratio(gs.CacheHits, gs.Gets)
	gs.Bytes = gs.Main.Bytes + gs.Hot.Bytes
	gs.Items = gs.Main.Items + gs.Hot.Items
	for i := 1; i < len(history); i++ {
		a, b := history[i-1].groups[gs.Name], history[i].groups[gs.Name]
		p := groupPoint{Time: history[i].at, Bytes: b.bytes}
		if secs := history[i].at.Sub(history[i-1].at).Seconds(); secs > 0 {
			p.GetsPerSecond = float64(b.gets-a.gets) / secs
		}
		if gets := b.gets - a.gets; gets > 0 {
			r := ratio(b.hits-a.hits, gets)
			p.HitRatio = &r
		}
		gs.History = append(gs.History, p)
	}
	return gs
}

func cacheStatusOf(g *groupcache.Group, which groupcache.CacheType) cacheStatus {
	cs := g.CacheStats(which)
	return cacheStatus{
		Bytes: cs.Bytes, Items: cs.Items, Gets: cs.Gets, Hits: cs.Hits,
		HitRatio:    ratio(cs.Hits, cs.Gets),
		Evictions:   cs.Evictions,
		Expirations: g.Expirations(which),
	}
}

// ratio returns n/d, or 0 if d is 0.
func ratio(n, d int64) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// meanSeconds returns nanos/n in seconds, or nil if n is 0.
func meanSeconds(nanos, n int64) *float64 {
	if n <= 0 {
		return nil
	}
	s := float64(nanos) / float64(n) / 1e9
	return &s
}
