package store

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"
)

// seqHolder is a state's seq and the slice it must equal.
type seqHolder struct {
	st   *state
	q    seq[*Customer]
	want []*Customer
}

// share gives h and the copy it returns new owner tokens, as state.share
// does.
func (h *seqHolder) share() *seqHolder {
	c := &seqHolder{st: &state{owner: new(byte)}, q: h.q, want: slices.Clone(h.want)}
	h.st = &state{owner: new(byte)}
	return c
}

func (h *seqHolder) check(t *testing.T, step int) {
	t.Helper()
	if h.q.len() != len(h.want) {
		t.Fatalf("step %d: len %d, want %d", step, h.q.len(), len(h.want))
	}
	for i, w := range h.want {
		if got := h.q.at(i); got != w {
			t.Fatalf("step %d: at(%d) = seq %d, want %d", step, i, got.seq, w.seq)
		}
	}
	if got := slices.Collect(h.q.values()); !slices.Equal(got, h.want) {
		t.Fatalf("step %d: values differ from at", step)
	}
	for _, from := range []int{0, len(h.want) / 3, len(h.want)} {
		if got := h.q.appendFrom(nil, from); !slices.Equal(got, h.want[from:]) {
			t.Fatalf("step %d: appendFrom(%d) differs", step, from)
		}
	}
}

// TestSeqSharedCopyOnWrite runs random appends, inserts, removals and
// shares over states that share seqs, and checks after every step that
// every state still holds exactly what it wrote, whatever the others did.
func TestSeqSharedCopyOnWrite(t *testing.T) {
	for seed := range uint64(8) {
		r := rand.New(rand.NewPCG(seed, 1))
		hs := []*seqHolder{{st: &state{owner: new(byte)}}}
		next := int64(0)
		for step := range 300 {
			h := hs[r.IntN(len(hs))]
			switch op := r.IntN(20); {
			case op < 10: // append a run, often crossing a chunk
				for range 1 + r.IntN(150) {
					next += 2
					c := &Customer{seq: next}
					insertSeq(h.st, &h.q, c)
					h.want = append(h.want, c)
				}
			case op < 12: // append a run at once
				var es []*Customer
				for range 1 + r.IntN(600) {
					next += 2
					es = append(es, &Customer{seq: next})
				}
				h.q.appendAll(h.st, es)
				h.want = append(h.want, es...)
			case op < 14 && len(h.want) > 0: // insert before an existing entry
				i := r.IntN(len(h.want))
				if i > 0 && h.want[i-1].seq+1 == h.want[i].seq {
					break
				}
				c := &Customer{seq: h.want[i].seq - 1}
				insertSeq(h.st, &h.q, c)
				h.want = slices.Insert(h.want, i, c)
			case op < 15 && len(h.want) > 0: // remove one
				i := r.IntN(len(h.want))
				removeSeq(h.st, &h.q, h.want[i])
				h.want = slices.Delete(h.want, i, i+1)
			case op < 16 && len(h.want) > 0: // remove several at once
				gone := map[int64]bool{}
				for range 1 + r.IntN(6) {
					gone[h.want[r.IntN(len(h.want))].seq] = true
				}
				removeSeqs(h.st, &h.q, gone)
				h.want = slices.DeleteFunc(h.want, func(c *Customer) bool { return gone[c.seq] })
			case op < 17 && len(h.want) > 0: // merge several, between existing entries
				var es []*Customer
				for range 1 + r.IntN(6) {
					i := r.IntN(len(h.want))
					o := h.want[i].seq - 1
					if (i > 0 && h.want[i-1].seq >= o) || slices.ContainsFunc(es, func(c *Customer) bool { return c.seq == o }) {
						continue
					}
					es = append(es, &Customer{seq: o})
				}
				slices.SortFunc(es, func(a, b *Customer) int { return cmp.Compare(a.seq, b.seq) })
				mergeSeq(h.st, &h.q, es)
				h.want = append(h.want, es...)
				slices.SortFunc(h.want, func(a, b *Customer) int { return cmp.Compare(a.seq, b.seq) })
			case op < 18:
				removeSeq(h.st, &h.q, &Customer{seq: -5}) // absent: no change
			default:
				if len(hs) < 6 {
					hs = append(hs, h.share())
				}
			}
			for _, h := range hs {
				h.check(t, step)
			}
		}
	}
}

// TestSeqFirstWriteAfterShareIsSmall checks what a state pays for its first
// append to a seq it shares: a copy of the list of chunks and of the last
// one, not of the whole sequence.
func TestSeqFirstWriteAfterShareIsSmall(t *testing.T) {
	const n = 200_000
	h := &seqHolder{st: &state{owner: new(byte)}}
	for i := range n {
		h.q.push(h.st, &Customer{seq: int64(i)})
	}
	var c *seqHolder
	bytes := uint64(math.MaxUint64)
	for range 3 { // the least of three: another goroutine may allocate meanwhile
		c = h.share()
		e := &Customer{seq: n}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c.q.push(c.st, e)
		runtime.ReadMemStats(&after)
		bytes = min(bytes, after.TotalAlloc-before.TotalAlloc)
	}
	if limit := 8*(n/chunkSize+1) + 8*chunkSize + 1024; bytes > uint64(limit) {
		t.Errorf("first append after a share allocated %d bytes, want at most %d", bytes, limit)
	}
	if h.q.len() != n || c.q.len() != n+1 {
		t.Errorf("lengths %d and %d, want %d and %d", h.q.len(), c.q.len(), n, n+1)
	}
}

