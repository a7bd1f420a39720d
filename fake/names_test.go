package fake

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// TestIsNameAsRegexp holds isName to the regular expressions it replaced,
// over names of every length around the bounds and every byte.
func TestIsNameAsRegexp(t *testing.T) {
	for punct, re := range map[string]*regexp.Regexp{
		publicIDPunct:     regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`),
		snapshotNamePunct: regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`),
	} {
		check := func(s string) {
			t.Helper()
			if got, want := isName(s, punct), re.MatchString(s); got != want {
				t.Fatalf("isName(%q, %q) = %v, the regexp says %v", s, punct, got, want)
			}
		}
		for n := 0; n <= 66; n++ {
			check(strings.Repeat("a", n))
		}
		for c := 0; c < 256; c++ {
			check(string(rune(c)))
			check("ab" + string([]byte{byte(c)}) + "cd")
		}
		rng := rand.New(rand.NewPCG(1, 2))
		const alphabet = "aZ09_.-/ é\x00"
		for range 20000 {
			b := make([]byte, rng.IntN(70))
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			check(string(b))
		}
	}
}
