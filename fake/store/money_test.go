package store

import "testing"

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		ok   bool
	}{
		{"10", 10 * MoneyScale, true},
		{"0.1", 100_000, true},
		{"99.990", 99_990_000, true},
		{"-0.5", -500_000, true},
		{"0.000001", 1, true},
		{"0.0000001", 0, false},
		{"1e3", 1000 * MoneyScale, true},
		{"1e400", 0, false},
		{"Infinity", 0, false},
		{"NaN", 0, false},
		{"", 0, false},
		{"1/2", 0, false},
		{"abc", 0, false},
		{"999999999.999999", MaxMoney, true},
		{"1000000000", 0, false},
	}
	for _, tc := range tests {
		got, err := ParseMoney(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestMoneyExactSum(t *testing.T) {
	tenth, _ := ParseMoney("0.1")
	var sum Money
	for range 10_000 {
		sum += tenth
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
	if got := Money(-1_500_000).String(); got != "-1.5" {
		t.Errorf("String = %s", got)
	}
}
