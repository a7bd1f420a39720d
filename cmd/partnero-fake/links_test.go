package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLinksNoGofakeitCatalogue keeps gofakeit's root package out of the
// server: its init builds the catalogue of every faker function (about
// 0.4 MB in 700 objects), which the collector would mark on every cycle
// while the fake serves requests. fixtures draws from gofakeit's word lists
// (its data package) instead, the same draws gofakeit makes.
func TestLinksNoGofakeitCatalogue(t *testing.T) {
	goTool := "go" // on the PATH, unless go test said which toolchain runs it
	if root := os.Getenv("GOROOT"); root != "" {
		goTool = filepath.Join(root, "bin", "go")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/brianvoe/gofakeit/v6/data") {
		t.Fatalf("partnero-fake no longer links gofakeit's word lists; is this test still needed?\n%s", out)
	}
	if slices.Contains(deps, "github.com/brianvoe/gofakeit/v6") {
		t.Error("partnero-fake links github.com/brianvoe/gofakeit/v6, whose init builds its function catalogue; draw through fixtures' faker instead")
	}
}
