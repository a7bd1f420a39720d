package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// logFlushInterval is how long a log line may wait in the buffer.
const logFlushInterval = 50 * time.Millisecond

// logWriter buffers the log (one line per request) so that a request costs
// no write system call: the buffer goes out when it fills, every
// logFlushInterval, on Flush, and on Close, so no line is lost on a normal
// exit or a SIGTERM. It is safe for concurrent use; each Write is kept whole.
type logWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// newLogWriter returns a logWriter writing to w and starts its flusher.
func newLogWriter(w io.Writer) *logWriter {
	l := &logWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.flusher()
	return l
}

func (l *logWriter) flusher() {
	defer close(l.done)
	t := time.NewTicker(logFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = l.Flush()
		case <-l.stop:
			return
		}
	}
}

// Write buffers p.
func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// Flush writes out what is buffered.
func (l *logWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Flush()
}

// Close stops the flusher and flushes. Writes after Close still work, and
// go out at the next Flush.
func (l *logWriter) Close() error {
	select {
	case <-l.stop:
	default:
		close(l.stop)
		<-l.done
	}
	return l.Flush()
}
