package compat

import (
	"go/token"
	"go/types"
	"testing"

	"github.com/seed3c1b93bc/groupcache/internal/exportdata"
)

// newExportImporter is exportdata.Importer, failing t on error.
func newExportImporter(t testing.TB, fset *token.FileSet, patterns ...string) types.Importer {
	t.Helper()
	imp, err := exportdata.Importer(fset, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	return imp
}
