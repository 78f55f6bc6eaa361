package compat

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"testing"
)

// checkSource type-checks a one-file package with no imports.
func checkSource(t *testing.T, path, src string) *types.Package {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path+".go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := new(types.Config).Check(path, fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// TestAPIComparerFindsDifferences checks the comparer on two small
// packages with one difference of each kind it looks for, and some
// changes that are compatible and must not be reported.
func TestAPIComparerFindsDifferences(t *testing.T) {
	want := checkSource(t, "example.com/up/x", `package x

const C = 1
const S string = "s"
var V int
func F(a int, b ...string) (T, error) { return T{}, nil }
func Gone() {}
type T struct { A int; B *T; c int }
func (T) Value() {}
func (*T) Ptr(x []byte) {}
type I interface { M(T) int; N() }
type Open interface { M() }
type Alias = T
type Fn func(T) bool
type Named int
type Later int
`)
	got := checkSource(t, "example.com/ours/x", `package x

const C = 2
const S = "s"
var V int64
func F(x int, y ...string) (T, error) { return T{}, nil }
type T struct { B *T; d string; Extra int }
func (*T) Value() {}
func (*T) Ptr(y []byte) {}
func (T) More() {}
type I interface { M(T) int; O() }
type Open interface { M(); hidden() }
type Alias T
type Fn func(T) bool
type Named string
const Later = 3
func Added() {}
`)
	c := &apiComparer{wantPrefix: "example.com/up", gotPrefix: "example.com/ours"}
	c.comparePackage(want, got)
	var ids []string
	for _, d := range c.diffs {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	wantIDs := []string{
		"x.Alias",   // defined type, not an alias
		"x.C",       // another value
		"x.Gone",    // missing
		"x.I.N",     // interface method missing
		"x.I.O",     // interface method added
		"x.Later",   // a const, not a type
		"x.Named",   // another underlying type
		"x.Open",    // unexported method: no longer implementable
		"x.S",       // untyped instead of typed string
		"x.T.A",     // field missing
		"x.T.Value", // pointer receiver instead of value
		"x.V",       // another type
	}
	if !slices.Equal(ids, wantIDs) {
		for _, d := range c.diffs {
			t.Logf("%s: %s", d.ID, d.Detail)
		}
		t.Errorf("differences %q; want %q", ids, wantIDs)
	}
}
