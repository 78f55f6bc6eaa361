// Package exportdata type-checks Go source against packages as the
// compiler built them. The API tests of the compat and cache modules use
// it to prove that programs written for golang/groupcache and goforj/cache
// compile against this repository's packages.
package exportdata

import (
	"bufio"
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Importer returns an importer that reads the packages matching patterns,
// and everything they depend on, from the compiler's export data. `go
// list -export` builds that data or finds it in the build cache, so the
// types are exactly those the compiler sees, and loading them costs far
// less than type-checking the packages and the standard library from
// source. It runs the go command found on PATH in the current directory,
// so patterns resolve in the calling test's module and workspace.
func Importer(fset *token.FileSet, patterns ...string) (types.Importer, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("exportdata: the go command is needed to locate export data: %w", err)
	}
	args := append([]string{"list", "-export", "-deps", "-f", "{{if .Export}}{{.ImportPath}}\t{{.Export}}{{end}}"}, patterns...)
	var stderr bytes.Buffer
	cmd := exec.Command(goTool, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("exportdata: go %s: %w\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	exports := make(map[string]string)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), "\t"); ok {
			exports[path] = file
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("exportdata: reading go list's output: %w", err)
	}
	return importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("exportdata: no export data for %q (not among the dependencies of %q)", path, patterns)
		}
		return os.Open(file)
	}), nil
}
