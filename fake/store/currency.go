package store

import "strings"

// iso4217 lists the active ISO 4217 currency codes.
const iso4217 = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD " +
	"CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD " +
	"HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD " +
	"MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG " +
	"QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD " +
	"TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"

// normalizeUnits returns the canonical form of amount_units: an upper-case
// ISO 4217 code for money (Partnero accepts "usd" and answers "USD"), or the
// trimmed label of a non-currency unit (points). ok is false for an unknown
// currency code or an empty label. A currency code is returned as a piece
// of iso4217: every record in that currency shares its bytes.
func normalizeUnits(units string, isCurrency bool) (string, bool) {
	units = strings.TrimSpace(units)
	if !isCurrency {
		return units, units != "" && len(units) <= 32
	}
	for i := 0; i < len(units); i++ {
		if units[i] >= 0x80 { // Unicode case mapping may change the length
			units = strings.ToUpper(units)
			break
		}
	}
	if len(units) != 3 {
		return "", false
	}
	var code [3]byte
	for i := range code {
		c := units[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		code[i] = c
	}
	// iso4217 is sorted, four bytes an entry: search it.
	lo, hi := 0, (len(iso4217)+1)/4
	for lo < hi {
		mid := (lo + hi) / 2
		switch e := iso4217[4*mid : 4*mid+3]; {
		case e == string(code[:]):
			return e, true
		case e < string(code[:]):
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return "", false
}
