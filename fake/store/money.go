package store

import (
	"errors"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Money is an exact decimal amount in millionths of a unit. Partnero shows
// amounts in major units with their own precision (99.99, a 30% reward of
// 29.997); six decimal places hold every such value, and integer arithmetic
// means no drift: 10,000 credits of 0.1 sum to exactly 1000.
type Money int64

// MoneyScale is the number of Money units in one major unit.
const MoneyScale = 1_000_000

// MaxMoney is the largest accepted amount: 999,999,999.999999.
const MaxMoney = Money(999_999_999_999_999)

// maxBalance is the largest balance line: sums stay exact far below the
// int64 limit.
const maxBalance = Money(1 << 62)

// Errors of ParseMoney.
var (
	errNotNumeric = errors.New("not a number")
	errPrecision  = errors.New("more than 6 decimal places")
	errTooLarge   = errors.New("too large")
)

// ParseMoney parses a decimal number exactly: "10", "-0.5", "99.990",
// "1e3". NaN, infinities and more than six decimal places are errors, and
// so is anything beyond MaxMoney.
func ParseMoney(s string) (Money, error) {
	if m, ok := parsePlain(s); ok {
		return m, nil
	}
	if s == "" || strings.ContainsAny(s, "/_ ") {
		return 0, errNotNumeric
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, errNotNumeric
	}
	r.Mul(r, big.NewRat(MoneyScale, 1))
	if !r.IsInt() {
		return 0, errPrecision
	}
	n := r.Num()
	if n.CmpAbs(big.NewInt(int64(MaxMoney))) > 0 {
		return 0, errTooLarge
	}
	return Money(n.Int64()), nil
}

// parsePlain is ParseMoney's fast path for the common "123.45": digits, at
// most one dot, at most six decimals, no sign or exponent.
func parsePlain(s string) (Money, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || len(frac) > 6 || (dot && frac == "") {
		return 0, false // longer numbers take the exact path, which checks MaxMoney
	}
	var m int64
	for i := 0; i < len(whole); i++ {
		c := whole[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		m = m*10 + int64(c-'0')
	}
	scale := int64(MoneyScale)
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		scale /= 10
		m = m*10 + int64(c-'0')
	}
	return Money(m * scale), true
}

// String formats m with as few decimals as it needs: "1000", "29.997".
func (m Money) String() string {
	neg := m < 0
	if neg {
		m = -m
	}
	s := strconv.FormatInt(int64(m/MoneyScale), 10)
	if f := int64(m % MoneyScale); f != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(f+MoneyScale, 10)[1:], "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes m as a JSON number.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a JSON number or a numeric string.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Percent returns pct percent of m, rounded half away from zero to the
// nearest millionth. pct is itself a Money (12.5% is Money(12_500_000)).
func (m Money) Percent(pct Money) Money {
	if m >= 0 && pct >= 0 {
		// 128-bit fast path: m*pct / (100*MoneyScale), rounded half up.
		hi, lo := bits.Mul64(uint64(m), uint64(pct))
		const d = 100 * MoneyScale
		if hi < d {
			q, r := bits.Div64(hi, lo, d)
			if 2*r >= d {
				q++
			}
			return Money(q)
		}
	}
	p := new(big.Int).Mul(big.NewInt(int64(m)), big.NewInt(int64(pct)))
	d := big.NewInt(100 * MoneyScale)
	q, r := new(big.Int).QuoRem(p, d, new(big.Int))
	if r.Abs(r).Mul(r, big.NewInt(2)).Cmp(d) >= 0 {
		if p.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return Money(q.Int64())
}
