package testkit_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var goFenceRE = regexp.MustCompile("(?s)```go\n(.*?)```")

// readmeGoBlocks returns the README's Go code blocks.
func readmeGoBlocks(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, m := range goFenceRE.FindAllStringSubmatch(string(readme), -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// TestReadmeGoSnippets checks that every Go block of the README is code
// that compiles in a test: the sign-up example is testkit/example's two
// files, exactly; every other block appears verbatim (up to indentation)
// in readme_snippets_test.go.
func TestReadmeGoSnippets(t *testing.T) {
	blocks := readmeGoBlocks(t)
	if len(blocks) < 4 {
		t.Fatalf("found %d Go blocks in the README", len(blocks))
	}
	whole := map[string]bool{}
	for _, f := range []string{"example/signup.go", "example/signup_test.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		whole[string(b)] = false
	}
	snippets, err := os.ReadFile("readme_snippets_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		if _, ok := whole[b]; ok {
			whole[b] = true
			continue
		}
		if !strings.Contains(normalize(string(snippets)), normalize(b)) {
			t.Errorf("README Go block %d is neither a file of testkit/example nor in readme_snippets_test.go:\n%s", i+1, b)
		}
	}
	for f, shown := range whole {
		if !shown {
			t.Errorf("the README does not show this file of testkit/example exactly:\n%s", f)
		}
	}
}

// normalize drops indentation and blank lines.
func normalize(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// TestExampleModule runs go vet and go test in testkit/example, the
// README's sign-up example, a module of its own (so that `go test ./...`
// at the root runs it). Its container test follows the environment, like
// this package's: it runs where Docker answers and fails without Docker
// when PARTNERO_FAKE_CI is set.
func TestExampleModule(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the example module in -short mode")
	}
	dir, err := filepath.Abs("example")
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command(goTool(t), args...)
		cmd.Dir = dir
		// go.work would swallow the example's own go.mod. As in
		// testkit/container's TestMain: containers are terminated by the
		// tests, so Ryuk (an image testcontainers would pull) is not needed;
		cmd.Env = append(os.Environ(), "GOWORK=off")
		if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
			cmd.Env = append(cmd.Env, "TESTCONTAINERS_RYUK_DISABLED=true")
		}
		// testkit never uses the Docker host testcontainers resolves; the
		// override keeps testcontainers itself on loopback too.
		if h := os.Getenv("DOCKER_HOST"); os.Getenv("TESTCONTAINERS_HOST_OVERRIDE") == "" && (h == "" || strings.HasPrefix(h, "unix://")) {
			cmd.Env = append(cmd.Env, "TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1")
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in testkit/example: %v\n%s", strings.Join(args, " "), err, out)
		}
		t.Logf("go %s: %s", strings.Join(args, " "), strings.TrimSpace(string(out)))
	}
}

// TestReadmeFirstScreen checks that the README's first screen names the
// module, the Go version and the three ways to use the fake with their
// import paths, and that every link of its table of contents leads to a
// heading.
func TestReadmeFirstScreen(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(readme)
	lines := strings.Split(doc, "\n")
	first := strings.Join(lines[:min(45, len(lines))], "\n")
	for _, want := range []string{
		"Module `github.com/partnero-fake/partnero-fake`", "Go 1.25",
		"go run ./cmd/partnero-fake", "go test ./...",
		`import "github.com/partnero-fake/partnero-fake/testkit"`,
		`import "github.com/partnero-fake/partnero-fake/testkit/container"`,
		"testkit.Start(t)", "container.Start(t)", "Contents:",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("the first 45 lines lack %q", want)
		}
	}
	anchors := headingAnchors(doc)
	links := regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(doc, -1)
	if len(links) < 10 {
		t.Fatalf("only %d links to sections", len(links))
	}
	for _, m := range links {
		if !anchors[m[1]] {
			t.Errorf("link #%s leads to no heading", m[1])
		}
	}
}

// headingAnchors returns the anchors of a Markdown document's headings,
// as GitHub makes them.
func headingAnchors(doc string) map[string]bool {
	anchors := map[string]bool{}
	for _, l := range strings.Split(doc, "\n") {
		if h, ok := strings.CutPrefix(l, "#"); ok {
			h = strings.TrimSpace(strings.TrimLeft(h, "#"))
			a := strings.ToLower(strings.ReplaceAll(h, " ", "-"))
			anchors[regexp.MustCompile(`[^a-z0-9_-]`).ReplaceAllString(a, "")] = true
		}
	}
	return anchors
}

// TestDocsFileLinks checks that every link of the README and of the
// performance log to a file of the repository leads to one, and, into the
// README, to a heading of it.
func TestDocsFileLinks(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	headings := headingAnchors(string(readme))
	links := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)\s]*)?\)`)
	total := 0
	for _, doc := range []string{"../README.md", "../cmd/loadbench/RESULTS.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range links.FindAllStringSubmatch(string(b), -1) {
			target, anchor := m[1], strings.TrimPrefix(m[2], "#")
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			total++
			path := filepath.Join(filepath.Dir(doc), target)
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s, which does not exist", doc, target)
				continue
			}
			if anchor != "" && filepath.Base(path) == "README.md" && !headings[anchor] {
				t.Errorf("%s links to %s#%s, which is no heading of the README", doc, target, anchor)
			}
		}
	}
	if total < 3 {
		t.Fatalf("found only %d links to files", total)
	}
}
