// Command protogen regenerates the Go code for this module's .proto files
// with pinned tools, so that the committed output can be reproduced byte for
// byte: protoc-gen-go is built from the google.golang.org/protobuf version
// that go.mod requires, and protoc is the one on PATH (on Debian, the
// protobuf-compiler package).
//
// It is meant to be run by go generate from a package directory, with the
// package's .proto files as arguments:
//
//	//go:generate go run github.com/seed3c1b93bc/groupcache/internal/protogen groupcache.proto
//
// Each file is compiled with the module root as the import path, so it is
// registered under a module-relative name such as
// groupcachepb/groupcache.proto, which is less likely to clash with other
// registrations than a bare file name. The .pb.go file is written beside
// the .proto file.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("protogen: ")
	if len(os.Args) < 2 {
		log.Fatal("usage: protogen file.proto...")
	}
	if err := run(os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

func run(protos []string) error {
	protoc, err := exec.LookPath("protoc")
	if err != nil {
		return errors.New("protoc not found on PATH; on Debian or Ubuntu run: apt-get install -y protobuf-compiler")
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	cwd, err := os.Getwd()
	if err != nil {
		return err
	}
	pkgDir, err := filepath.Rel(root, cwd)
	if err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "protogen")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	plugin := filepath.Join(tmp, "protoc-gen-go")
	// Building inside the module makes go pick the version from go.mod
	// rather than whatever protoc-gen-go happens to be installed.
	build := exec.Command("go", "build", "-o", plugin, "google.golang.org/protobuf/cmd/protoc-gen-go")
	build.Dir = root
	if err := runCmd(build); err != nil {
		return err
	}

	args := []string{
		"--plugin=protoc-gen-go=" + plugin,
		"--proto_path=.",
		"--go_out=.",
		"--go_opt=paths=source_relative",
	}
	for _, p := range protos {
		args = append(args, filepath.ToSlash(filepath.Join(pkgDir, p)))
	}
	gen := exec.Command(protoc, args...)
	gen.Dir = root
	return runCmd(gen)
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	return filepath.Dir(gomod), nil
}

// runCmd runs c and folds its stderr into the error, because go generate
// shows only what the generator itself prints.
func runCmd(c *exec.Cmd) error {
	var stderr bytes.Buffer
	c.Stdout = os.Stdout
	c.Stderr = &stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(c.Args, " "), err, stderr.Bytes())
	}
	return nil
}
