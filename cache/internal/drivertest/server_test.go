package drivertest

import (
	"net"
	"testing"
)

func TestServerFindsOrSkips(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	t.Setenv("DRIVERTEST_ADDR", addr)
	t.Setenv("CI", "")
	if got := Server(t, "DRIVERTEST_ADDR", "127.0.0.1:1", "start it"); got != addr {
		t.Fatalf("Server = %q, want %q from the environment", got, addr)
	}
	ln.Close()
	var skipped bool
	t.Run("gone", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Server(t, "DRIVERTEST_ADDR", "127.0.0.1:1", "start it")
	})
	if !skipped {
		t.Fatal("Server did not skip with nothing listening and CI unset")
	}
}
