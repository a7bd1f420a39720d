package main

import "testing"

// TestReadmePartneroJS runs the curl commands of the README's PartneroJS
// section and checks their outputs, like TestReadmeQuickStart.
func TestReadmePartneroJS(t *testing.T) {
	testReadmeSection(t, "## PartneroJS: the browser half, offline", 3)
}
