package compat

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"testing"
)

// upstreamImports parses file and changes the import paths of our module's
// packages to upstream's. It returns the file and every path it imports.
func upstreamImports(t *testing.T, fset *token.FileSet, name string, src any) (*ast.File, []string) {
	t.Helper()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			t.Fatal(err)
		}
		if rest, ok := strings.CutPrefix(path, ourModule); ok && (rest == "" || rest[0] == '/') {
			path = upstreamModule + rest
			spec.Path.Value = strconv.Quote(path)
		}
		paths = append(paths, path)
	}
	return f, paths
}

// typeCheck type-checks f with its imports read from export data and
// returns the errors.
func typeCheck(t *testing.T, fset *token.FileSet, f *ast.File, imports []string) []error {
	t.Helper()
	var errs []error
	conf := types.Config{
		Importer: newExportImporter(t, fset, imports...),
		Error:    func(err error) { errs = append(errs, err) },
	}
	conf.Check(f.Name.Name, fset, []*ast.File{f}, nil)
	return errs
}

// TestUsageCompilesAgainstUpstream type-checks usage_test.go, which
// compiles against our packages as part of this test binary, against
// upstream's packages instead: the program is upstream code with only
// its import paths changed.
func TestUsageCompilesAgainstUpstream(t *testing.T) {
	fset := token.NewFileSet()
	f, imports := upstreamImports(t, fset, "usage_test.go", nil)
	n := 0
	for _, p := range imports {
		if strings.HasPrefix(p, upstreamModule) {
			n++
		}
	}
	if n < 6 {
		t.Fatalf("usage_test.go imports %d of upstream's packages after rewriting; want all six: %q", n, imports)
	}
	for _, err := range typeCheck(t, fset, f, imports) {
		t.Error(err)
	}
}

// TestUsageCheckRejectsAdditions shows that the check above can fail: a
// use of something only our package has does not type-check once its
// import path is upstream's.
func TestUsageCheckRejectsAdditions(t *testing.T) {
	const src = `package p

import "github.com/seed3c1b93bc/groupcache"

var _ = groupcache.NewRegistry
`
	fset := token.NewFileSet()
	f, imports := upstreamImports(t, fset, "additions.go", src)
	errs := typeCheck(t, fset, f, imports)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "NewRegistry") {
		t.Errorf("type-checking a use of NewRegistry against upstream: errors %v; want one about NewRegistry", errs)
	}
}
