package store

// Limits bounds the records of one store (one tenant). Zero fields take
// DefaultLimits' values. Loading a state (fixtures, imports) is not
// limited: its size is bounded by what is loaded.
type Limits struct {
	Customers    int // customers
	Transactions int // transactions
	Links        int // additional referral links (a default link costs none)
	Webhooks     int // registered webhooks
	Invitations  int // recorded invitations
}

// DefaultLimits returns the limits of a store nobody configured: a million
// customers, two million transactions, a million links, 100 webhooks,
// 100,000 invitations. Beyond them a create is refused (ErrInvalid with
// RuleRecordLimit) and changes nothing.
func DefaultLimits() Limits {
	return Limits{Customers: 1_000_000, Transactions: 2_000_000, Links: 1_000_000, Webhooks: 100, Invitations: 100_000}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	for _, f := range []struct{ v, def *int }{
		{&l.Customers, &d.Customers}, {&l.Transactions, &d.Transactions}, {&l.Links, &d.Links},
		{&l.Webhooks, &d.Webhooks}, {&l.Invitations, &d.Invitations},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return l
}

// room returns nil when have+add records of a kind stay within max, and
// else an ErrInvalid naming field.
func room(field string, have, add, max int) error {
	if have+add <= max {
		return nil
	}
	return invalid(field, RuleRecordLimit, "max", max)
}
