// Command gen writes openapi.json, the JSON form of openapi.yaml, and
// doc_gen.go, the Go code building the document the fake starts from. Run
// it with go generate ./fake/internal/contract.
package main

import (
	"fmt"
	"os"

	partnerofake "github.com/partnero-fake/partnero-fake"
	"github.com/partnero-fake/partnero-fake/fake/internal/contract/convert"
)

func main() {
	if err := generate(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func generate() error {
	out, err := convert.JSON(partnerofake.Spec())
	if err != nil {
		return err
	}
	src, err := goSource(out)
	if err != nil {
		return err
	}
	if err := os.WriteFile("openapi.json", out, 0o644); err != nil {
		return err
	}
	return os.WriteFile("doc_gen.go", src, 0o644)
}
