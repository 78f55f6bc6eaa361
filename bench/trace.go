package bench

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A TraceCase is one row of the reference table of the traces' README
// (shared/traces/README.md): a trace, a capacity in entries, and the hit
// ratios, in percent, that reference implementations of LRU, SIEVE,
// S3-FIFO and W-TinyLFU got on it.
type TraceCase struct {
	Trace                        string // file name without .gz
	Capacity                     int    // entries
	LRU, SIEVE, S3FIFO, WTinyLFU float64
}

// TraceCases are the README's rows, in its order.
var TraceCases = []TraceCase{
	{"oltp", 250, 16.47, 11.81, 21.64, 24.48},
	{"oltp", 1000, 32.83, 32.56, 40.80, 39.85},
	{"p3", 25000, 2.60, 7.29, 13.10, 14.50},
	{"p3", 100000, 29.34, 37.99, 42.64, 38.46},
	{"gli", 500, 0.95, 1.38, 16.13, 33.28},
	{"loop", 500, 0, 0, 0, 48.62},
}

// Floor is the least hit ratio a cache should get on the row: one point
// below the better of LRU and S3-FIFO.
func (c TraceCase) Floor() float64 {
	return max(c.LRU, c.S3FIFO) - 1
}

// The formats of the trace files; see the traces' README.
const (
	formatARC  = "arc"  // "start count a b": keys start, ..., start+count-1
	formatLIRS = "lirs" // one key per line
)

var traceFormats = map[string]string{
	"oltp": formatARC,
	"p3":   formatARC,
	"gli":  formatLIRS,
	"loop": formatLIRS,
}

// ErrUnknownTrace is returned by ReadTrace for a trace whose format it does
// not know.
var ErrUnknownTrace = errors.New("bench: unknown trace")

// ReadTrace returns the keys of the named trace ("oltp", "p3", "gli" or
// "loop"), in request order, from dir/<name>.gz.
func ReadTrace(dir, name string) ([]uint64, error) {
	format, ok := traceFormats[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownTrace, name)
	}
	f, err := os.Open(filepath.Join(dir, name+".gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("bench: trace %s: %w", name, err)
	}
	var keys []uint64
	sc := bufio.NewScanner(zr)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		start, err := strconv.ParseUint(fields[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bench: trace %s line %d: %w", name, line, err)
		}
		count := uint64(1)
		if format == formatARC {
			if len(fields) < 2 {
				return nil, fmt.Errorf("bench: trace %s line %d: want start and count", name, line)
			}
			if count, err = strconv.ParseUint(fields[1], 10, 64); err != nil {
				return nil, fmt.Errorf("bench: trace %s line %d: %w", name, line, err)
			}
		}
		for k := range count {
			keys = append(keys, start+k)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bench: trace %s: %w", name, err)
	}
	return keys, nil
}

// TracesDir returns the directory of the shared traces: $GROUPCACHE_TRACES
// if set, else shared/traces beside the root of the checkout that holds
// the current directory (the directory with go.work), where CI puts them.
func TracesDir() (string, error) {
	if dir := os.Getenv("GROUPCACHE_TRACES"); dir != "" {
		return dir, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return filepath.Join(dir, "..", "shared", "traces"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("bench: no go.work above the current directory")
		}
		dir = parent
	}
}

// Replay geometry: every key is TraceKeySize bytes and every value
// TraceValueSize, so that a budget of capacity × (TraceKeySize +
// TraceValueSize) bytes, as the engine counts them, holds capacity
// entries.
const (
	TraceKeySize   = 20 // the digits of the largest uint64
	TraceValueSize = 64
)

// Replay asks a new group of impl, with room for capacity entries, for
// every key of trace in order, and returns the percentage of requests
// that did not run the Getter.
func Replay(impl Impl, trace []uint64, capacity int) (float64, error) {
	src := NewSource(TraceValueSize, FillBytes)
	g := impl.NewGroup(int64(capacity)*(TraceKeySize+TraceValueSize), src)
	ctx := context.Background()
	buf := make([]byte, 0, TraceKeySize)
	for _, k := range trace {
		buf = strconv.AppendUint(buf[:0], k, 10)
		key := zeros20[:TraceKeySize-len(buf)] + string(buf)
		if _, err := g.GetView(ctx, key); err != nil {
			return 0, err
		}
	}
	if len(trace) == 0 {
		return 0, nil
	}
	return 100 * float64(int64(len(trace))-src.Loads()) / float64(len(trace)), nil
}

const zeros20 = "00000000000000000000"
