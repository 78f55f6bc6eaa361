// Package lru provides a fixed-capacity map that forgets its least
// recently used entries first.
//
// It is a drop-in replacement for github.com/golang/groupcache/lru: the
// exported API and its observable behaviour are the same, including when
// OnEvicted runs and how a MaxEntries changed after creation takes effect.
// The bookkeeping is delegated to the generic simplelru package of
// github.com/hashicorp/golang-lru/v2, used with an unbounded size so that
// this package alone decides when entries are evicted.
//
// A Cache is not safe for concurrent use; callers that share one between
// goroutines must serialize access themselves.
package lru

import (
	"math"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Key is the type of cache keys. Any comparable value may be used, as for
// a map key; a non-comparable key (a slice, map or func) makes the call
// panic at run time.
type Key interface{}

// Cache is a least-recently-used cache. The zero value is an empty cache
// with no size limit, ready to use. A Cache must not be copied after first
// use, and it is not safe for concurrent use.
type Cache struct {
	// MaxEntries is the number of entries above which Add evicts the
	// least recently used entry. Zero means no limit, leaving eviction to
	// the caller. It may be changed at any time, but lowering it does not
	// shrink the cache at once: each later Add of a new key evicts only a
	// single entry, so the cache shrinks gradually.
	MaxEntries int

	// OnEvicted, if non-nil, is called with each entry that leaves the
	// cache through eviction, Remove, RemoveOldest or Clear. It is not
	// called when Add replaces the value of a key already present. For
	// eviction, Remove and RemoveOldest the entry is already gone from the
	// cache when OnEvicted runs; during Clear the callback must not use
	// the cache.
	OnEvicted func(key Key, value interface{})

	lru *simplelru.LRU[Key, interface{}] // nil until the first Add
}

// New returns an empty cache that holds at most maxEntries entries; zero
// means no limit.
func New(maxEntries int) *Cache {
	return &Cache{MaxEntries: maxEntries}
}

// init creates the underlying list on first use, so the zero Cache works.
func (c *Cache) init() {
	if c.lru != nil {
		return
	}
	// simplelru rejects a non-positive size and its Resize evicts eagerly,
	// which would differ from the documented MaxEntries semantics. Giving
	// it an unreachable size keeps it from ever evicting by itself. The
	// callback reads c.OnEvicted at call time because callers may set or
	// replace the field after the first Add.
	l, err := simplelru.NewLRU[Key, interface{}](math.MaxInt, c.evicted)
	if err != nil {
		panic("lru: " + err.Error()) // unreachable: the size is positive
	}
	c.lru = l
}

func (c *Cache) evicted(key Key, value interface{}) {
	if c.OnEvicted != nil {
		c.OnEvicted(key, value)
	}
}

// Add stores value under key and marks the entry as most recently used.
// If key is already present its value is replaced without calling
// OnEvicted. If adding a new key makes the cache exceed MaxEntries, the
// least recently used entry is evicted.
func (c *Cache) Add(key Key, value interface{}) {
	c.init()
	before := c.lru.Len()
	c.lru.Add(key, value)
	if c.lru.Len() == before {
		return // an existing entry was updated
	}
	if c.MaxEntries != 0 && c.lru.Len() > c.MaxEntries {
		c.lru.RemoveOldest()
	}
}

// Get returns the value stored under key and whether it was present. A hit
// marks the entry as most recently used.
func (c *Cache) Get(key Key) (value interface{}, ok bool) {
	if c.lru == nil {
		return nil, false
	}
	return c.lru.Get(key)
}

// Remove deletes key from the cache, calling OnEvicted if it was present.
func (c *Cache) Remove(key Key) {
	if c.lru != nil {
		c.lru.Remove(key)
	}
}

// RemoveOldest deletes the least recently used entry, calling OnEvicted
// for it. It does nothing if the cache is empty.
func (c *Cache) RemoveOldest() {
	if c.lru != nil {
		c.lru.RemoveOldest()
	}
}

// Len returns the number of entries in the cache.
func (c *Cache) Len() int {
	if c.lru == nil {
		return 0
	}
	return c.lru.Len()
}

// Clear deletes every entry, calling OnEvicted for each in no particular
// order, and releases the cache's memory. The cache remains usable.
func (c *Cache) Clear() {
	if c.lru == nil {
		return
	}
	c.lru.Purge()
	c.lru = nil
}
