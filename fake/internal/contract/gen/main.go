// Command gen writes openapi.json, the JSON form of openapi.yaml that the
// fake parses at start-up. Run it with go generate ./fake/internal/contract.
package main

import (
	"fmt"
	"os"

	partnerofake "github.com/partnero-fake/partnero-fake"
	"github.com/partnero-fake/partnero-fake/fake/internal/contract"
)

func main() {
	out, err := contract.Convert(partnerofake.Spec())
	if err == nil {
		err = os.WriteFile("openapi.json", out, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
