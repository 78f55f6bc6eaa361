package compat

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// upstreamPeer is a peer running github.com/golang/groupcache in a child
// process (see runUpstreamPeer), driven over HTTP.
type upstreamPeer struct {
	url    string
	client *http.Client
}

// startUpstreamPeer starts an upstream peer and stops it when the test
// ends, failing the test if the child exits badly (for instance because
// the race detector found a race in it).
func startUpstreamPeer(t testing.TB) *upstreamPeer {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	// Under the race detector a process sleeps a second before exiting,
	// in case a goroutine is about to report a race; the peer has no
	// goroutines of note left when it is told to exit.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	cmd.Env = append(os.Environ(), upstreamPeerEnv+"=1", "GORACE="+gorace)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	stop := func() error {
		stdin.Close()
		select {
		case err := <-exited:
			return err
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
			return fmt.Errorf("upstream peer did not exit when its stdin closed")
		}
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
		exited <- cmd.Wait() // only after reading: Wait closes stdout
	}()
	var self string
	select {
	case s := <-line:
		self = strings.TrimSpace(s)
	case <-time.After(30 * time.Second):
	}
	if !strings.HasPrefix(self, "http://127.0.0.1:") {
		err := stop()
		t.Fatalf("upstream peer did not announce its URL (got %q, exit: %v):\n%s", self, err, stderr.Bytes())
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("upstream peer %s: %v\n%s", self, err, stderr.Bytes())
		}
	})
	return &upstreamPeer{
		url: self,
		// A transport of its own, so that its idle connections do not
		// outlive the peer in a transport shared between tests.
		client: &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second},
	}
}

func (p *upstreamPeer) URL() string { return p.url }

// control sends a control request and returns the response body, or an
// error for any status but 200.
func (p *upstreamPeer) control(ctx context.Context, method, cmd string, form url.Values) (string, error) {
	u := p.url + controlPath + cmd
	var body io.Reader
	if method == http.MethodGet {
		u += "?" + form.Encode()
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return "", err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := p.client.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("upstream peer %s: %s: %s", p.url, res.Status, bytes.TrimSpace(b))
	}
	return string(b), nil
}

// mustControl is control for requests that only fail if the test is
// broken.
func (p *upstreamPeer) mustControl(t testing.TB, method, cmd string, form url.Values) url.Values {
	t.Helper()
	body, err := p.control(context.Background(), method, cmd, form)
	if err != nil {
		t.Fatal(err)
	}
	v, err := url.ParseQuery(body)
	if err != nil {
		t.Fatalf("upstream peer %s: %s: %v", p.url, cmd, err)
	}
	return v
}

func (p *upstreamPeer) SetPeers(t testing.TB, urls ...string) {
	t.Helper()
	p.mustControl(t, http.MethodPost, "peers", url.Values{"peer": urls})
}

// Get asks the peer for key, passing on ctx's deadline so that the
// peer's own Get has the same bound.
func (p *upstreamPeer) Get(ctx context.Context, _ testing.TB, key string) (string, error) {
	form := url.Values{"key": {key}}
	if d, ok := ctx.Deadline(); ok {
		form.Set("timeout", time.Until(d).String())
	}
	return p.control(ctx, http.MethodGet, "get", form)
}

func (p *upstreamPeer) Loads(t testing.TB) []string {
	t.Helper()
	return p.mustControl(t, http.MethodGet, "loads", nil)["key"]
}

func (p *upstreamPeer) ServerRequests(t testing.TB) int64 {
	t.Helper()
	return p.stat(t, "ServerRequests")
}

// PeerErrors returns the number of failed requests to other peers.
func (p *upstreamPeer) PeerErrors(t testing.TB) int64 {
	t.Helper()
	return p.stat(t, "PeerErrors")
}

func (p *upstreamPeer) stat(t testing.TB, name string) int64 {
	t.Helper()
	s := p.mustControl(t, http.MethodGet, "stats", nil).Get(name)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("upstream peer %s: stat %s = %q", p.url, name, s)
	}
	return n
}
