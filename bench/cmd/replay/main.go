// Command replay runs the shared cache traces through a group's main cache
// and prints its hit ratio beside the reference policies' on each row of
// the traces' README (shared/traces/README.md):
//
//	cd bench && go run ./cmd/replay [-traces dir] [-trace gli] [-impl ours]
//
// Each row replays the trace on a new group without peers whose budget
// holds the row's capacity in entries of a 20-byte key and a 64-byte
// value. -impl upstream replays golang/groupcache, an LRU cache, whose
// column should match the LRU one: a check of the replay itself.
// -floor makes the command fail if a row's hit ratio is more than a point
// below the better of LRU and S3-FIFO.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/seed3c1b93bc/groupcache/bench"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "replay:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("traces", "", "directory of the traces (default: $GROUPCACHE_TRACES, else ../shared/traces from the checkout's root)")
	only := flag.String("trace", "", "comma-separated traces to replay (default: all)")
	implName := flag.String("impl", "ours", "implementation: ours or upstream")
	floor := flag.Bool("floor", false, "fail if a row is more than a point below max(LRU, S3-FIFO)")
	flag.Parse()

	var impl *bench.Impl
	for i := range bench.Impls {
		if bench.Impls[i].Name == *implName {
			impl = &bench.Impls[i]
		}
	}
	if impl == nil {
		return fmt.Errorf("unknown -impl %q", *implName)
	}
	if *dir == "" {
		d, err := bench.TracesDir()
		if err != nil {
			return err
		}
		*dir = d
	}
	want := map[string]bool{}
	for _, t := range strings.Split(*only, ",") {
		if t != "" {
			want[t] = true
		}
	}

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "trace\tcapacity\tLRU\tSIEVE\tS3-FIFO\tW-TinyLFU\t%s\tfloor\t\n", impl.Name)
	traces := map[string][]uint64{}
	var below []string
	var sum, sumW float64
	rows := 0
	for _, c := range bench.TraceCases {
		if len(want) > 0 && !want[c.Trace] {
			continue
		}
		keys, ok := traces[c.Trace]
		if !ok {
			var err error
			if keys, err = bench.ReadTrace(*dir, c.Trace); err != nil {
				return err
			}
			traces[c.Trace] = keys
		}
		got, err := bench.Replay(*impl, keys, c.Capacity)
		if err != nil {
			return err
		}
		mark := "ok"
		if got < c.Floor() {
			mark = "BELOW"
			below = append(below, fmt.Sprintf("%s@%d", c.Trace, c.Capacity))
		}
		fmt.Fprintf(w, "%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t\n",
			c.Trace, c.Capacity, c.LRU, c.SIEVE, c.S3FIFO, c.WTinyLFU, got, mark)
		sum += got
		sumW += c.WTinyLFU
		rows++
	}
	if rows > 0 {
		fmt.Fprintf(w, "mean\t\t\t\t\t%.2f\t%.2f\t\t\n", sumW/float64(rows), sum/float64(rows))
	}
	w.Flush()
	if *floor && len(below) > 0 {
		return errors.New("below the floor on " + strings.Join(below, ", "))
	}
	return nil
}
