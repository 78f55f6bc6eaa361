package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache"
)

// A loadLog records which peer ran the Getter for which key. It stands for
// the database's query log: every entry is a costly query that groupcache
// exists to avoid repeating.
type loadLog struct {
	mu   sync.Mutex
	runs map[string][]string // key → names of the peers that loaded it, in order
	n    int                 // entries over all keys
}

func newLoadLog() *loadLog {
	return &loadLog{runs: make(map[string][]string)}
}

func (l *loadLog) record(key, peer string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs[key] = append(l.runs[key], peer)
	l.n++
}

// loaders returns the names of the peers that loaded key, in order.
func (l *loadLog) loaders(key string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.runs[key])
}

// count returns the number of loads of all keys.
func (l *loadLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n
}

// slowDB returns the Getter of the named peer. It stands for a database
// query that takes delay, and records each run in log.
func slowDB(peer string, delay time.Duration, log *loadLog) groupcache.Getter {
	return groupcache.GetterFunc(func(ctx context.Context, key string, dest groupcache.Sink) error {
		log.record(key, peer)
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
		return dest.SetString("profile of " + key)
	})
}
