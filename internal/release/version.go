package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// versionFile, at the repository root, holds the version of the latest
// release, or of the one being prepared: the version that every module
// requires its siblings at.
const versionFile = "VERSION"

var (
	// semver is vMAJOR.MINOR.PATCH with an optional pre-release, in the
	// form Go accepts in a tag. Build metadata (+...) is left out: Go
	// would ignore a tag carrying it.
	semver = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)
	// pseudo matches the pre-release part of a Go pseudo-version, which
	// a tag must not look like: Go would read it as a commit reference.
	pseudo = regexp.MustCompile(`[-.](0\.)?[0-9]{14}-[0-9a-f]{12}$`)
	// numericLeadingZero is a numeric pre-release identifier such as 01,
	// which semantic versioning forbids.
	numericLeadingZero = regexp.MustCompile(`^0[0-9]+$`)
)

// errMajor is returned for v2 and later: their module paths need a /vN
// suffix, which this repository does not have.
var errMajor = errors.New("a major version above 1 needs /vN module paths (https://go.dev/ref/mod#major-version-suffixes); change every module path first, and this tool with them")

// validVersion reports whether v can tag every module of a release.
func validVersion(v string) error {
	m := semver.FindStringSubmatch(v)
	if m == nil {
		return fmt.Errorf("version %q is not of the form vMAJOR.MINOR.PATCH[-PRERELEASE]", v)
	}
	if pre := m[4]; pre != "" {
		if pseudo.MatchString(pre) {
			return fmt.Errorf("version %q looks like a Go pseudo-version", v)
		}
		for _, id := range strings.Split(pre[1:], ".") {
			if numericLeadingZero.MatchString(id) {
				return fmt.Errorf("version %q: numeric pre-release identifier %q has a leading zero", v, id)
			}
		}
	}
	if m[1] != "0" && m[1] != "1" {
		return fmt.Errorf("version %q: %w", v, errMajor)
	}
	return nil
}

func readVersion(root string) (string, error) {
	b, err := os.ReadFile(filepath.Join(root, versionFile))
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(b))
	if err := validVersion(v); err != nil {
		return "", fmt.Errorf("%s: %w", versionFile, err)
	}
	return v, nil
}

func writeVersion(root, v string) error {
	return os.WriteFile(filepath.Join(root, versionFile), []byte(v+"\n"), 0o666)
}
