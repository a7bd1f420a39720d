package store

import (
	"bytes"
	"errors"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// Money is an exact decimal amount, kept in millionths of a unit. Partnero
// shows amounts in major units with their own precision (99.99, a 30%
// reward of 29.997); six decimal places hold every such value, and integer
// arithmetic means no drift: 10,000 credits of 0.1 sum to exactly 1000.
//
// Its zero value is 0. Make one from whole units (MoneyOf(10)), from a
// decimal string (MustMoney("2.5"), ParseMoney), or from millionths
// (MicroMoney); a bare number does not compile, so 5 can never be misread
// as 0.000005.
type Money struct{ micros int64 }

// MoneyScale is the number of millionths in one major unit.
const MoneyScale = 1_000_000

// maxMicros is the largest accepted amount, 999,999,999.999999, in
// millionths.
const maxMicros = 999_999_999_999_999

// maxBalanceMicros is the largest balance line: sums stay exact far below
// the int64 limit.
const maxBalanceMicros = 1 << 62

// MaxMoney returns the largest accepted amount: 999,999,999.999999.
func MaxMoney() Money { return Money{maxMicros} }

// MoneyOf returns a whole number of units: MoneyOf(10) is 10.00.
func MoneyOf(units int64) Money { return Money{units * MoneyScale} }

// MicroMoney returns an amount given in millionths of a unit.
func MicroMoney(micros int64) Money { return Money{micros} }

// MustMoney parses a decimal amount ("2.5", "0.10") like ParseMoney and
// panics on an error: for amounts written in code.
func MustMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic("store.MustMoney(" + strconv.Quote(s) + "): " + err.Error())
	}
	return m
}

// Micros returns m in millionths of a unit.
func (m Money) Micros() int64 { return m.micros }

// Float64 returns m in units, for display (it may round).
func (m Money) Float64() float64 { return float64(m.micros) / MoneyScale }

// Add returns m + o.
func (m Money) Add(o Money) Money { return Money{m.micros + o.micros} }

// Sub returns m - o.
func (m Money) Sub(o Money) Money { return Money{m.micros - o.micros} }

// Neg returns -m.
func (m Money) Neg() Money { return Money{-m.micros} }

// Mul returns m times n.
func (m Money) Mul(n int64) Money { return Money{m.micros * n} }

// Cmp compares m and o: -1, 0 or +1.
func (m Money) Cmp(o Money) int {
	switch {
	case m.micros < o.micros:
		return -1
	case m.micros > o.micros:
		return 1
	}
	return 0
}

// Sign returns -1, 0 or +1.
func (m Money) Sign() int { return m.Cmp(Money{}) }

// IsZero reports whether m is 0.
func (m Money) IsZero() bool { return m.micros == 0 }

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
		return Money{}, errNotNumeric
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return Money{}, errNotNumeric
	}
	r.Mul(r, big.NewRat(MoneyScale, 1))
	if !r.IsInt() {
		return Money{}, errPrecision
	}
	n := r.Num()
	if n.CmpAbs(big.NewInt(maxMicros)) > 0 {
		return Money{}, errTooLarge
	}
	return Money{n.Int64()}, nil
}

// parsePlain is ParseMoney's fast path for the common "123.45": digits, at
// most one dot, at most six decimals, no sign or exponent.
func parsePlain(s string) (Money, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || len(frac) > 6 || (dot && frac == "") {
		return Money{}, false // longer numbers take the exact path, which checks MaxMoney
	}
	var m int64
	for i := 0; i < len(whole); i++ {
		c := whole[i]
		if c < '0' || c > '9' {
			return Money{}, false
		}
		m = m*10 + int64(c-'0')
	}
	scale := int64(MoneyScale)
	for i := 0; i < len(frac); i++ {
		c := frac[i]
		if c < '0' || c > '9' {
			return Money{}, false
		}
		scale /= 10
		m = m*10 + int64(c-'0')
	}
	return Money{m * scale}, true
}

// String formats m with as few decimals as it needs: "1000", "29.997".
func (m Money) String() string { return string(m.Append(nil)) }

// Append appends m as String formats it.
func (m Money) Append(b []byte) []byte {
	v := m.micros
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/MoneyScale, 10)
	if f := v % MoneyScale; f != 0 {
		var digits [24]byte
		frac := strconv.AppendInt(digits[:0], f+MoneyScale, 10)[1:] // the leading 1 holds the zeros
		b = append(append(b, '.'), bytes.TrimRight(frac, "0")...)
	}
	return b
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
// nearest millionth. pct is itself a Money (12.5% is MustMoney("12.5")).
func (m Money) Percent(pct Money) Money {
	if m.micros >= 0 && pct.micros >= 0 {
		// 128-bit fast path: m*pct / (100*MoneyScale), rounded half up.
		hi, lo := bits.Mul64(uint64(m.micros), uint64(pct.micros))
		const d = 100 * MoneyScale
		if hi < d {
			q, r := bits.Div64(hi, lo, d)
			if 2*r >= d {
				q++
			}
			return Money{int64(q)}
		}
	}
	p := new(big.Int).Mul(big.NewInt(m.micros), big.NewInt(pct.micros))
	d := big.NewInt(100 * MoneyScale)
	q, r := new(big.Int).QuoRem(p, d, new(big.Int))
	if r.Abs(r).Mul(r, big.NewInt(2)).Cmp(d) >= 0 {
		if p.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return Money{q.Int64()}
}
