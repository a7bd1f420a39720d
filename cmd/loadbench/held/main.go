// Command held is loadbench's -held controls for the GET scenarios: the
// bare handler (cmd/loadbench/internal/bare) in a process linked with
// partnero-fake's packages, allocating per request the bytes and objects
// that a fake's handler allocates beyond bare's for the same request, at
// the fake's collector target. Two controls:
//
//   - -hold server (the default) also holds a partnero-fake server, with the
//     demo fixtures, warmed up by the scenario's request and its journal
//     full: the collector has all of the fake's work (the heap its packages
//     build at start, its contract and server, its garbage) and the handler
//     has bare's. How far its p99 is from bare's is what the fake's memory
//     costs the tail; the rest of the fake's is its own code.
//   - -hold none holds nothing but what linking the fake's packages builds at
//     start and partnero-fake keeps (gofakeit's word lists and the like; both
//     controls release kin-openapi's JSON Schema meta-schemas, as
//     partnero-fake does): no contract, no server. Between it and bare is what
//     the dependencies cost; between it and the server control, what the
//     fake's contract and server do.
//
// loadbench builds it and runs it (go run ./cmd/loadbench -held -only get):
// first with -calibrate, which prints what the fake's handler allocates
// per request as JSON, then both controls with those -bytes and -objects.
// It is a command of its own so that loadbench, its bare server and its
// load generators link nothing of the fake. By hand:
//
//	go run ./cmd/loadbench/held -addr 127.0.0.1:8081 -body answer.json
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"

	"github.com/partnero-fake/partnero-fake/cmd/internal/metaschemas"
)

func main() {
	metaschemas.Release() // as partnero-fake's main does
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "held:", err)
		os.Exit(1)
	}
}

// calibration is what -calibrate prints: the bytes and objects the fake's
// handler allocates per request beyond bare's.
type calibration struct {
	Bytes   int `json:"bytes"`
	Objects int `json:"objects"`
}

// run parses the command line, then calibrates, or builds the control and
// serves it until the process ends.
func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("held", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	file := fs.String("body", "", "file holding the response body")
	ct := fs.String("content-type", "application/json", "Content-Type of the response")
	strict := fs.Bool("strict", false, "the fake validates responses (--strict)")
	method := fs.String("method", "GET", "the scenario's method")
	path := fs.String("path", "/v1/customers/demo-ben", "the scenario's path")
	hold := fs.String("hold", "server", "what the control holds: server (a warmed-up partnero-fake server) or none (only what the fake's packages build at start)")
	calibrate := fs.Bool("calibrate", false, "print what the fake's handler allocates per request beyond bare's, as JSON, and exit")
	bytes := fs.Int("bytes", -1, "bytes to allocate per request (default: measured at start; required with -hold none)")
	objects := fs.Int("objects", -1, "objects to allocate them in (as -bytes)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *calibrate {
		h, err := holdFake(*strict, *method, *path)
		if err != nil {
			return err
		}
		return json.NewEncoder(out).Encode(calibration{Bytes: h.bytes, Objects: h.objects})
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	debug.SetGCPercent(heldGCPercent)
	var h *held
	switch *hold {
	case "server":
		if h, err = holdFake(*strict, *method, *path); err != nil {
			return err
		}
		if *bytes >= 0 || *objects >= 0 {
			h.bytes, h.objects = max(0, *bytes), max(1, *objects)
		}
	case "none":
		if *bytes < 0 || *objects < 1 {
			return errors.New("-hold none needs -bytes and -objects (from -calibrate)")
		}
		h = &held{bytes: *bytes, objects: *objects}
	default:
		return fmt.Errorf("-hold %q: want server or none", *hold)
	}
	fmt.Fprintln(os.Stderr, "held:", h)
	return http.ListenAndServe(*addr, h.handler(*ct, body))
}
