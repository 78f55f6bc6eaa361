package compat

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"strings"
)

// An apiDiff is one way in which a package's exported API differs from the
// API it should reproduce. ID names the identifier, qualified by the
// package's last path element ("groupcache.Sink.SetProto"); Detail says
// what differs.
type apiDiff struct {
	ID, Detail string
}

// An apiComparer checks that a package exports everything another package
// exports, with the same kinds and types. Types from a package whose path
// starts with wantPrefix are taken to be the same as the like-named types
// of the package with gotPrefix in its place, so that a type of upstream's
// groupcachepb matches the same type of ours.
//
// Additions are compatible and not reported: extra exported identifiers,
// struct fields and methods of non-interface types. An interface must
// have the same exported methods, since any method added or removed
// breaks either its callers or its implementations.
type apiComparer struct {
	wantPrefix, gotPrefix string
	diffs                 []apiDiff
}

func (c *apiComparer) report(id, format string, args ...any) {
	c.diffs = append(c.diffs, apiDiff{ID: id, Detail: fmt.Sprintf(format, args...)})
}

// comparePackage compares every exported package-level object of want
// with the object of the same name in got.
func (c *apiComparer) comparePackage(want, got *types.Package) {
	prefix := want.Name() + "."
	for _, name := range want.Scope().Names() {
		if !token.IsExported(name) {
			continue
		}
		id := prefix + name
		w := want.Scope().Lookup(name)
		g := got.Scope().Lookup(name)
		if g == nil {
			c.report(id, "missing")
			continue
		}
		switch w := w.(type) {
		case *types.Const:
			c.compareConst(id, w, g)
		case *types.Var:
			if _, ok := g.(*types.Var); !ok {
				c.report(id, "is a %s; want a var", kindOf(g))
			} else if !c.identical(w.Type(), g.Type()) {
				c.report(id, "has type %s; want %s", g.Type(), w.Type())
			}
		case *types.Func:
			if _, ok := g.(*types.Func); !ok {
				c.report(id, "is a %s; want a func", kindOf(g))
			} else if !c.identical(w.Type(), g.Type()) {
				c.report(id, "has type %s; want %s", g.Type(), w.Type())
			}
		case *types.TypeName:
			if g, ok := g.(*types.TypeName); !ok {
				c.report(id, "is a %s; want a type", kindOf(g))
			} else {
				c.compareTypeName(id, w, g)
			}
		default:
			c.report(id, "unexpected object kind %T", w)
		}
	}
}

func kindOf(o types.Object) string {
	switch o.(type) {
	case *types.Const:
		return "const"
	case *types.Var:
		return "var"
	case *types.Func:
		return "func"
	case *types.TypeName:
		return "type"
	}
	return fmt.Sprintf("%T", o)
}

func (c *apiComparer) compareConst(id string, w *types.Const, g types.Object) {
	gc, ok := g.(*types.Const)
	if !ok {
		c.report(id, "is a %s; want a const", kindOf(g))
		return
	}
	if !c.identical(w.Type(), gc.Type()) {
		c.report(id, "has type %s; want %s", gc.Type(), w.Type())
	}
	wv, gv := w.Val(), gc.Val()
	// constant.Compare panics on operands of unrelated kinds.
	if wv.Kind() != gv.Kind() || !constant.Compare(wv, token.EQL, gv) {
		c.report(id, "= %s; want %s", gv, wv)
	}
}

