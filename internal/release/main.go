// Command release keeps the modules of this repository releasable and
// names the tags of a release. RELEASING.md is the procedure; this is the
// tool it uses. Run it from anywhere in the checkout:
//
//	go run ./internal/release check         # CI: go.work and every go.mod agree with VERSION
//	go run ./internal/release set v0.2.0    # write VERSION and every sibling requirement
//	go run ./internal/release verify        # fetch each released module as a user would
//	go run ./internal/release tags          # check, then print the tags of VERSION
//
// The modules are the ones go.work uses, so a module added later needs
// only its line in go.work. All of them are versioned together: the
// version in the VERSION file at the repository root is the one every
// module requires its siblings at, and the one a release tags. A module
// whose go.mod has a line starting with "// Unreleased:" is checked like
// the others but never tagged.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const usage = `usage: go run ./internal/release <command>

commands:
  check           report every go.mod or go.work line that would break a release
  set vX.Y.Z      write VERSION and require every sibling module at that version
  verify          tag HEAD in a scratch clone and fetch every released module
                  from it as a user would, without replace directives
  tags            check, then print the tag of every released module, one a line
`

func main() {
	log.SetFlags(0)
	log.SetPrefix("release: ")
	flag.Usage = func() { fmt.Fprint(os.Stderr, usage) }
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	root, err := repoRoot()
	if err != nil {
		log.Fatal(err)
	}
	cmd, args := flag.Arg(0), flag.Args()[1:]
	switch {
	case cmd == "check" && len(args) == 0:
		err = runCheck(root)
	case cmd == "set" && len(args) == 1:
		err = runSet(root, args[0])
	case cmd == "verify" && len(args) == 0:
		err = runVerify(root)
	case cmd == "tags" && len(args) == 0:
		err = runTags(root)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// errProblems is returned after the problems themselves were printed.
var errProblems = errors.New("the modules are not ready to release; see above")

func runCheck(root string) error {
	_, version, err := checked(root)
	if err == nil {
		fmt.Println("ok: every module requires its siblings at", version)
	}
	return err
}

// checked loads the workspace and its version and prints every problem
// that check finds; the error is non-nil if there was any.
func checked(root string) (*workspace, string, error) {
	ws, err := loadWorkspace(root)
	if err != nil {
		return nil, "", err
	}
	version, err := readVersion(root)
	if err != nil {
		return nil, "", err
	}
	problems := check(ws, version)
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, p)
	}
	if len(problems) > 0 {
		return nil, "", errProblems
	}
	return ws, version, nil
}

func runSet(root, version string) error {
	if err := validVersion(version); err != nil {
		return err
	}
	ws, err := loadWorkspace(root)
	if err != nil {
		return err
	}
	for _, m := range ws.modules {
		for _, r := range m.Require {
			if ws.byPath[r.Path] == nil || r.Version == version {
				continue
			}
			edit := exec.Command("go", "mod", "edit", "-require="+r.Path+"@"+version)
			edit.Dir = filepath.Join(root, filepath.FromSlash(m.Dir))
			if out, err := edit.CombinedOutput(); err != nil {
				return fmt.Errorf("%s: go mod edit: %v\n%s", m.goMod(), err, out)
			}
		}
	}
	if err := writeVersion(root, version); err != nil {
		return err
	}
	return runCheck(root)
}

func runTags(root string) error {
	ws, version, err := checked(root)
	if err != nil {
		return err
	}
	for _, t := range tags(ws, version) {
		fmt.Println(t)
	}
	return nil
}

// tags returns the tag of every released module at version, the root
// module's first. Go finds the module at path root/dir at version v under
// the tag dir/v.
func tags(ws *workspace, version string) []string {
	var out []string
	for _, m := range ws.modules {
		if m.Unreleased {
			continue
		}
		if m.Dir == "." {
			out = append(out, version)
		} else {
			out = append(out, m.Dir+"/"+version)
		}
	}
	return out
}

// repoRoot is the directory of the go.work that the go command uses here.
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOWORK").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOWORK: %v", err)
	}
	gowork := strings.TrimSpace(string(out))
	if gowork == "" || gowork == "off" {
		return "", errors.New("no go.work in use: run inside the repository, without GOWORK=off")
	}
	return filepath.Dir(gowork), nil
}
