package main

import (
	"fmt"
	"path"
	"strings"
)

// check returns every problem that would make ws unreleasable at version,
// one line each, naming the file and what to do. The rules:
//
//   - go.work uses every module in the repository, so that CI checks each
//     and a release tags each (loadWorkspace insists on the root one);
//   - a module at directory d has the root module's path + "/" + d, which
//     is what lets Go find it under the tag d/vX.Y.Z;
//   - a module requires each sibling at version, the version the release
//     tags, and replaces it with the sibling's directory, so that
//     development and CI build without that tag being published;
//   - no released module requires an unreleased one, whose tag would not
//     exist;
//   - no module replaces anything else: users' builds ignore the replace
//     directives of their dependencies, so a released module must build
//     without them.
func check(ws *workspace, version string) []string {
	var problems []string
	report := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}

	root := ws.modules[0]
	for _, dir := range ws.unlisted {
		report("%s/go.mod: go.work does not use ./%s; add it with: go work use ./%s", dir, dir, dir)
	}

	for _, m := range ws.modules {
		if m != root {
			if want := root.Module.Path + "/" + m.Dir; m.Module.Path != want {
				report("%s: module path is %s; in directory %s it must be %s, or no tag can name it", m.goMod(), m.Module.Path, m.Dir, want)
			}
		}
		replaced := make(map[string]string) // module path -> replacement path
		for _, r := range m.Replace {
			sib := ws.byPath[r.Old.Path]
			switch {
			case sib == nil:
				report("%s: replaces %s, which is not a module of this repository; users' builds ignore replace directives in dependencies, so the module must build without it", m.goMod(), r.Old.Path)
			case r.Old.Version != "" || r.New.Version != "":
				report("%s: replaces %s with a version; replace it with its directory only: go mod edit -replace=%s=%s", m.goMod(), r.Old.Path, r.Old.Path, relDir(m, sib))
			default:
				replaced[r.Old.Path] = r.New.Path
			}
		}
		for _, r := range m.Require {
			sib := ws.byPath[r.Path]
			if sib == nil {
				continue
			}
			if r.Version != version {
				report("%s: requires %s %s, but the release version in %s is %s; run: go run ./internal/release set %s", m.goMod(), r.Path, r.Version, versionFile, version, version)
			}
			want := relDir(m, sib)
			got, ok := replaced[r.Path]
			switch {
			case !ok:
				report("%s: requires %s but does not replace it with its directory, so it cannot build before the tag is published; run: go mod edit -replace=%s=%s", m.goMod(), r.Path, r.Path, want)
			case path.Clean(got) != path.Clean(want):
				report("%s: replaces %s with %s, but the module is in %s", m.goMod(), r.Path, got, want)
			}
			if !m.Unreleased && sib.Unreleased {
				report("%s: requires %s, which is not released, so a user could not fetch it", m.goMod(), r.Path)
			}
		}
	}
	return problems
}

// relDir is the directory of to relative to that of from, in the form a
// replace directive needs: slash-separated, starting with ./ or ../.
func relDir(from, to *module) string {
	a, b := elems(from.Dir), elems(to.Dir)
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	var rel []string
	for range a[n:] {
		rel = append(rel, "..")
	}
	rel = append(rel, b[n:]...)
	if len(rel) == 0 || rel[0] != ".." {
		rel = append([]string{"."}, rel...)
	}
	return strings.Join(rel, "/")
}

// elems splits a clean slash-separated relative directory; "." has none.
func elems(dir string) []string {
	if dir == "." {
		return nil
	}
	return strings.Split(dir, "/")
}
