package bench

import (
	"errors"
	"strings"
	"sync/atomic"
)

// Fill is how a Getter hands its value to its Sink.
type Fill int

const (
	// FillBytes calls SetBytes, which makes the cache copy the value.
	FillBytes Fill = iota

	// FillString calls SetString with the same string every time.
	FillString
)

// errClientLoad is returned by a client's Getter, which must never run:
// a client loads every key from its owner.
var errClientLoad = errors.New("bench: client asked to load a key itself")

// A Source is the Getter behind a benchmark group: every key has the same
// value. It counts its loads, and is safe for concurrent use.
type Source struct {
	fill  Fill
	bytes []byte
	str   string
	loads atomic.Int64
}

// NewSource returns a Source of size-byte values handed over by fill.
func NewSource(size int, fill Fill) *Source {
	s := strings.Repeat("v", size)
	return &Source{fill: fill, bytes: []byte(s), str: s}
}

// Loads returns how many times the Getter ran.
func (s *Source) Loads() int64 { return s.loads.Load() }

// setter is what both implementations' Sinks have in common.
type setter interface {
	SetBytes([]byte) error
	SetString(string) error
}

func (s *Source) load(dest setter) error {
	s.loads.Add(1)
	if s.fill == FillString {
		return dest.SetString(s.str)
	}
	return dest.SetBytes(s.bytes)
}