func (c *apiComparer) compareTypeName(id string, w, g *types.TypeName) {
	if w.IsAlias() || g.IsAlias() {
		if w.IsAlias() != g.IsAlias() {
			c.report(id, "alias=%t; want alias=%t", g.IsAlias(), w.IsAlias())
		} else if !c.identical(w.Type(), g.Type()) {
			c.report(id, "aliases %s; want %s", g.Type(), w.Type())
		}
		return
	}
	wn, gn := w.Type().(*types.Named), g.Type().(*types.Named)
	if wn.TypeParams().Len() != 0 || gn.TypeParams().Len() != 0 {
		c.report(id, "generic types are not compared")
		return
	}
	switch wu := wn.Underlying().(type) {
	case *types.Struct:
		gu, ok := gn.Underlying().(*types.Struct)
		if !ok {
			c.report(id, "has underlying type %s; want a struct", gn.Underlying())
			break
		}
		c.compareFields(id, wu, gu)
	case *types.Interface:
		gu, ok := gn.Underlying().(*types.Interface)
		if !ok {
			c.report(id, "has underlying type %s; want an interface", gn.Underlying())
			return
		}
		c.compareInterface(id, wu, gu)
		return // an interface's method set is its methods
	default:
		if !c.identical(wu, gn.Underlying()) {
			c.report(id, "has underlying type %s; want %s", gn.Underlying(), wu)
		}
	}
	c.compareMethods(id, wn, gn)
}

// compareFields checks that got has every exported field of want, declared
// directly (not promoted), with the same type and embedding.
func (c *apiComparer) compareFields(id string, want, got *types.Struct) {
	gotFields := make(map[string]*types.Var)
	for i := 0; i < got.NumFields(); i++ {
		gotFields[got.Field(i).Name()] = got.Field(i)
	}
	for i := 0; i < want.NumFields(); i++ {
		wf := want.Field(i)
		if !wf.Exported() {
			continue
		}
		fid := id + "." + wf.Name()
		gf := gotFields[wf.Name()]
		switch {
		case gf == nil:
			c.report(fid, "field missing")
		case gf.Embedded() != wf.Embedded():
			c.report(fid, "embedded=%t; want embedded=%t", gf.Embedded(), wf.Embedded())
		case !c.identical(wf.Type(), gf.Type()):
			c.report(fid, "field has type %s; want %s", gf.Type(), wf.Type())
		}
	}
}

// compareMethods checks that got's method sets include those of want: the
// methods callable on a value, and those callable on a pointer.
func (c *apiComparer) compareMethods(id string, want, got *types.Named) {
	wantPtr := types.NewMethodSet(types.NewPointer(want))
	gotPtr := types.NewMethodSet(types.NewPointer(got))
	gotVal := types.NewMethodSet(got)
	wantVal := types.NewMethodSet(want)
	for i := 0; i < wantPtr.Len(); i++ {
		wm := wantPtr.At(i).Obj()
		if !wm.Exported() {
			continue
		}
		mid := id + "." + wm.Name()
		gs := gotPtr.Lookup(nil, wm.Name())
		switch {
		case gs == nil:
			c.report(mid, "method missing")
		case !c.identical(wm.Type(), gs.Obj().Type()):
			c.report(mid, "method has type %s; want %s", gs.Obj().Type(), wm.Type())
		case wantVal.Lookup(nil, wm.Name()) != nil && gotVal.Lookup(nil, wm.Name()) == nil:
			c.report(mid, "method has a pointer receiver; want a value receiver")
		}
	}
}

// compareInterface checks that got has exactly the exported methods of
// want, with the same types, and no unexported methods unless want has
// some: an interface with an unexported method cannot be implemented
// outside its package.
func (c *apiComparer) compareInterface(id string, want, got *types.Interface) {
	wantUnexported, gotUnexported := false, false
	for i := 0; i < want.NumMethods(); i++ {
		wm := want.Method(i)
		if !wm.Exported() {
			wantUnexported = true
			continue
		}
		mid := id + "." + wm.Name()
		gm := interfaceMethod(got, wm.Name())
		if gm == nil {
			c.report(mid, "interface method missing")
		} else if !c.identical(wm.Type(), gm.Type()) {
			c.report(mid, "interface method has type %s; want %s", gm.Type(), wm.Type())
		}
	}
	for i := 0; i < got.NumMethods(); i++ {
		gm := got.Method(i)
		if !gm.Exported() {
			gotUnexported = true
			continue
		}
		if interfaceMethod(want, gm.Name()) == nil {
			c.report(id+"."+gm.Name(), "extra interface method breaks implementations")
		}
	}
	if gotUnexported && !wantUnexported {
		c.report(id, "has unexported methods, so it cannot be implemented outside its package")
	}
}

