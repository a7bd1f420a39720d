package store

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		ok   bool
	}{
		{"10", MoneyOf(10), true},
		{"0.1", MicroMoney(100_000), true},
		{"99.990", MicroMoney(99_990_000), true},
		{"-0.5", MicroMoney(-500_000), true},
		{"0.000001", MicroMoney(1), true},
		{"0.0000001", MicroMoney(0), false},
		{"1e3", MoneyOf(1000), true},
		{"1e400", MicroMoney(0), false},
		{"Infinity", MicroMoney(0), false},
		{"NaN", MicroMoney(0), false},
		{"", MicroMoney(0), false},
		{"1/2", MicroMoney(0), false},
		{"abc", MicroMoney(0), false},
		{"999999999.999999", MaxMoney(), true},
		{"1000000000", MicroMoney(0), false},
	}
	for _, tc := range tests {
		got, err := ParseMoney(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseMoney(%q) = %s, %v; want %s ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestMoneyExactSum(t *testing.T) {
	tenth, _ := ParseMoney("0.1")
	var sum Money
	for range 10_000 {
		sum = sum.Add(tenth)
	}
	if sum.String() != "1000" {
		t.Errorf("10,000 x 0.1 = %s, want 1000", sum)
	}
}

func TestMoneyStringAndPercent(t *testing.T) {
	m, _ := ParseMoney("99.99")
	pct, _ := ParseMoney("30")
	if got := m.Percent(pct).String(); got != "29.997" {
		t.Errorf("30%% of 99.99 = %s, want 29.997", got)
	}
	third, _ := ParseMoney("33.333333")
	one, _ := ParseMoney("0.01")
	if got := one.Percent(third).String(); got != "0.003333" {
		t.Errorf("33.333333%% of 0.01 = %s", got)
	}
	if got := MicroMoney(-1_500_000).String(); got != "-1.5" {
		t.Errorf("String = %s", got)
	}
}

// TestMoneyCannotBeMisread: amounts in code come from whole units, decimal
// strings or explicit millionths; a bare number does not compile (the trap
// was RewardRule{Amount: 5} meaning 0.000005).
func TestMoneyConstructors(t *testing.T) {
	for _, tc := range []struct {
		got  Money
		want string
	}{
		{MoneyOf(5), "5"},
		{MustMoney("2.5"), "2.5"},
		{MustMoney("0.10"), "0.1"},
		{MicroMoney(5), "0.000005"},
		{MoneyOf(10).Add(MustMoney("0.5")).Sub(MoneyOf(1)), "9.5"},
		{MoneyOf(3).Neg(), "-3"},
		{MustMoney("1.25").Mul(4), "5"},
	} {
		if tc.got.String() != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
	if MoneyOf(2).Cmp(MustMoney("2.000001")) != -1 || MoneyOf(2).Sign() != 1 || !(Money{}).IsZero() || MustMoney("1.5").Float64() != 1.5 {
		t.Error("comparisons")
	}
	defer func() {
		if recover() == nil {
			t.Error("MustMoney accepted a non-number")
		}
	}()
	MustMoney("five")
}

// TestMoneyAppend holds Append (and String, built on it) to the
// formatting it replaced, over edge and random amounts.
func TestMoneyAppend(t *testing.T) {
	old := func(m Money) string {
		v := m.micros
		neg := v < 0
		if neg {
			v = -v
		}
		s := strconv.FormatInt(v/MoneyScale, 10)
		if f := v % MoneyScale; f != 0 {
			s += "." + strings.TrimRight(strconv.FormatInt(f+MoneyScale, 10)[1:], "0")
		}
		if neg {
			s = "-" + s
		}
		return s
	}
	vals := []int64{0, 1, -1, 10, 999_999, 1_000_000, -1_000_000, 1_000_001, 19_990_000, 29_997_000, 100_000, -1_500_000, 1 << 62, -(1 << 62)}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		vals = append(vals, r.Int64N(1<<50)-1<<49)
	}
	for _, v := range vals {
		m := MicroMoney(v)
		if got, want := string(m.Append([]byte("x"))), "x"+old(m); got != want {
			t.Fatalf("%d: Append %q, want %q", v, got, want)
		}
		if m.String() != old(m) {
			t.Fatalf("%d: String %q, want %q", v, m.String(), old(m))
		}
	}
}
