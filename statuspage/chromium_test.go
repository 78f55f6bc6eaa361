package statuspage

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// chromiumInstall is the command that installs what the browser tests
// need, on Debian.
const chromiumInstall = "apt-get update && apt-get install -y chromium"

// findChromium returns the path of a headless-capable Chromium. Without
// one the test is skipped, except in CI (CI set, as CI=true), where it fails.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	msg := "this test renders the page in headless Chromium, which is not installed; install it with: " + chromiumInstall
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// runChromium runs headless Chromium with args and returns its standard
// output, bounded in time.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// demoCluster starts three peers, A, B and C, whose Getters take 0, 0 and
// 3ms, and runs traffic through them for rounds intervals of the
// handler's charts, ending now. It returns A and the handler of A's page.
func demoCluster(t *testing.T, rounds int) (*testPeer, *Handler) {
	peers := startPeers(t, 0, 0, 3*time.Millisecond)
	a := peers[0]
	h := newHandler(a.reg, &Options{Interval: 5 * time.Second, Title: "groupcache peer A"})
	t.Cleanup(h.Close)
	now := time.Now()
	h.mu.Lock()
	h.history[0].at = now.Add(-time.Duration(rounds) * h.opts.Interval)
	h.mu.Unlock()
	for round := range rounds {
		traffic(t, a.group, round, 40+20*(round%4))
		for _, p := range peers[1:] {
			traffic(t, p.group, round, 10)
		}
		if round%5 == 4 {
			get(t, a.group, fmt.Sprintf("missing-%d", round))
		}
		h.sample(now.Add(-time.Duration(rounds-round-1) * h.opts.Interval))
	}
	return a, h
}

// TestPageInChromium renders the page in headless Chromium, as a person
// would see it, and checks the figures it shows against the group's Stats.
// With STATUSPAGE_SCREENSHOT=file.png it also saves a screenshot there.
func TestPageInChromium(t *testing.T) {
	bin := findChromium(t)
	a, h := demoCluster(t, 24)
	srv := httptest.NewServer(h)
	defer srv.Close()

	dom := string(runChromium(t, bin, "--dump-dom", srv.URL+"/"))
	section := regexp.MustCompile(`(?s)<section class="group" data-group="users">.*?</section>`).FindString(dom)
	if section == "" {
		t.Fatalf("no section for group users in the rendered page:\n%s", dom)
	}
	shown := func(figure string) string {
		m := regexp.MustCompile(`data-figure="` + figure + `"[^>]*>([^<]*)<`).FindStringSubmatch(section)
		if m == nil {
			t.Fatalf("figure %s not shown", figure)
		}
		return strings.TrimSpace(m[1])
	}
	st := &a.group.Stats
	main, hot := a.group.CacheStats(groupcache.MainCache), a.group.CacheStats(groupcache.HotCache)
	for figure, want := range map[string]int64{
		"gets":            st.Gets.Get(),
		"cache_hits":      st.CacheHits.Get(),
		"loads":           st.Loads.Get(),
		"loads_deduped":   st.LoadsDeduped.Get(),
		"local_loads":     st.LocalLoads.Get(),
		"local_load_errs": st.LocalLoadErrs.Get(),
		"peer_loads":      st.PeerLoads.Get(),
		"peer_errors":     st.PeerErrors.Get(),
		"server_requests": st.ServerRequests.Get(),
		"items":           main.Items + hot.Items,
	} {
		if got := shown(figure); got != strconv.FormatInt(want, 10) {
			t.Errorf("%s shown as %q; Stats say %d", figure, got, want)
		}
	}
	if st.Gets.Get() == 0 || st.ServerRequests.Get() == 0 || st.PeerLoads.Get() == 0 {
		t.Fatalf("the traffic did not reach every figure: %+v", st)
	}
	pct := func(n, d int64) string { return strconv.FormatFloat(float64(n)/float64(d)*100, 'f', 1, 64) + "%" }
	for figure, want := range map[string]string{
		"hit_ratio":      pct(st.CacheHits.Get(), st.Gets.Get()),
		"main_hit_ratio": pct(main.Hits, main.Gets),
		"hot_hit_ratio":  pct(hot.Hits, hot.Gets),
		"bytes":          fmt.Sprintf("%s of 1.0 MiB (%s)", formatBytes(main.Bytes+hot.Bytes), pct(main.Bytes+hot.Bytes, 1<<20)),
	} {
		if got := shown(figure); got != want {
			t.Errorf("%s shown as %q; Stats give %q", figure, got, want)
		}
	}
	if n := strings.Count(section, "<polyline"); n != 3 {
		t.Errorf("the group shows %d charts; want 3", n)
	}

	// Peers: shares that add up to the whole ring, and for each other
	// peer the requests sent to it.
	rows := regexp.MustCompile(`(?s)<tr class="peer" data-peer="([^"]+)">(.*?)</tr>`).FindAllStringSubmatch(dom, -1)
	if len(rows) != 3 {
		t.Fatalf("%d peer rows shown; want 3", len(rows))
	}
	counts := h.peers.snapshot()
	total := 0.0
	for _, row := range rows {
		url, cells := row[1], row[2]
		share := regexp.MustCompile(`data-figure="share">([0-9.]+)%<`).FindStringSubmatch(cells)
		if share == nil {
			t.Fatalf("peer %s: no share shown", url)
		}
		f, _ := strconv.ParseFloat(share[1], 64)
		total += f
		if url == a.url {
			continue
		}
		req := regexp.MustCompile(`data-figure="recent_requests">(\d+)<`).FindStringSubmatch(cells)
		if req == nil || req[1] != strconv.FormatInt(counts[url].requests, 10) || counts[url].requests == 0 {
			t.Errorf("peer %s: requests shown %v; sent %d", url, req, counts[url].requests)
		}
		if !strings.Contains(cells, "<polyline") {
			t.Errorf("peer %s: no latency chart", url)
		}
	}
	if total < 99.8 || total > 100.2 {
		t.Errorf("shares add up to %.1f%%; want 100%%", total)
	}

	if path := os.Getenv("STATUSPAGE_SCREENSHOT"); path != "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			t.Fatal(err)
		}
		runChromium(t, bin, "--hide-scrollbars", "--window-size=1200,800", "--screenshot="+abs, srv.URL+"/")
		t.Logf("screenshot saved to %s", abs)
	}
}
