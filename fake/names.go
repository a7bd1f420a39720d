package fake

import "strings"

// isName reports whether s is 1 to 64 ASCII letters, digits and bytes of
// punct: what the fake accepts as a public program id ("_-") or a
// snapshot's name ("_.-"). It does what ^[A-Za-z0-9<punct>]{1,64}$ does
// (TestIsNameAsRegexp). The regular expression compiled to 64 copies of
// its class: 27 KB in about 400 objects each, alive for the life of the
// process, which every collection marked again.
func isName(s, punct string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(punct, c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// The punctuation isName allows in each kind of name.
const (
	publicIDPunct     = "_-"
	snapshotNamePunct = "_.-"
)
