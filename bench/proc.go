package bench

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// Bounds on waiting for a peer process.
const (
	// lineTimeout bounds the wait for each protocol line of a peer.
	lineTimeout = 10 * time.Second

	// exitTimeout bounds the wait for a peer to exit once its standard
	// input is closed; it is then killed.
	exitTimeout = 5 * time.Second
)

var (
	// ErrPeerTimeout is returned when a peer process does not answer
	// or exit in time.
	ErrPeerTimeout = errors.New("bench: peer process did not answer in time")

	// ErrPeerExited is returned when a peer process ends its output
	// before saying what was expected of it.
	ErrPeerExited = errors.New("bench: peer process exited early")
)

// proc is a running peer process.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string   // the process's standard output, closed at its end
	done  chan struct{} // closed when cmd.Wait has returned
	err   error         // cmd.Wait's result, set before done is closed
}

// startProc starts binary with env added to the environment. Its
// standard error goes to this process's.
func startProc(binary string, env []string) (*proc, error) {
	cmd := exec.Command(binary)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	// A pipe of our own rather than cmd.StdoutPipe, so that cmd.Wait
	// does not race with the goroutine reading it.
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	w.Close()
	p := &proc{cmd: cmd, stdin: stdin, lines: make(chan string, 16), done: make(chan struct{})}
	go func() {
		defer r.Close()
		defer close(p.lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default: // nobody is listening: keep draining the pipe
			}
		}
	}()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// readLine returns the next line of the process's output.
func (p *proc) readLine() (string, error) {
	t := time.NewTimer(lineTimeout)
	defer t.Stop()
	select {
	case line, ok := <-p.lines:
		if !ok {
			return "", ErrPeerExited
		}
		return line, nil
	case <-t.C:
		return "", ErrPeerTimeout
	}
}

// writeLine sends line to the process's standard input.
func (p *proc) writeLine(line string) error {
	_, err := fmt.Fprintln(p.stdin, line)
	return err
}

// stop closes the process's standard input, which asks it to exit, and
// waits for it; one that does not exit in time is killed.
func (p *proc) stop() error {
	p.stdin.Close()
	t := time.NewTimer(exitTimeout)
	defer t.Stop()
	select {
	case <-p.done:
		return p.err
	case <-t.C:
		p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%w: killed %s", ErrPeerTimeout, p.cmd.Path)
	}
}
