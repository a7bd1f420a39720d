package store

const (
	alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// generate returns the next identifier of a kind: n (at most 16) characters from
// alphabet, derived from (seed, kind, ordinal) alone. Partnero's generated
// keys are 12 alphanumerics ("lphs8bcrfmgv") and program ids 8 upper-case
// letters ("MOBTGEKX"); the fake keeps those shapes. The ordinal lives in
// the state, so a restored snapshot generates the same values again.
func (s *Store) generate(st *state, kind string, n int, alphabet string) string {
	st.counters[kind]++
	x := fnv64a(kind) ^ uint64(s.seed)*0x9e3779b97f4a7c15 ^ st.counters[kind]*0xbf58476d1ce4e5b9
	var buf [16]byte // n is at most 16
	b := buf[:n]
	for i := range b {
		x = splitmix(x)
		b[i] = alphabet[x%uint64(len(alphabet))]
	}
	return s.strs.bytes(b)
}

// fnv64a is FNV-1a (hash/fnv's New64a) of s.
func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// uniqueID generates identifiers of a kind until taken reports false.
func (s *Store) uniqueID(st *state, kind string, taken func(string) bool) string {
	for {
		if id := s.generate(st, kind, 12, alnum); !taken(id) {
			return id
		}
	}
}
