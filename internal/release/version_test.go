package main

import (
	"errors"
	"testing"
)

func TestValidVersion(t *testing.T) {
	for _, v := range []string{"v0.1.0", "v1.0.0", "v0.10.3", "v1.2.3-rc.1", "v0.2.0-beta.2.x-y"} {
		if err := validVersion(v); err != nil {
			t.Errorf("validVersion(%q) = %v, want nil", v, err)
		}
	}
	for _, v := range []string{
		"", "0.1.0", "v0.1", "v0.1.0.0", "v01.0.0", "v0.1.0+build", "v0.1.0-", "v0.1.0-rc.01",
		"v0.0.0-00010101000000-000000000000", "v0.1.1-0.20240101000000-abcdefabcdef",
		"v0.1.0-rc.1.0.20240101000000-abcdefabcdef", " v0.1.0",
	} {
		if err := validVersion(v); err == nil {
			t.Errorf("validVersion(%q) = nil, want an error", v)
		}
	}
	if err := validVersion("v2.0.0"); !errors.Is(err, errMajor) {
		t.Errorf("validVersion(v2.0.0) = %v, want errMajor", err)
	}
}
