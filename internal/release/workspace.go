package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// unreleasedMarker starts a go.mod comment line that keeps a module out of
// releases; the rest of the line should say why.
const unreleasedMarker = "// Unreleased:"

// A workspace is the repository's modules as go.work lists them. The
// root module is always among them.
type workspace struct {
	root    string
	modules []*module          // in go.work order, the root module first
	byPath  map[string]*module // keyed by module path
	// unlisted holds the directories, slash-separated and relative to
	// root, that have a go.mod which go.work does not use.
	unlisted []string
}

// A module is what release needs of one go.mod, in the shape that
// go mod edit -json prints.
type module struct {
	Dir        string `json:"-"` // slash-separated, relative to the root; "." for the root module
	Unreleased bool   `json:"-"`
	Module     struct{ Path string }
	Require    []struct {
		Path     string
		Version  string
		Indirect bool
	}
	Replace []struct {
		Old, New struct{ Path, Version string }
	}
}

func (m *module) goMod() string { return path.Join(m.Dir, "go.mod") }

// loadWorkspace reads root/go.work and the go.mod of every module it uses.
func loadWorkspace(root string) (*workspace, error) {
	var work struct {
		Use []struct{ DiskPath string }
	}
	if err := goJSON(root, &work, "work", "edit", "-json", "go.work"); err != nil {
		return nil, err
	}
	ws := &workspace{root: root, byPath: make(map[string]*module)}
	listed := make(map[string]bool)
	for _, u := range work.Use {
		if filepath.IsAbs(u.DiskPath) {
			return nil, fmt.Errorf("go.work: use %s: module directories must be relative, or the checkout cannot move", u.DiskPath)
		}
		dir := path.Clean(filepath.ToSlash(u.DiskPath))
		if dir == ".." || strings.HasPrefix(dir, "../") {
			return nil, fmt.Errorf("go.work: use %s: the module is outside the repository", u.DiskPath)
		}
		m, err := loadModule(root, dir)
		if err != nil {
			return nil, err
		}
		if other := ws.byPath[m.Module.Path]; other != nil {
			return nil, fmt.Errorf("go.work: %s and %s are both module %s", other.Dir, dir, m.Module.Path)
		}
		listed[dir] = true
		ws.byPath[m.Module.Path] = m
		if dir == "." {
			ws.modules = append([]*module{m}, ws.modules...)
		} else {
			ws.modules = append(ws.modules, m)
		}
	}
	if len(ws.modules) == 0 || ws.modules[0].Dir != "." {
		return nil, errors.New("go.work: does not use the root module, whose path the others extend (run: go work use .)")
	}
	all, err := goModDirs(root)
	if err != nil {
		return nil, err
	}
	for _, dir := range all {
		if !listed[dir] {
			ws.unlisted = append(ws.unlisted, dir)
		}
	}
	return ws, nil
}

func loadModule(root, dir string) (*module, error) {
	abs := filepath.Join(root, filepath.FromSlash(dir))
	m := &module{Dir: dir}
	if err := goJSON(abs, m, "mod", "edit", "-json", "go.mod"); err != nil {
		return nil, err
	}
	text, err := os.ReadFile(filepath.Join(abs, "go.mod"))
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), unreleasedMarker) {
			m.Unreleased = true
		}
	}
	return m, nil
}

// goModDirs returns every directory under root with a go.mod, skipping
// the directories the go command skips too: testdata, vendor and names
// starting with a dot or an underscore.
func goModDirs(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && p != root && (name == "testdata" || name == "vendor" ||
			strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && name == "go.mod" {
			rel, err := filepath.Rel(root, filepath.Dir(p))
			if err != nil {
				return err
			}
			dirs = append(dirs, filepath.ToSlash(rel))
		}
		return nil
	})
	return dirs, err
}

// goJSON runs go with args in dir and decodes what it prints into v.
// GOWORK=off keeps go.work from changing what go mod edit reads.
func goJSON(dir string, v any, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("in %s: go %s: %v\n%s", dir, strings.Join(args, " "), err, stderr.Bytes())
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("in %s: go %s: %v", dir, strings.Join(args, " "), err)
	}
	return nil
}
