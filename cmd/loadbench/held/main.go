// Command held is loadbench's -held control for the GET scenarios: the bare
// handler (cmd/loadbench/internal/bare) in a process that also holds a
// partnero-fake server, with the demo fixtures, warmed up by the scenario's
// request and its journal full, and that allocates per request the bytes
// and objects that server's handler allocates beyond bare's for the same
// request, at the fake's collector target.
//
// Its handler's code is bare's; its collector has the fake's work (the heap
// the fake's packages and the server hold, the garbage of its requests).
// So how far its p99 is from bare's is what the fake's memory costs the
// tail, and the rest of the fake's is its own code.
//
// loadbench builds and starts it (go run ./cmd/loadbench -held -only get);
// it is a command of its own so that loadbench, its bare server and its load
// generators link nothing of the fake. By hand:
//
//	go run ./cmd/loadbench/held -addr 127.0.0.1:8081 -body answer.json
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
)

func main() {
	if err := serve(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "held:", err)
		os.Exit(1)
	}
}

// serve parses the command line, builds the held server and serves the
// control until the process ends.
func serve(args []string) error {
	fs := flag.NewFlagSet("held", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	file := fs.String("body", "", "file holding the response body")
	ct := fs.String("content-type", "application/json", "Content-Type of the response")
	strict := fs.Bool("strict", false, "the held server validates responses (--strict)")
	method := fs.String("method", "GET", "the scenario's method")
	path := fs.String("path", "/v1/customers/demo-ben", "the scenario's path")
	if err := fs.Parse(args); err != nil {
		return err
	}
	body, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	debug.SetGCPercent(heldGCPercent)
	h, err := holdFake(*strict, *method, *path)
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "held:", h)
	return http.ListenAndServe(*addr, h.handler(*ct, body))
}
