package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// defaultAddr keeps the fake off the network unless asked: only this
// machine can reach it. The image overrides it with PARTNERO_FAKE_ADDR.
const defaultAddr = "127.0.0.1:8080"

// envName is the environment variable of a flag: PARTNERO_FAKE_ and the
// flag's name in upper case with dashes as underscores.
func envName(flagName string) string {
	return "PARTNERO_FAKE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// usage prints the subcommands and every flag with its environment twin.
func usage(fs *flag.FlagSet, out io.Writer) {
	fmt.Fprintf(out, `Usage:
  partnero-fake [flags]              serve the fake Partnero API under /v1 and its control plane under /_fake
  partnero-fake healthcheck [flags]  exit 0 when the server on --addr answers GET /_fake/ready (the image's HEALTHCHECK)

Every flag can also be set by the environment variable shown after it; a flag
given on the command line wins.

Flags:
`)
	fs.VisitAll(func(f *flag.Flag) {
		kind, help := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if kind != "" {
			name += " " + kind
		}
		fmt.Fprintf(out, "  %s  (%s)\n    \t%s", name, envName(f.Name), help)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(out, " (default %s)", strconv.Quote(f.DefValue))
		}
		fmt.Fprintln(out)
	})
}

// exitCode is the process's exit status for run's error: 0 for none and
// for --help, else 1 after printing the error.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	default:
		fmt.Fprintln(stderr, "partnero-fake:", err)
		return 1
	}
}

// apiURL is the API's base URL for the start line, one a terminal can
// open: localhost for a wildcard address (":8080", "0.0.0.0", "::").
func apiURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/v1"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/v1"
}
