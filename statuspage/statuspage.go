// Package statuspage serves a page that shows what the groups of a
// groupcache Registry and the peers of its HTTPPool are doing, for a
// person to look at: per group its gets, hit ratios, loads, peer errors and
// memory against its budget; per peer its share of the key space and the
// latency and errors of the requests sent to it lately; and charts of the
// last minutes. The page reloads itself. With ?format=json the same
// figures come as JSON.
//
// Mount it next to the pool:
//
//	status := statuspage.New(registry, nil)
//	defer status.Close()
//	mux.Handle("/groupcache/status", status)
//
// The page reads the counters that the groups keep anyway, and times
// requests to peers through a hook (groupcache.Hooks): it adds nothing to
// a cache hit. It shows keys to no one, but it does show group names and
// peer addresses: serve it where only operators can reach it.
package statuspage

import (
	"net/http"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// Defaults of Options.
const (
	DefaultInterval = 5 * time.Second
	DefaultHistory  = 60
)

// Options are the settings of a Handler. The zero value selects every
// default.
type Options struct {
	// Interval is the time between two points of the charts, and how
	// often the page reloads itself. If zero, it is DefaultInterval.
	Interval time.Duration

	// History is the number of points each chart keeps: with the
	// defaults, five minutes. If zero, it is DefaultHistory.
	History int

	// Title heads the page. If empty, it is "groupcache" followed by
	// the address of this process's peer, if the registry has a pool.
	Title string
}

// A Handler serves the status page of a Registry. It samples the
// registry's figures every Interval, from New until Close, in a goroutine
// of its own. It is safe for concurrent use.
type Handler struct {
	reg  *groupcache.Registry
	opts Options

	peers      peerMeter
	removeHook func()
	stop       chan struct{}
	stopOnce   sync.Once
	stopped    sync.WaitGroup

	mu      sync.Mutex
	history []sample // guarded by mu; oldest first, at most opts.History
}

// New returns a Handler for reg and starts sampling; o may be nil. Call
// Close when the handler is no longer served.
func New(reg *groupcache.Registry, o *Options) *Handler {
	h := newHandler(reg, o)
	h.stopped.Add(1)
	go h.run()
	return h
}

// newHandler returns a Handler that samples only when told to, as tests
// do with times of their own.
func newHandler(reg *groupcache.Registry, o *Options) *Handler {
	h := &Handler{reg: reg, stop: make(chan struct{})}
	if o != nil {
		h.opts = *o
	}
	if h.opts.Interval <= 0 {
		h.opts.Interval = DefaultInterval
	}
	if h.opts.History <= 0 {
		h.opts.History = DefaultHistory
	}
	h.removeHook = reg.AddHooks(groupcache.Hooks{Start: h.peers.start})
	h.sample(time.Now())
	return h
}

// Close stops the sampling and the timing of peer requests. The handler
// still serves the figures it has.
func (h *Handler) Close() {
	h.stopOnce.Do(func() {
		close(h.stop)
		h.removeHook()
	})
	h.stopped.Wait()
}

func (h *Handler) run() {
	defer h.stopped.Done()
	t := time.NewTicker(h.opts.Interval)
	defer t.Stop()
	for {
		select {
		case now := <-t.C:
			h.sample(now)
		case <-h.stop:
			return
		}
	}
}

// ServeHTTP answers GET and HEAD with the page, or with ?format=json with
// its figures as JSON.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	st := h.status(time.Now())
	w.Header().Set("Cache-Control", "no-store")
	switch format := r.URL.Query().Get("format"); format {
	case "json":
		writeJSON(w, st)
	case "", "html":
		writeHTML(w, st)
	default:
		http.Error(w, "unknown format "+format+": want html or json", http.StatusBadRequest)
	}
}
