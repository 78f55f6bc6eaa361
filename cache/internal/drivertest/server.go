package drivertest

import (
	"net"
	"os"
	"testing"
	"time"
)

// Server returns the address of the server the driver under test talks to:
// the value of the environment variable envVar, or defaultAddr when it is
// unset. If nothing accepts connections there, the test is skipped with a
// message naming startCommand, the command that starts such a server; when
// the CI environment variable is set it fails instead, so that CI cannot
// pass by skipping.
func Server(t testing.TB, envVar, defaultAddr, startCommand string) string {
	t.Helper()
	addr := os.Getenv(envVar)
	if addr == "" {
		addr = defaultAddr
	}
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		conn.Close()
		return addr
	}
	msg := "no server at " + addr + " (" + err.Error() + "); start one with `" + startCommand + "` or set " + envVar
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
