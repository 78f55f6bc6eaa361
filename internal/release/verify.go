package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// runVerify does what a user does after a release, before the release
// exists: it tags HEAD in a scratch repository with the tags that
// `release tags` prints, then, for each released module, makes a new
// module outside the workspace, runs go get module@version, builds every
// package of the module and lists the modules its library packages
// import. The go command fetches this repository's modules from the
// scratch repository with git, as it would from the real one (git's
// url.<base>.insteadOf points the one at the other), into a scratch
// module cache, so replace directives and go.work play no part, and no
// made-up version reaches the real module cache. Other modules come from
// the real module cache when it has them, else from GOPROXY, so after a
// build of the workspace verify needs no network.
func runVerify(root string) error {
	ws, version, err := checked(root)
	if err != nil {
		return err
	}
	head, err := gitOutput(root, "rev-parse", "HEAD")
	if err != nil {
		return err
	}
	if dirty, err := gitOutput(root, "status", "--porcelain", "--untracked-files=no"); err != nil {
		return err
	} else if dirty != "" {
		fmt.Fprintln(os.Stderr, "note: verifying the commit HEAD; uncommitted changes are not part of it")
	}

	tmp, err := os.MkdirTemp("", "release-verify-")
	if err != nil {
		return err
	}
	env, err := verifyEnv(ws, tmp)
	if err != nil {
		return err
	}
	defer func() {
		// The module cache is read-only; go clean knows how to remove it.
		clean := exec.Command("go", "clean", "-modcache")
		clean.Env = env
		_ = clean.Run() // what it leaves, RemoveAll may still remove
		os.RemoveAll(tmp)
	}()

	repo := filepath.Join(tmp, "repo.git")
	for _, args := range [][]string{
		{"init", "--quiet", "--bare", repo},
		// --update-shallow lets a shallow clone, as CI may use, be the source.
		{"-C", repo, "fetch", "--quiet", "--no-tags", "--update-shallow", root, "HEAD"},
	} {
		if _, err := gitOutput(root, args...); err != nil {
			return err
		}
	}
	for _, t := range tags(ws, version) {
		if _, err := gitOutput(repo, "tag", t, head); err != nil {
			return err
		}
	}
	fmt.Printf("tagged %s in a scratch repository with the %s tags\n", head[:12], version)

	for i, m := range ws.modules {
		if m.Unreleased {
			continue
		}
		imported, err := fetchAsUser(env, filepath.Join(tmp, fmt.Sprintf("user%d", i)), m.Module.Path, version)
		if err != nil {
			return err
		}
		fmt.Printf("%s@%s: fetched and built; its library packages import %d other modules: %s\n",
			m.Module.Path, version, len(imported), strings.Join(imported, ", "))
	}
	return nil
}

// verifyEnv is the environment of every go command that runVerify runs.
func verifyEnv(ws *workspace, tmp string) ([]string, error) {
	var goenv struct{ GOPROXY, GOMODCACHE string }
	if err := goJSON(ws.root, &goenv, "env", "-json", "GOPROXY", "GOMODCACHE"); err != nil {
		return nil, err
	}
	repoURL := "https://" + ws.modules[0].Module.Path
	gitconfig := filepath.Join(tmp, "gitconfig")
	conf := fmt.Sprintf("[url \"file://%s\"]\n\tinsteadOf = %s\n", filepath.ToSlash(filepath.Join(tmp, "repo.git")), repoURL)
	if err := os.WriteFile(gitconfig, []byte(conf), 0o666); err != nil {
		return nil, err
	}
	proxy := "file://" + filepath.ToSlash(filepath.Join(goenv.GOMODCACHE, "cache", "download"))
	if goenv.GOPROXY != "" && goenv.GOPROXY != "off" {
		proxy += "," + goenv.GOPROXY
	}
	ours := ws.modules[0].Module.Path
	return append(os.Environ(),
		"GIT_CONFIG_GLOBAL="+gitconfig,
		"GIT_CONFIG_NOSYSTEM=1",
		"GOMODCACHE="+filepath.Join(tmp, "modcache"),
		"GOPROXY="+proxy,
		// Fetch our modules with git, not from a proxy.
		"GOPRIVATE="+ours, "GONOPROXY="+ours,
		// Our versions are not published, so no checksum database has
		// them; the other modules' checksums are not what this checks,
		// and skipping the database spares a network round trip each.
		"GOSUMDB=off",
		"GOWORK=off",
		// go get records the checksums of the packages it resolved;
		// building the rest of the module records the others'. That
		// the module's own go.mod is complete is CI's go mod tidy -diff.
		"GOFLAGS=-mod=mod",
		"GOTOOLCHAIN=local", // the Go that runs this, never a download
	), nil
}

// fetchAsUser makes a module in dir that gets modPath at version and
// builds all of its packages. It returns the modules, other than modPath,
// that modPath's library packages (neither main nor internal) import.
func fetchAsUser(env []string, dir, modPath, version string) ([]string, error) {
	if err := os.Mkdir(dir, 0o777); err != nil {
		return nil, err
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("%s@%s as a user: go %s: %v\n%s", modPath, version, strings.Join(args, " "), err, stderr.Bytes())
		}
		return strings.TrimSpace(string(out)), nil
	}
	all := modPath + "/..."
	if _, err := run("mod", "init", "example.com/user"); err != nil {
		return nil, err
	}
	if _, err := run("get", modPath+"@"+version); err != nil {
		return nil, err
	}
	if _, err := run("build", all); err != nil {
		return nil, err
	}
	libs, err := run("list", "-f", `{{if and (ne .Name "main") (eq .Module.Path "`+modPath+`")}}{{.ImportPath}}{{end}}`, all)
	if err != nil {
		return nil, err
	}
	var pkgs []string
	for _, p := range strings.Fields(libs) {
		if !strings.Contains(p+"/", "/internal/") {
			pkgs = append(pkgs, p)
		}
	}
	if len(pkgs) == 0 {
		return nil, nil // commands only: a program importing it imports nothing
	}
	deps, err := run(append([]string{"list", "-deps", "-f", `{{with .Module}}{{.Path}}{{end}}`}, pkgs...)...)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{modPath: true}
	var imported []string
	for _, p := range strings.Fields(deps) {
		if !seen[p] {
			seen[p] = true
			imported = append(imported, p)
		}
	}
	sort.Strings(imported)
	return imported, nil
}

func gitOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return strings.TrimSpace(string(out)), nil
}
