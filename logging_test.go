package groupcache

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// logRecorder is a slog.Handler that keeps every record as one line of
// "LEVEL message key=value ...".
type logRecorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *logRecorder) WithGroup(string) slog.Handler            { return r }

func (r *logRecorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Level.String() + " " + rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	})
	r.mu.Lock()
	r.lines = append(r.lines, b.String())
	r.mu.Unlock()
	return nil
}

func (r *logRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	l := r.lines
	r.lines = nil
	return l
}

func TestPoolLogsDeadPeerOncePerInterval(t *testing.T) {
	var rec logRecorder
	reg := NewRegistry()
	pool := NewHTTPPoolOpts("http://127.0.0.1:1", &HTTPPoolOptions{Registry: reg, Logger: slog.New(&rec), LogInterval: time.Minute})
	clock := newFakeClock()
	pool.logLimit.now = clock.Now
	dead := refusedURL(t)
	pool.Set(dead)
	if got := rec.take(); len(got) != 1 || !strings.Contains(got[0], "INFO groupcache: peer list changed peers=1 added=["+dead+"]") {
		t.Fatalf("Set logged %q; want one line naming the added peer", got)
	}
	g := reg.NewGroup("g", 1<<20, GetterFunc(func(_ context.Context, key string, dest Sink) error {
		return dest.SetString("v")
	}))
	for i := range 50 {
		getString(t, g, "key-"+string(rune('a'+i%26))+strings.Repeat("x", i))
	}
	lines := rec.take()
	if len(lines) != 1 {
		t.Fatalf("50 failures logged %d lines; want 1: %q", len(lines), lines)
	}
	for _, want := range []string{"WARN groupcache: peer request failed; loading the key locally", "peer=" + dead, "group=g", "op=peer_get", "error_type=connection_refused"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("line %q lacks %q", lines[0], want)
		}
	}
	if strings.Contains(lines[0], "key-") {
		t.Errorf("line %q names a key", lines[0])
	}
	clock.Advance(time.Minute)
	getString(t, g, "one-more")
	lines = rec.take()
	if len(lines) != 1 || !strings.Contains(lines[0], "suppressed=49") {
		t.Fatalf("after the interval, logged %q; want one line with suppressed=49", lines)
	}
}

func TestPoolLogsRefusedRequestsNotAnswers(t *testing.T) {
	var rec logRecorder
	c := startCluster(t, 1, 1<<20, &HTTPPoolOptions{Logger: slog.New(&rec)}, func(ctx context.Context, peer, key string, dest Sink) error {
		if key == "absent" {
			return ErrNotFound
		}
		return dest.SetString("v")
	})
	p := c.peers[0]
	rec.take() // the ring change
	do := func(method, path string) int {
		req, _ := http.NewRequest(method, p.url+path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if do("GET", "/_groupcache/g/present") != 200 || do("GET", "/_groupcache/g/absent") != 404 {
		t.Fatal("unexpected statuses")
	}
	if got := rec.take(); len(got) != 0 {
		t.Fatalf("answers were logged: %q", got)
	}
	if do("POST", "/_groupcache/g/k") != 405 {
		t.Fatal("POST not refused")
	}
	do("GET", "/_groupcache/nosuchgroup/k") // same host: suppressed
	lines := rec.take()
	if len(lines) != 1 || !strings.Contains(lines[0], "WARN groupcache: refused a request from a peer") ||
		!strings.Contains(lines[0], "method=POST") || !strings.Contains(lines[0], "status=405") {
		t.Fatalf("refusals logged %q; want one line for the POST", lines)
	}
}

func TestPoolLogsOnlyRingChanges(t *testing.T) {
	var rec logRecorder
	pool := NewHTTPPoolOpts("http://a", &HTTPPoolOptions{Registry: NewRegistry(), Logger: slog.New(&rec), LogInterval: time.Nanosecond})
	pool.Set("http://a", "http://b")
	pool.Set("http://b", "http://a") // the same list
	pool.Set("http://a", "http://c")
	lines := rec.take()
	if len(lines) != 2 || !strings.Contains(lines[1], "added=[http://c] removed=[http://b]") {
		t.Fatalf("logged %q; want two lines, the second adding c and removing b", lines)
	}
}

func TestPoolWithoutLoggerIsSilent(t *testing.T) {
	c := startCluster(t, 2, 1<<20, nil, nil)
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	c.peers[1].server.Close()
	for i := range 5 {
		getString(t, c.peers[0].group, c.keysOwnedBy(c.peers[1], 5)[i])
	}
	if buf.Len() != 0 {
		t.Fatalf("a pool without a Logger wrote to the default logger: %s", buf.String())
	}
}

func TestLogLimiterBoundsSubjects(t *testing.T) {
	var l logLimiter
	clock := newFakeClock()
	l.now = clock.Now
	for i := range 2 * maxLogSubjects {
		l.allow("subject "+string(rune(i)), time.Minute)
	}
	if n := len(l.subjects); n > maxLogSubjects+1 {
		t.Fatalf("limiter remembers %d subjects; want at most %d", n, maxLogSubjects+1)
	}
	clock.Advance(2 * time.Minute)
	if ok, _ := l.allow("new subject", time.Minute); !ok {
		t.Fatal("a new subject was refused after old ones aged out")
	}
}
