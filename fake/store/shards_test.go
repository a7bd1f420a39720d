package store

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestShardsSpreadKeys holds shardOf to spreading the keys people and the
// fake make evenly over the shards: with 64,000 keys of one shape, no shard
// holds more than a quarter above its share. A shard that holds most of a
// map makes the first write after a snapshot or reset copy most of it.
func TestShardsSpreadKeys(t *testing.T) {
	const n = 1000 * nShards
	shapes := map[string]func(i int) string{
		"generated id": func(i int) string { return fmt.Sprintf("%012x", uint64(i)*0x9E3779B97F4A7C15>>16) },
		"uuid": func(i int) string {
			x := uint64(i) * 0x9E3779B97F4A7C15
			return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", x>>32, x>>16&0xffff, x&0xfff, x>>52, x>>8)
		},
		"numbered email":      func(i int) string { return fmt.Sprintf("customer.%d@example.com", i) },
		"long numbered email": func(i int) string { return fmt.Sprintf("integration.test.customer.%d@example.com", i) },
		"order key":           func(i int) string { return fmt.Sprintf("order-%d-0", i) },
		"short key":           func(i int) string { return fmt.Sprintf("c%d", i) },
		"handle key":          func(i int) string { return fmt.Sprintf("annalee%d", i) },
		"path-like key":       func(i int) string { return fmt.Sprintf("x@example.com/%d-0", i) },
	}
	for name, key := range shapes {
		var counts [nShards]int
		for i := range n {
			counts[shardOf(key(i))]++
		}
		most := 0
		for _, c := range counts {
			most = max(most, c)
		}
		if limit := n / nShards * 5 / 4; most > limit {
			t.Errorf("%s keys (%q, ...): a shard holds %d of %d, more than %d", name, key(0), most, n, limit)
		}
	}
}

// TestShardsFollowEveryByte changes one byte of a key through its 256
// values, at every position of keys of 1 to 40 bytes: the shard must follow
// it as a random draw would (256 draws reach 62 or 63 of 64 shards on
// average; fewer than 52 would mean that byte barely reaches the shard).
func TestShardsFollowEveryByte(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 40; n++ {
		for pos := range n {
			for range 4 {
				b := make([]byte, n)
				for i := range b {
					b[i] = byte('a' + r.IntN(26))
				}
				var seen [nShards]bool
				reached := 0
				for v := range 256 {
					b[pos] = byte(v)
					if s := shardOf(string(b)); !seen[s] {
						seen[s] = true
						reached++
					}
				}
				if reached < 52 {
					t.Fatalf("a key of %d bytes (%q): its byte %d reaches %d of %d shards", n, b, pos, reached, nShards)
				}
			}
		}
	}
}
