package container_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	partnerofake "github.com/partnero-fake/partnero-fake"
	"github.com/partnero-fake/partnero-fake/testkit/container"
)

// TestImageBuiltOnceByContent shows that Image, without
// PARTNERO_FAKE_IMAGE, builds the image from source once and then reuses
// it: a second call returns the same tag and the same image, built no
// newer, so runs leave no dangling images behind.
func TestImageBuiltOnceByContent(t *testing.T) {
	requireDocker(t)
	t.Setenv("PARTNERO_FAKE_IMAGE", "")
	ctx := context.Background()
	before := builtImages(t)
	first, err := container.Image(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Leave no image behind that this test built (a CI machine would
		// collect one per commit).
		if id := imageID(t, first); !before[strings.Fields(id)[0]] {
			if out, err := exec.Command("docker", "rmi", first).CombinedOutput(); err != nil {
				t.Errorf("docker rmi %s: %v: %s", first, err, out)
			}
		}
	})
	if !strings.HasPrefix(first, container.ImageRepository+":bin-") {
		t.Errorf("tag %q", first)
	}
	id1 := imageID(t, first)
	second, err := container.Image(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second != first || imageID(t, second) != id1 {
		t.Errorf("second call: %s (%s), first %s (%s)", second, imageID(t, second), first, id1)
	}
	t.Setenv("PARTNERO_FAKE_IMAGE", "my/prebuilt:tag")
	if img, err := container.Image(ctx); err != nil || img != "my/prebuilt:tag" {
		t.Errorf("with PARTNERO_FAKE_IMAGE: %q, %v", img, err)
	}
}

// builtImages returns the ids of the images Image built.
func builtImages(t *testing.T) map[string]bool {
	t.Helper()
	out, err := exec.Command("docker", "images", "--no-trunc", "--quiet", "--filter", "label=org.partnero-fake.builder=testkit").Output()
	if err != nil {
		t.Fatalf("docker images: %v", err)
	}
	ids := map[string]bool{}
	for _, id := range strings.Fields(string(out)) {
		ids[id] = true
	}
	return ids
}

func imageID(t *testing.T, tag string) string {
	t.Helper()
	out, err := exec.Command("docker", "image", "inspect", "--format", "{{.Id}} {{.Created}}", tag).Output()
	if err != nil {
		t.Fatalf("docker image inspect %s: %v", tag, err)
	}
	return strings.TrimSpace(string(out))
}

// TestDockerfileListensOnAllInterfaces: the binary listens on 127.0.0.1 by
// default, so both final stages of the image must set PARTNERO_FAKE_ADDR
// to :8080 for a published port to reach it.
func TestDockerfileListensOnAllInterfaces(t *testing.T) {
	df := string(partnerofake.Dockerfile())
	stages := strings.Split(df, "\nFROM ")
	n := 0
	for _, st := range stages[1:] {
		if strings.HasPrefix(st, "scratch") {
			n++
			if !strings.Contains(st, "\nENV PARTNERO_FAKE_ADDR=:8080\n") {
				t.Errorf("stage %q does not set PARTNERO_FAKE_ADDR=:8080", strings.SplitN(st, "\n", 2)[0])
			}
		}
	}
	if n != 2 {
		t.Errorf("found %d scratch stages, want 2 (prebuilt and final)", n)
	}
}
