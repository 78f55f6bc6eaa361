package drivertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// childEnv marks a process started by StartChild.
const childEnv = "DRIVERTEST_CHILD"

// IsChild reports whether this process is a test binary started by
// StartChild. A test that StartChild names uses it to tell its child role
// from its ordinary run, in which it should return (or skip) at once.
func IsChild() bool { return os.Getenv(childEnv) != "" }

// Child is a second process running one test of this test binary.
type Child struct {
	cmd    *exec.Cmd
	out    bytes.Buffer
	cancel context.CancelFunc
}

// StartChild starts this test binary again, running only the test named
// test, with IsChild true and env (KEY=value pairs) added to its
// environment. The child is killed if it outlives timeout or the test.
func StartChild(t testing.TB, test string, timeout time.Duration, env ...string) *Child {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	c := &Child{cancel: cancel}
	c.cmd = exec.CommandContext(ctx, os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.v")
	c.cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	c.cmd.Stdout = &c.out
	c.cmd.Stderr = &c.out
	if err := c.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting child process: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = c.cmd.Wait()
	})
	return c
}

// Wait waits for the child to exit and returns its combined output and
// its error, which is non-nil when the child's test failed.
func (c *Child) Wait() (string, error) {
	err := c.cmd.Wait()
	c.cancel()
	return c.out.String(), err
}
