package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// goodRepo is a releasable repository: an engine at the root, a released
// module that requires it and an unreleased one that requires both.
func goodRepo() map[string]string {
	return map[string]string{
		"VERSION": "v0.3.0\n",
		"go.work": "go 1.24\n\nuse (\n\t.\n\t./cache\n\t./examples/demo\n)\n",
		"go.mod":  "module example.com/repo\n\ngo 1.24\n",
		"cache/go.mod": `module example.com/repo/cache

go 1.24

require example.com/repo v0.3.0

replace example.com/repo => ../
`,
		"examples/demo/go.mod": `// Unreleased: a demonstration.

module example.com/repo/examples/demo

go 1.24

require (
	example.com/repo v0.3.0
	example.com/repo/cache v0.3.0
)

replace (
	example.com/repo => ../..
	example.com/repo/cache => ../../cache
)
`,
		// The go command ignores modules in testdata; so must release.
		"cache/testdata/mod/go.mod": "module example.com/fixture\n",
	}
}

// writeRepo writes files under a new directory and returns it.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// problemsIn checks the repository made of files at its VERSION.
func problemsIn(t *testing.T, files map[string]string) []string {
	t.Helper()
	root := writeRepo(t, files)
	ws, err := loadWorkspace(root)
	if err != nil {
		t.Fatal(err)
	}
	version, err := readVersion(root)
	if err != nil {
		t.Fatal(err)
	}
	return check(ws, version)
}

// wantProblem fails unless exactly one problem was found and it contains
// every one of the substrings.
func wantProblem(t *testing.T, problems []string, substrings ...string) {
	t.Helper()
	if len(problems) != 1 {
		t.Fatalf("got %d problems, want 1:\n%s", len(problems), strings.Join(problems, "\n"))
	}
	for _, s := range substrings {
		if !strings.Contains(problems[0], s) {
			t.Errorf("problem %q does not mention %q", problems[0], s)
		}
	}
}

func TestCheckAcceptsReleasableRepository(t *testing.T) {
	if p := problemsIn(t, goodRepo()); len(p) != 0 {
		t.Fatalf("problems in a releasable repository:\n%s", strings.Join(p, "\n"))
	}
}

// The pattern issue 16 removed: a requirement that only the replace makes
// resolvable, which a user's go get cannot fetch.
func TestCheckRejectsUnpublishableSiblingVersion(t *testing.T) {
	files := goodRepo()
	files["cache/go.mod"] = strings.Replace(files["cache/go.mod"], "v0.3.0", "v0.0.0-00010101000000-000000000000", 1)
	wantProblem(t, problemsIn(t, files), "cache/go.mod", "v0.0.0-00010101000000-000000000000", "release set v0.3.0")
}

func TestCheckRejectsSiblingAtAnotherRelease(t *testing.T) {
	files := goodRepo()
	files["VERSION"] = "v0.4.0\n"
	p := problemsIn(t, files)
	if len(p) != 3 {
		t.Fatalf("got %d problems, want one for each of the 3 sibling requirements:\n%s", len(p), strings.Join(p, "\n"))
	}
}

func TestCheckRejectsSiblingWithoutReplace(t *testing.T) {
	files := goodRepo()
	files["cache/go.mod"] = strings.Replace(files["cache/go.mod"], "replace example.com/repo => ../\n", "", 1)
	wantProblem(t, problemsIn(t, files), "cache/go.mod", "does not replace", "-replace=example.com/repo=..")
}

func TestCheckRejectsReplaceByAnotherDirectory(t *testing.T) {
	files := goodRepo()
	files["examples/demo/go.mod"] = strings.Replace(files["examples/demo/go.mod"], "=> ../../cache", "=> ../cache", 1)
	wantProblem(t, problemsIn(t, files), "examples/demo/go.mod", "../cache", "../../cache")
}

func TestCheckRejectsVersionedReplace(t *testing.T) {
	files := goodRepo()
	files["cache/go.mod"] = strings.Replace(files["cache/go.mod"], "example.com/repo => ../", "example.com/repo v0.3.0 => ../", 1)
	p := problemsIn(t, files)
	// The versioned replace, and so the missing directory replace.
	if len(p) != 2 || !strings.Contains(p[0], "with a version") {
		t.Fatalf("got problems:\n%s", strings.Join(p, "\n"))
	}
}