// TestSeqSharersFillChunks has two states that share a seq each fill a
// chunk of their own: neither may write into the list of chunks they share.
func TestSeqSharersFillChunks(t *testing.T) {
	a := &seqHolder{st: &state{owner: new(byte)}}
	next := int64(0)
	fill := func(h *seqHolder, n int) {
		for range n {
			next++
			c := &Customer{seq: next}
			h.q.push(h.st, c)
			h.want = append(h.want, c)
		}
	}
	fill(a, 3*chunkSize+5) // three full chunks in a list with room for a fourth
	b := a.share()
	fill(a, chunkSize)
	fill(b, chunkSize)
	a.check(t, 1)
	b.check(t, 2)
}

// TestFirstWriteAfterResetIsSmall checks that the store keeps its indexes
// of every customer and every transaction in seqs: the first customer and
// the first sale after a Reset copy a shard of each map they write to and
// the last chunk of each seq, not the lists of all 20,000 customers and
// sales (which alone would be 500 KB).
func TestFirstWriteAfterResetIsSmall(t *testing.T) {
	const n = 20_000
	s, err := New(Config{Seed: 1, Publish: func([]Event) {}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		id := "c" + strconv.Itoa(i)
		if _, err := s.CreateCustomer(NewCustomer{ID: id, Email: id + "@example.com"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateTransactions(TransactionBatch{Customer: Ref{ID: id}, Items: []NewTransaction{{Key: "t" + id, Amount: "10", Action: "sale"}}}); err != nil {
			t.Fatal(err)
		}
	}
	s.SetInitial()
	for _, w := range []struct {
		name  string
		write func() error
	}{
		{"a customer", func() error {
			_, err := s.CreateCustomer(NewCustomer{ID: "new", Email: "new@example.com"})
			return err
		}},
		{"a sale", func() error {
			_, err := s.CreateTransactions(TransactionBatch{Customer: Ref{ID: "c1"}, Items: []NewTransaction{{Key: "new", Amount: "10", Action: "sale"}}})
			return err
		}},
	} {
		s.Reset()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := w.write()
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 150<<10 {
			t.Errorf("the first write of %s after a Reset allocated %d KB, want at most 150 KB", w.name, grew>>10)
		}
	}
}

// TestSeqMemory holds a seq of pointers to about the memory of a slice of
// them: chunks whose allocation, with the header a pointer array of over
// 512 bytes carries, would not fit a size class exactly would cost up to a
// fifth more (512 pointers take 4,864 bytes).
func TestSeqMemory(t *testing.T) {
	const n = 100_000
	st := &state{owner: new(byte)}
	cs := make([]*Customer, n)
	for i := range cs {
		cs[i] = &Customer{seq: int64(i)}
	}
	perEntry := math.Inf(1)
	for range 3 { // the least of three: another goroutine may allocate meanwhile
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		var q seq[*Customer]
		for _, c := range cs {
			q.push(st, c)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perEntry = min(perEntry, float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/n)
		runtime.KeepAlive(q)
	}
	if perEntry > 8.2 {
		t.Errorf("a seq of %d pointers costs %.2f bytes an entry, want at most 8.2", n, perEntry)
	}
	runtime.KeepAlive(cs)
}

// TestSparseShardsAreNotCloned checks that a shard whose tables are much
// larger than what it holds (sized ahead by Expect here; emptied by
// deletions likewise) is copied by its keys on the first write after a
// Checkpoint, not with maps.Clone, which would copy its empty tables
// (2.5 MB for a store expecting 1,000,000 customers that holds 10).
func TestSparseShardsAreNotCloned(t *testing.T) {
	s, err := New(Config{Seed: 1, Publish: func([]Event) {}, Expect: Expected{Customers: 1_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		id := "c" + strconv.Itoa(i)
		if _, err := s.CreateCustomer(NewCustomer{ID: id, Email: id + "@example.com"}); err != nil {
			t.Fatal(err)
		}
	}
	s.Checkpoint()
	grew := uint64(math.MaxUint64)
	for i := range 3 { // the least of three: another goroutine may allocate meanwhile
		s.Checkpoint()
		id := "new" + strconv.Itoa(i)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := s.CreateCustomer(NewCustomer{ID: id, Email: id + "@example.com"}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		grew = min(grew, after.TotalAlloc-before.TotalAlloc)
	}
	if grew > 64<<10 {
		t.Errorf("the first write after a Checkpoint allocated %d KB, want at most 64 KB", grew>>10)
	}
}

// TestSeqSharersAppendAll has two states that share a seq whose last chunk
// has room append runs at once: neither may write into what they share.
func TestSeqSharersAppendAll(t *testing.T) {
	a := &seqHolder{st: &state{owner: new(byte)}}
	next := int64(0)
	run := func(n int) []*Customer {
		var es []*Customer
		for range n {
			next++
			es = append(es, &Customer{seq: next})
		}
		return es
	}
	first := run(chunkSize + 3) // a full chunk, and a tail with room
	a.q.appendAll(a.st, first)
	a.want = append(a.want, first...)
	b := a.share()
	for _, h := range []*seqHolder{a, b, a, b} {
		es := run(5)
		h.q.appendAll(h.st, es)
		h.want = append(h.want, es...)
	}
	a.check(t, 1)
	b.check(t, 2)
}
