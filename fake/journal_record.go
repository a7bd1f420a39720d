package fake

import (
	"encoding/binary"
	"encoding/json"
	"net/url"
	"slices"
	"time"
)

// journalRecord is a JournalEntry as the journal's ring keeps it. Its
// strings, query and bodies are copied, one after another, into data, a
// slice of the journal's arena. The collector marks the ring on every
// cycle: a record gives it two pointers, data's, to a chunk with no
// pointers in it, and warnings, nil for most requests; an entry gave it
// the request's path, its query map and both bodies. See recordOf for
// data's layout.
type journalRecord struct {
	seq      int64
	time     time.Time // the tenant's clock: UTC, so it holds no pointer
	status   int
	cost     int       // the entry's cost, kept so that dropping it decodes nothing
	chunk    uint64    // the arena chunk data lies in
	warnings []Warning // nil for most requests
	data     []byte
}

// recordOf copies e into a record whose data comes from a. data holds, in
// order, each as a uvarint length and then its bytes: Method, Path,
// Operation, Client and Fault; the query; RequestBody and ResponseBody.
// The query is a uvarint of 0 for nil or of its number of keys plus one,
// then each key and a uvarint of 0 for a nil list of values or of their
// number plus one, then the values. A body of length 0 reads back as nil,
// as journalBody makes it.
func recordOf(e *JournalEntry, a *arena) journalRecord {
	strs := [...]string{e.Method, e.Path, e.Operation, e.Client, e.Fault}
	need := 0
	for _, s := range strs {
		need += lenField(len(s))
	}
	need += uvarintLen(queryTag(e.Query))
	for k, vs := range e.Query {
		need += lenField(len(k)) + uvarintLen(valuesTag(vs))
		for _, v := range vs {
			need += lenField(len(v))
		}
	}
	need += lenField(len(e.RequestBody)) + lenField(len(e.ResponseBody))

	chunk, b := a.alloc(need)
	for _, s := range strs {
		b = appendField(b, s)
	}
	b = binary.AppendUvarint(b, queryTag(e.Query))
	for k, vs := range e.Query {
		b = appendField(b, k)
		b = binary.AppendUvarint(b, valuesTag(vs))
		for _, v := range vs {
			b = appendField(b, v)
		}
	}
	b = appendField(b, e.RequestBody)
	b = appendField(b, e.ResponseBody)
	return journalRecord{seq: e.Seq, time: e.Time, status: e.Status, cost: e.cost(), chunk: chunk, warnings: e.Warnings, data: b}
}

// entry decodes the record back into the JournalEntry it was made from.
func (r *journalRecord) entry() JournalEntry {
	d := recordReader{b: r.data}
	e := JournalEntry{Seq: r.seq, Time: r.time, Status: r.status, Warnings: r.warnings}
	e.Method, e.Path, e.Operation, e.Client, e.Fault = d.str(), d.str(), d.str(), d.str(), d.str()
	if keys := d.uvarint(); keys > 0 {
		e.Query = make(url.Values, keys-1)
		for range keys - 1 {
			k := d.str()
			var vs []string
			if n := d.uvarint(); n > 0 {
				vs = make([]string, n-1)
				for i := range vs {
					vs[i] = d.str()
				}
			}
			e.Query[k] = vs
		}
	}
	e.RequestBody, e.ResponseBody = d.body(), d.body()
	return e
}

func queryTag(q url.Values) uint64 {
	if q == nil {
		return 0
	}
	return uint64(len(q)) + 1
}

func valuesTag(vs []string) uint64 {
	if vs == nil {
		return 0
	}
	return uint64(len(vs)) + 1
}

func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

func lenField(n int) int { return uvarintLen(uint64(n)) + n }

func appendField[T ~string | ~[]byte](b []byte, s T) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// recordReader reads back what recordOf wrote. Records are the journal's
// own, so it trusts them.
type recordReader struct{ b []byte }

func (d *recordReader) uvarint() uint64 {
	x, n := binary.Uvarint(d.b)
	d.b = d.b[n:]
	return x
}

func (d *recordReader) bytes() []byte {
	n := d.uvarint()
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *recordReader) str() string { return string(d.bytes()) }

func (d *recordReader) body() json.RawMessage {
	if s := d.bytes(); len(s) > 0 {
		return slices.Clone(s)
	}
	return nil
}

// Chunk sizes of the arena: a tenant's first chunk is small, and each new
// one twice the size of those in use, up to maxChunk. A record larger than
// that gets a chunk of its own size.
const (
	minChunk = 4 << 10
	maxChunk = 64 << 10
)

// arena holds records' data in chunks of bytes, filled in order and freed
// in order, as the journal drops its oldest entries first. A freed chunk is
// kept and filled again, so a full journal allocates nothing to record a
// request. Chunks hold no pointers: the collector marks one without
// scanning it.
type arena struct {
	chunks []arenaChunk // in use, oldest first; records are written to the last
	spare  []byte       // a freed chunk, emptied, kept for the next
	next   uint64       // the number of the next chunk
	inUse  int          // the chunks' capacity
}

type arenaChunk struct {
	n uint64
	b []byte
}

// alloc returns the number of the chunk it took need bytes from and those
// bytes, empty with room for need: append to it.
func (a *arena) alloc(need int) (uint64, []byte) {
	if k := len(a.chunks); k > 0 {
		last := &a.chunks[k-1]
		if off := len(last.b); cap(last.b)-off >= need {
			last.b = last.b[:off+need]
			return last.n, last.b[off : off : off+need]
		}
	}
	b := a.spare
	a.spare = nil
	if cap(b) < need {
		b = make([]byte, 0, max(need, min(max(2*a.inUse, minChunk), maxChunk)))
	}
	a.inUse += cap(b)
	a.chunks = append(a.chunks, arenaChunk{n: a.next, b: b[:need]})
	a.next++
	return a.next - 1, b[0:0:need]
}

// freeBefore frees the chunks numbered below n, the chunk of the oldest
// record still kept. The chunk being filled is never freed.
func (a *arena) freeBefore(n uint64) {
	k := 0
	for k < len(a.chunks)-1 && a.chunks[k].n < n {
		a.free(a.chunks[k].b)
		k++
	}
	a.chunks = slices.Delete(a.chunks, 0, k)
}

// empty frees every chunk but the one being filled, which starts over.
func (a *arena) empty() {
	if k := len(a.chunks); k > 0 {
		a.freeBefore(a.chunks[k-1].n)
		a.chunks[0].b = a.chunks[0].b[:0]
	}
}

func (a *arena) free(b []byte) {
	a.inUse -= cap(b)
	if cap(b) <= maxChunk && cap(b) > cap(a.spare) {
		a.spare = b[:0]
	}
}