func TestCheckRejectsReplaceOfOtherModules(t *testing.T) {
	files := goodRepo()
	files["cache/go.mod"] += "\nreplace golang.org/x/sync => ../../sync\n"
	wantProblem(t, problemsIn(t, files), "cache/go.mod", "golang.org/x/sync", "ignore replace")
}

func TestCheckRejectsModuleMissingFromGoWork(t *testing.T) {
	files := goodRepo()
	files["discovery/dns/go.mod"] = "module example.com/repo/discovery/dns\n\ngo 1.24\n"
	wantProblem(t, problemsIn(t, files), "discovery/dns/go.mod", "go work use ./discovery/dns")
}

func TestLoadRejectsGoWorkWithoutRoot(t *testing.T) {
	files := goodRepo()
	files["go.work"] = "go 1.24\n\nuse (\n\t./cache\n\t./examples/demo\n)\n"
	_, err := loadWorkspace(writeRepo(t, files))
	if err == nil || !strings.Contains(err.Error(), "go work use .") {
		t.Fatalf("loadWorkspace = %v, want an error saying to use the root module", err)
	}
}

func TestCheckRejectsPathThatNoTagNames(t *testing.T) {
	files := goodRepo()
	files["cache/go.mod"] = strings.Replace(files["cache/go.mod"], "module example.com/repo/cache", "module example.com/repo/facade", 1)
	p := problemsIn(t, files)
	// examples/demo replaces the old path, no longer a module here.
	if len(p) != 2 || !strings.Contains(p[0], "must be example.com/repo/cache") || !strings.Contains(p[1], "examples/demo/go.mod: replaces example.com/repo/cache") {
		t.Fatalf("got problems:\n%s", strings.Join(p, "\n"))
	}
}

func TestCheckRejectsReleasedModuleRequiringUnreleased(t *testing.T) {
	files := goodRepo()
	files["cache/go.mod"] = `module example.com/repo/cache

go 1.24

require (
	example.com/repo v0.3.0
	example.com/repo/examples/demo v0.3.0
)

replace (
	example.com/repo => ../
	example.com/repo/examples/demo => ../examples/demo
)
`
	wantProblem(t, problemsIn(t, files), "cache/go.mod", "example.com/repo/examples/demo", "not released")
}

func TestTagsNameReleasedModulesOnly(t *testing.T) {
	ws, err := loadWorkspace(writeRepo(t, goodRepo()))
	if err != nil {
		t.Fatal(err)
	}
	got := tags(ws, "v0.3.0")
	want := []string{"v0.3.0", "cache/v0.3.0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tags = %q, want %q", got, want)
	}
}

func TestSetRequiresEverySiblingAtTheNewVersion(t *testing.T) {
	root := writeRepo(t, goodRepo())
	if err := runSet(root, "v0.4.0"); err != nil {
		t.Fatal(err)
	}
	if v, err := readVersion(root); err != nil || v != "v0.4.0" {
		t.Fatalf("VERSION = %q, %v; want v0.4.0", v, err)
	}
	ws, err := loadWorkspace(root)
	if err != nil {
		t.Fatal(err)
	}
	if p := check(ws, "v0.4.0"); len(p) != 0 {
		t.Fatalf("problems after set:\n%s", strings.Join(p, "\n"))
	}
	// The comment that keeps the example out of releases survives the edit.
	if !ws.byPath["example.com/repo/examples/demo"].Unreleased {
		t.Error("set lost the Unreleased marker of examples/demo")
	}
}

func TestSetRejectsInvalidVersionAndChangesNothing(t *testing.T) {
	files := goodRepo()
	root := writeRepo(t, files)
	if err := runSet(root, "v2.0.0"); err == nil {
		t.Fatal("set v2.0.0 succeeded; want an error about /vN module paths")
	}
	for _, name := range []string{"VERSION", "cache/go.mod", "examples/demo/go.mod"} {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != files[name] {
			t.Errorf("%s changed:\n%s", name, b)
		}
	}
}

func TestRelDir(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"cache", ".", ".."},
		{"examples/facade", ".", "../.."},
		{"examples/facade", "cache", "../../cache"},
		{".", "cache", "./cache"},
		{"cache/driver/rediscache", "cache", "../.."},
		{"cache", "cache/driver/rediscache", "./driver/rediscache"},
		{"bench", "cache", "../cache"},
	} {
		if got := relDir(&module{Dir: tc.from}, &module{Dir: tc.to}); got != tc.want {
			t.Errorf("relDir(%s, %s) = %s, want %s", tc.from, tc.to, got, tc.want)
		}
	}
}
