package inspector

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// maxAssets bounds what the inspector adds to the binary.
const maxAssets = 100 << 10

// The page loads nothing from elsewhere and contains no inline script or
// HTML-parsing DOM call: every asset is one of ours, and data reaches the
// page only as text.
func TestAssetsAreSelfContained(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|url\(`)
	unsafe := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|\son[a-z]+="`)
	total := 0
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		total += len(b)
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue // comments may name things
			}
			if m := external.FindString(line); m != "" {
				t.Errorf("%s:%d refers to %q", p, i+1, m)
			}
			if m := unsafe.FindString(line); m != "" {
				t.Errorf("%s:%d uses %q", p, i+1, m)
			}
		}
		if strings.HasSuffix(p, ".html") && strings.Contains(string(b), "<script>") {
			t.Errorf("%s has an inline script", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > maxAssets {
		t.Errorf("assets are %d bytes, more than %d", total, maxAssets)
	}
	t.Logf("assets: %d bytes", total)
}
