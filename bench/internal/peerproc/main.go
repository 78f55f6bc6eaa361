package peerproc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// shutdownTimeout bounds how long a peer waits for requests in progress
// when its standard input ends.
const shutdownTimeout = 2 * time.Second

// errNoPeers is returned when standard input ends before the peers line.
var errNoPeers = errors.New("standard input ended before the peers line")

// Main runs a peer of the implementation named impl (used in profile file
// names) and exits when its standard input ends: with status 0 if it
// served until then, 1 otherwise.
func Main(impl string, newNode NewNode) {
	if err := run(impl, newNode, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "peer-%s: %v\n", impl, err)
		os.Exit(1)
	}
}

func run(impl string, newNode NewNode, in io.Reader, out io.Writer) (err error) {
	stopProfiles, err := startProfiles(impl)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, stopProfiles()) }()

	peerLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	counted := &countingListener{Listener: peerLn}
	controlLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		peerLn.Close()
		return err
	}
	self := "http://" + peerLn.Addr().String()
	fmt.Fprintf(out, "%s %s http://%s\n", ListeningLine, self, controlLn.Addr())

	lines := bufio.NewScanner(in)
	if !lines.Scan() {
		peerLn.Close()
		controlLn.Close()
		return errors.Join(errNoPeers, lines.Err())
	}
	fields := strings.Fields(lines.Text())
	if len(fields) < 2 || fields[0] != PeersLine {
		peerLn.Close()
		controlLn.Close()
		return fmt.Errorf("want a %q line, got %q", PeersLine, lines.Text())
	}

	var l loader
	node := newNode(self, fields[1:], l.load)
	peerSrv := &http.Server{Handler: node, ReadHeaderTimeout: 10 * time.Second}
	controlSrv := &http.Server{Handler: controlHandler(node, counted, &l), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 2)
	go func() { served <- peerSrv.Serve(counted) }()
	go func() { served <- controlSrv.Serve(controlLn) }()
	fmt.Fprintln(out, ReadyLine)

	inputEnded := make(chan struct{})
	go func() {
		for lines.Scan() {
		}
		close(inputEnded)
	}()
	var serveErr error
	select {
	case <-inputEnded:
	case serveErr = <-served: // neither server stops on its own while input lasts
	}
	return errors.Join(serveErr, shutdown(peerSrv), shutdown(controlSrv))
}

// shutdown stops srv, letting requests in progress finish for a while.
// Connections still open then are closed: a client's transport may hold
// connections it dialed but never used, which Shutdown would otherwise
// wait for.
func shutdown(srv *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return srv.Close()
}
