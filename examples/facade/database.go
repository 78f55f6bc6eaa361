package main

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/seed3c1b93bc/groupcache/cache"
)

// A User is a row of the demo's database.
type User struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// queryDelay is how long each database query takes: long enough that the
// concurrent callers of the first step all wait for the same one.
const queryDelay = 20 * time.Millisecond

// A database stands for the source behind the group. It logs every query,
// which is the cost groupcache exists to avoid repeating.
type database struct {
	mu    sync.Mutex
	rows  map[string]User
	log   map[string][]string // key → names of the peers that queried it, in order
	total int
}

func newDatabase() *database {
	return &database{
		rows: map[string]User{
			"user:1": {ID: 1, Name: "Ada"},
			"user:2": {ID: 2, Name: "Grace"},
		},
		log: make(map[string][]string),
	}
}

// query is the Getter's work on peer: it logs the query, waits
// queryDelay, and returns the row or cache.ErrNotFound.
func (db *database) query(ctx context.Context, peer, key string) (User, error) {
	db.mu.Lock()
	db.log[key] = append(db.log[key], peer)
	db.total++
	db.mu.Unlock()

	t := time.NewTimer(queryDelay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return User{}, ctx.Err()
	case <-t.C:
	}

	db.mu.Lock()
	defer db.mu.Unlock()
	u, ok := db.rows[key]
	if !ok {
		return User{}, cache.ErrNotFound
	}
	return u, nil
}

// update changes a row behind the caches' back, as another program would.
func (db *database) update(key string, u User) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.rows[key] = u
}

// queriers returns the names of the peers that queried key, in order.
func (db *database) queriers(key string) []string {
	db.mu.Lock()
	defer db.mu.Unlock()
	return slices.Clone(db.log[key])
}

// queries returns the number of queries of all keys.
func (db *database) queries() int {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.total
}
