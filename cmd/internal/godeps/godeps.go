// Package godeps lists the packages a command links, for the tests that
// keep some packages out of a command.
package godeps

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Of returns what `go list -deps` lists for the package in the current
// directory: every package it links, the standard library's included. It
// fails t when go list fails.
func Of(t testing.TB) []string {
	t.Helper()
	goTool := "go" // on the PATH, unless go test said which toolchain runs it
	if root := os.Getenv("GOROOT"); root != "" {
		goTool = filepath.Join(root, "bin", "go")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	return strings.Fields(string(out))
}