func interfaceMethod(t *types.Interface, name string) *types.Func {
	for i := 0; i < t.NumMethods(); i++ {
		if m := t.Method(i); m.Name() == name {
			return m
		}
	}
	return nil
}

// pathOf returns the import path of p with wantPrefix replaced by
// gotPrefix, and "" for the universe scope.
func (c *apiComparer) pathOf(p *types.Package) string {
	if p == nil {
		return ""
	}
	path := p.Path()
	if rest, ok := strings.CutPrefix(path, c.wantPrefix); ok && (rest == "" || rest[0] == '/') {
		return c.gotPrefix + rest
	}
	return path
}

// identical is types.Identical with two relaxations: named types match by
// package path, mapped as described on apiComparer, and name; and the
// names of parameters and results do not matter.
func (c *apiComparer) identical(a, b types.Type) bool {
	a, b = types.Unalias(a), types.Unalias(b)
	switch a := a.(type) {
	case *types.Basic:
		b, ok := b.(*types.Basic)
		return ok && a.Kind() == b.Kind()
	case *types.Named:
		b, ok := b.(*types.Named)
		if !ok || a.Obj().Name() != b.Obj().Name() || c.pathOf(a.Obj().Pkg()) != c.pathOf(b.Obj().Pkg()) {
			return false
		}
		at, bt := a.TypeArgs(), b.TypeArgs()
		if at.Len() != bt.Len() {
			return false
		}
		for i := 0; i < at.Len(); i++ {
			if !c.identical(at.At(i), bt.At(i)) {
				return false
			}
		}
		return true
	case *types.Pointer:
		b, ok := b.(*types.Pointer)
		return ok && c.identical(a.Elem(), b.Elem())
	case *types.Slice:
		b, ok := b.(*types.Slice)
		return ok && c.identical(a.Elem(), b.Elem())
	case *types.Array:
		b, ok := b.(*types.Array)
		return ok && a.Len() == b.Len() && c.identical(a.Elem(), b.Elem())
	case *types.Map:
		b, ok := b.(*types.Map)
		return ok && c.identical(a.Key(), b.Key()) && c.identical(a.Elem(), b.Elem())
	case *types.Chan:
		b, ok := b.(*types.Chan)
		return ok && a.Dir() == b.Dir() && c.identical(a.Elem(), b.Elem())
	case *types.Signature:
		b, ok := b.(*types.Signature)
		return ok && a.Variadic() == b.Variadic() &&
			c.identical(a.Params(), b.Params()) && c.identical(a.Results(), b.Results())
	case *types.Tuple:
		b, ok := b.(*types.Tuple)
		if !ok || a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !c.identical(a.At(i).Type(), b.At(i).Type()) {
				return false
			}
		}
		return true
	case *types.Struct:
		b, ok := b.(*types.Struct)
		if !ok || a.NumFields() != b.NumFields() {
			return false
		}
		for i := 0; i < a.NumFields(); i++ {
			af, bf := a.Field(i), b.Field(i)
			if af.Name() != bf.Name() || af.Embedded() != bf.Embedded() || !c.identical(af.Type(), bf.Type()) {
				return false
			}
		}
		return true
	case *types.Interface:
		b, ok := b.(*types.Interface)
		if !ok || a.NumMethods() != b.NumMethods() {
			return false
		}
		for i := 0; i < a.NumMethods(); i++ {
			am := a.Method(i)
			bm := interfaceMethod(b, am.Name())
			if bm == nil || !c.identical(am.Type(), bm.Type()) {
				return false
			}
		}
		return true
	}
	return false
}
