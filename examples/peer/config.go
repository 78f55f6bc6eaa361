package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// A config is what the command line says about the peer to start.
type config struct {
	self   string        // this peer's base URL
	peers  []string      // every peer's base URL, self among them
	listen string        // the address to listen on
	delay  time.Duration // how long the simulated database takes
	settle time.Duration // DiscoverOptions.Settle
	quiet  time.Duration // DiscoverOptions.DrainQuiet
}

// A usageError reports a command line that no peer can be started from.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }

func (e *usageError) Unwrap() error { return e.err }

func newFlagSet(cfg *config, peers *string) *flag.FlagSet {
	fs := flag.NewFlagSet("peer", flag.ContinueOnError)
	fs.StringVar(&cfg.self, "self", "", "this peer's base `URL`, as the other peers reach it, e.g. http://127.0.0.1:8001 (required)")
	fs.StringVar(peers, "peers", "", "comma-separated base `URLs` of all peers, this one included, the same on every peer (default: -self alone)")
	fs.StringVar(&cfg.listen, "listen", "", "`address` to listen on (default: the host and port of -self)")
	fs.DurationVar(&cfg.delay, "delay", 100*time.Millisecond, "how long the simulated database takes to load a value")
	fs.DurationVar(&cfg.settle, "settle", groupcache.DefaultSettle, "how long a peer must be missing from the list before it leaves the ring; on shutdown, how long this peer keeps serving its keys (negative: no wait)")
	fs.DurationVar(&cfg.quiet, "quiet", groupcache.DefaultDrainQuiet, "on shutdown, how long without requests from peers before this peer stops")
	return fs
}

// usage returns the help text.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: peer -self URL [-peers URL,URL,...] [-listen ADDRESS] [-delay DURATION] [-settle DURATION] [-quiet DURATION]\n\n")
	fs := newFlagSet(new(config), new(string))
	fs.SetOutput(&b)
	fs.PrintDefaults()
	return b.String()
}

// parseConfig parses the command line args, without the program name. Its
// errors are *usageError, or flag.ErrHelp.
func parseConfig(args []string) (config, error) {
	var cfg config
	var peers string
	fs := newFlagSet(&cfg, &peers)
	fs.SetOutput(io.Discard) // errors are returned, help is printed by the caller
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, &usageError{err}
	}
	if err := cfg.complete(fs.Args(), peers); err != nil {
		return config{}, &usageError{err}
	}
	return cfg, nil
}

// complete checks the parsed flags and fills in the defaults that depend
// on other flags.
func (cfg *config) complete(extra []string, peers string) error {
	if len(extra) > 0 {
		return fmt.Errorf("unexpected argument %q: every setting is a flag", extra[0])
	}
	if cfg.self == "" {
		return errors.New("-self is required: this peer's base URL, e.g. http://127.0.0.1:8001")
	}
	if err := checkBaseURL("-self", cfg.self); err != nil {
		return err
	}
	cfg.peers = []string{cfg.self}
	if peers != "" {
		cfg.peers = strings.Split(peers, ",")
	}
	for i, p := range cfg.peers {
		if err := checkBaseURL("-peers", p); err != nil {
			return err
		}
		if slices.Contains(cfg.peers[:i], p) {
			return fmt.Errorf("-peers lists %s twice", p)
		}
	}
	// The pool finds itself in the ring by comparing the strings.
	if !slices.Contains(cfg.peers, cfg.self) {
		return fmt.Errorf("-self %s is not among -peers; list every peer, this one included, written the same way on every peer", cfg.self)
	}
	if cfg.listen == "" {
		host := strings.TrimPrefix(cfg.self, "http://")
		if _, _, err := net.SplitHostPort(host); err != nil {
			return fmt.Errorf("-self %s has no port: add one, or set -listen", cfg.self)
		}
		cfg.listen = host
	}
	if cfg.delay < 0 {
		return fmt.Errorf("-delay %v is negative", cfg.delay)
	}
	return nil
}

// checkBaseURL reports whether s, the value of the named flag, is a base
// URL a peer can be reached by: http://host:port with nothing after it,
// since the pool appends its own path.
func checkBaseURL(flagName, s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (&url.URL{Scheme: "http", Host: u.Host}).String() != s {
		return fmt.Errorf("%s: %q is not a base URL like http://127.0.0.1:8001 (scheme http, a host and port, nothing after)", flagName, s)
	}
	return nil
}
