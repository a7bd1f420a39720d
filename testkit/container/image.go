package container

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	partnerofake "github.com/partnero-fake/partnero-fake"
)

// ImageRepository is the repository of the images Image builds; the tag
// is "bin-" and the start of the SHA-256 of the binary and Dockerfile.
const ImageRepository = "partnero-fake"

// mainPackage is the fake's command.
const mainPackage = "github.com/partnero-fake/partnero-fake/cmd/partnero-fake"

// Image returns the image Start runs: $PARTNERO_FAKE_IMAGE when set (what
// CI pre-builds). Otherwise it builds the fake from the partnero-fake
// module the test is compiled with (go build, from the current directory's
// module) and makes an image of it with the Dockerfile's "prebuilt" stage,
// which pulls nothing. The image is tagged by the content's hash, so an
// unchanged binary reuses the image already built, and a changed one gets a
// new tag: no run rebuilds an image it already has, and none leaves
// untagged (dangling) images behind. Old tags stay until removed:
//
//	docker images partnero-fake --filter label=org.partnero-fake.builder=testkit
//
// Building needs the go and docker commands on PATH.
func Image(ctx context.Context) (string, error) {
	if img := os.Getenv("PARTNERO_FAKE_IMAGE"); img != "" {
		return img, nil
	}
	dir, err := os.MkdirTemp("", "partnero-fake-image")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "partnero-fake")
	build := exec.CommandContext(ctx, goTool(), "build", "-trimpath", "-ldflags=-s -w", "-o", bin, mainPackage)
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the fake for its image: %v: %s", err, out)
	}
	binary, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	dockerfile := partnerofake.Dockerfile()
	tag := ImageRepository + ":" + contentTag(binary, dockerfile)
	if exec.CommandContext(ctx, "docker", "image", "inspect", "--format", "{{.Id}}", tag).Run() == nil {
		return tag, nil
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), dockerfile, 0o644); err != nil {
		return "", err
	}
	docker := exec.CommandContext(ctx, "docker", "build", "--quiet", "--target", "prebuilt",
		"--label", "org.partnero-fake.builder=testkit", "-t", tag, dir)
	if out, err := docker.CombinedOutput(); err != nil {
		return "", fmt.Errorf("docker build %s: %v: %s", tag, err, bytes.TrimSpace(out))
	}
	return tag, nil
}

// contentTag names an image after what goes into it.
func contentTag(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:", len(p))
		h.Write(p)
	}
	return "bin-" + hex.EncodeToString(h.Sum(nil))[:16]
}

// goTool is the go command of the toolchain running the test, when it can
// be found, else "go" from PATH.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}
