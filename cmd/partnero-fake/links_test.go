package main

import (
	"slices"
	"testing"

	"github.com/partnero-fake/partnero-fake/cmd/internal/godeps"
)

// TestLinksNoGofakeitCatalogue keeps gofakeit's root package out of the
// server: its init builds the catalogue of every faker function (about
// 0.4 MB in 700 objects), which the collector would mark on every cycle
// while the fake serves requests. fixtures draws from gofakeit's word lists
// (its data package) instead, the same draws gofakeit makes.
func TestLinksNoGofakeitCatalogue(t *testing.T) {
	deps := godeps.Of(t)
	if !slices.Contains(deps, "github.com/brianvoe/gofakeit/v6/data") {
		t.Fatalf("partnero-fake no longer links gofakeit's word lists; is this test still needed?\n%v", deps)
	}
	if slices.Contains(deps, "github.com/brianvoe/gofakeit/v6") {
		t.Error("partnero-fake links github.com/brianvoe/gofakeit/v6, whose init builds its function catalogue; draw through fixtures' faker instead")
	}
}
