package store

import (
	"errors"
	"math/big"
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

// MaxMoney is the largest accepted amount: 999,999,999,999.999999.
const MaxMoney = Money(999_999_999_999_999_999)

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
