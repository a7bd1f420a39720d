package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/partnero-fake/partnero-fake/cmd/internal/godeps"
)

// TestLinksNothingOfTheFake keeps loadbench, its bare server and its load
// generators to the standard library and their own packages: a process
// linked with partnero-fake's packages holds what they and their
// dependencies build at start (kin-openapi's JSON Schema meta-schemas,
// gofakeit's word lists), and its collector marks that on every cycle,
// which showed as half a millisecond more in bare's p99. The -held
// control, which holds a fake on purpose, is a command of its own.
func TestLinksNothingOfTheFake(t *testing.T) {
	deps := godeps.Of(t)
	own := []string{"github.com/partnero-fake/partnero-fake/cmd/loadbench", "github.com/partnero-fake/partnero-fake/cmd/loadbench/internal/bare"}
	for _, want := range own {
		if !slices.Contains(deps, want) {
			t.Fatalf("go list -deps does not list %s:\n%v", want, deps)
		}
	}
	for _, d := range deps {
		first, _, _ := strings.Cut(d, "/")
		if strings.Contains(first, ".") && !slices.Contains(own, d) {
			t.Errorf("loadbench links %s: only the standard library and its own packages belong in it", d)
		}
	}
}
