// Package singleflight suppresses duplicate concurrent calls: while a call
// for a key is in progress, further calls for the same key wait for it and
// share its result instead of doing the work again.
//
// It is a drop-in replacement for github.com/golang/groupcache/singleflight,
// implemented with golang.org/x/sync/singleflight. Unlike upstream, a
// function that panics or calls runtime.Goexit does not leave its key
// blocked forever: the key is released, the panic propagates to the caller
// that ran the function and to every caller waiting on it, and later calls
// for the key run afresh.
package singleflight

import "golang.org/x/sync/singleflight"

// Group is a namespace of keys within which duplicate calls are
// suppressed. The zero value is ready to use. A Group must not be copied
// after first use.
type Group struct {
	g singleflight.Group
}

// Do calls fn and returns its results, unless a call for key is already in
// progress in g, in which case Do waits for that call and returns its
// results instead; fn is then not called. Results are shared only between
// overlapping calls, never cached: once a call returns, the next Do for
// the same key calls its fn again. Waiting callers receive the same value
// and error, so a mutable value must not be modified by any of them.
func (g *Group) Do(key string, fn func() (interface{}, error)) (interface{}, error) {
	v, err, _ := g.g.Do(key, fn)
	return v, err
}
