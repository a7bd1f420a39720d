//go:build !linux

package main

import (
	"errors"
	"io"
)

// spinCommand is loadbench spin, which polls non-blocking sockets with
// Linux system calls: elsewhere, use wrk or the Go generator.
func spinCommand([]string, io.Writer) error {
	return errors.New("the spinning generator (-spin) runs on Linux only: use wrk or -go")
}
