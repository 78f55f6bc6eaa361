package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/seed3c1b93bc/groupcache/bench/internal/peerproc"
)

// ErrControl is returned when a peer's control listener answers a request
// with a status other than 200 OK.
var ErrControl = errors.New("bench: peer control request failed")

// A Peer is one peer process's addresses.
type Peer struct {
	URL     string // base URL of the groupcache protocol
	Control string // base URL of the control listener
}

// A Cluster is a set of peer processes of one implementation that know
// each other. It must be stopped with Stop.
type Cluster struct {
	Peers []Peer

	procs   []*proc
	control *http.Client
}

// StartCluster starts n processes of the peer binary, with env added to
// their environment, and introduces them to each other. It returns once
// every peer serves, or an error after stopping any it started.
func StartCluster(binary string, n int, env []string) (*Cluster, error) {
	c := &Cluster{
		control: &http.Client{
			Transport: &http.Transport{MaxIdleConnsPerHost: 128},
			Timeout:   30 * time.Second,
		},
	}
	for range n {
		p, err := startProc(binary, env)
		if err != nil {
			return nil, errors.Join(err, c.Stop())
		}
		c.procs = append(c.procs, p)
		peer, err := readListening(p)
		if err != nil {
			return nil, errors.Join(err, c.Stop())
		}
		c.Peers = append(c.Peers, peer)
	}
	peersLine := peerproc.PeersLine + " " + strings.Join(c.URLs(), " ")
	for _, p := range c.procs {
		if err := p.writeLine(peersLine); err != nil {
			return nil, errors.Join(err, c.Stop())
		}
	}
	for _, p := range c.procs {
		line, err := p.readLine()
		if err == nil && line != peerproc.ReadyLine {
			err = fmt.Errorf("bench: peer said %q, want %q", line, peerproc.ReadyLine)
		}
		if err != nil {
			return nil, errors.Join(err, c.Stop())
		}
	}
	return c, nil
}

// readListening reads the line in which a peer gives its addresses.
func readListening(p *proc) (Peer, error) {
	line, err := p.readLine()
	if err != nil {
		return Peer{}, err
	}
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != peerproc.ListeningLine {
		return Peer{}, fmt.Errorf("bench: peer said %q, want %q and two URLs", line, peerproc.ListeningLine)
	}
	return Peer{URL: f[1], Control: f[2]}, nil
}

// URLs returns the peers' base URLs.
func (c *Cluster) URLs() []string {
	urls := make([]string, len(c.Peers))
	for i, p := range c.Peers {
		urls[i] = p.URL
	}
	return urls
}

// Stats returns the counters of peer i.
func (c *Cluster) Stats(ctx context.Context, i int) (peerproc.Stats, error) {
	var st peerproc.Stats
	body, err := c.get(ctx, c.Peers[i].Control+"/stats")
	if err != nil {
		return st, err
	}
	err = json.Unmarshal(body, &st)
	return st, err
}

// AllStats returns the counters of every peer.
func (c *Cluster) AllStats(ctx context.Context) ([]peerproc.Stats, error) {
	all := make([]peerproc.Stats, len(c.Peers))
	for i := range c.Peers {
		st, err := c.Stats(ctx, i)
		if err != nil {
			return nil, err
		}
		all[i] = st
	}
	return all, nil
}

// Get asks peer i for key through its group, as an application on that
// peer would, and returns the value.
func (c *Cluster) Get(ctx context.Context, i int, key string) (string, error) {
	body, err := c.get(ctx, c.Peers[i].Control+"/get?key="+url.QueryEscape(key))
	return string(body), err
}

func (c *Cluster) get(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.control.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s: %s: %s", ErrControl, u, res.Status, body)
	}
	return body, nil
}

// Stop stops every peer, each within a bounded time, and returns the
// errors of those that did not exit cleanly.
func (c *Cluster) Stop() error {
	var errs []error
	for _, p := range c.procs {
		errs = append(errs, p.stop())
	}
	c.procs = nil
	c.control.CloseIdleConnections()
	return errors.Join(errs...)
}
