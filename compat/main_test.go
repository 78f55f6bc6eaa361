package compat

import (
	"os"
	"testing"
)

// TestMain runs the tests, unless the binary was started as an upstream
// peer by startUpstreamPeer.
func TestMain(m *testing.M) {
	if os.Getenv(upstreamPeerEnv) != "" {
		runUpstreamPeer() // does not return
	}
	os.Exit(m.Run())
}
