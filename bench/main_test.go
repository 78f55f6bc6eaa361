package bench

import (
	"fmt"
	"os"
	"testing"
)

// childEnv, when set, makes the test binary run the named child role
// instead of the benchmarks; see runChild.
const childEnv = "GROUPCACHE_BENCH_CHILD"

func TestMain(m *testing.M) {
	if role := os.Getenv(childEnv); role != "" {
		if err := runChild(role); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if err := stopClusters(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping peers:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}
