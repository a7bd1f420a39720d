package testkit_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goTool is the go command of the toolchain running this test.
func goTool(t *testing.T) string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command: GOROOT=%q and none on PATH", os.Getenv("GOROOT"))
	}
	return p
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// TestNoContainerDependencies shows that an in-process user of testkit
// compiles no Docker or testcontainers code: those live in
// testkit/container.
func TestNoContainerDependencies(t *testing.T) {
	out, err := exec.Command(goTool(t), "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v: %s", err, out)
	}
	deps := strings.Fields(string(out))
	var third, bad []string
	for _, d := range deps {
		first, _, _ := strings.Cut(d, "/")
		if strings.Contains(first, ".") && !strings.HasPrefix(d, "github.com/partnero-fake/partnero-fake") {
			third = append(third, d)
		}
		if strings.Contains(d, "testcontainers") || strings.Contains(d, "docker") || strings.Contains(d, "moby") || strings.Contains(d, "containerd") {
			bad = append(bad, d)
		}
	}
	if len(bad) > 0 {
		t.Errorf("testkit depends on container packages: %v", bad)
	}
	t.Logf("testkit depends on %d packages, %d of them third-party", len(deps), len(third))
	if len(deps) < 10 {
		t.Errorf("go list printed only %q", deps)
	}
}
