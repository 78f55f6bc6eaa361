//go:build !unix

package sqltest

import (
	"testing"
	"time"
)

// processCPU is unknown here; the benchmarks then report zero CPU time.
func processCPU(*testing.B) time.Duration { return 0 }
