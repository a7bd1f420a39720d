package store

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// The tests below pin the reward engine one RewardRule field at a time: a
// program with one rule, a referrer (alice) and a referred friend (bob),
// then a few events; the rewards are compared as "recipient amount units
// type" lines, in creation order.

// sale is one purchase of bob's in a reward scenario.
type sale struct {
	amount, units, action string
}

// rewardScenario runs one program rule over bob's signup and sales and
// returns the rewards.
func rewardScenario(t *testing.T, rule RewardRule, sales []sale, before func(*Store)) []string {
	t.Helper()
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := New(Config{Seed: 7, Now: func() time.Time { return t0 }, Program: Program{Rewards: []RewardRule{rule}}})
	if err != nil {
		t.Fatalf("New with rule %+v: %v", rule, err)
	}
	mustCreate(t, s, NewCustomer{Key: "alice", Email: "alice@example.com"})
	if before != nil {
		before(s)
	}
	mustCreate(t, s, NewCustomer{Key: "bob", Email: "bob@example.com", Referrer: Ref{Key: "alice"}})
	for i, sl := range sales {
		units := sl.units
		if units == "" {
			units = "USD"
		}
		tx := NewTransaction{Key: fmt.Sprint("tx", i), Amount: sl.amount, Units: units, Action: sl.action}
		if _, err := s.CreateTransactions(TransactionBatch{Customer: Ref{Key: "bob"}, Items: []NewTransaction{tx}}); err != nil {
			t.Fatalf("sale %d: %v", i, err)
		}
	}
	snap := s.Export()
	keys := map[string]string{}
	for _, c := range snap.Customers {
		keys[c.ID] = c.Key
	}
	out := []string{}
	for _, r := range snap.Rewards {
		out = append(out, fmt.Sprintf("%s %s %s %s", keys[r.CustomerID], r.Amount, r.Units, r.Type))
	}
	return out
}

func checkRewards(t *testing.T, name string, got, want []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: rewards %q, want %q", name, got, want)
	}
}

var tenPercent = RewardRule{Trigger: TriggerEveryPurchase, Type: RewardCredit, AmountType: AmountPercent, Amount: MoneyOf(10)}

func TestRewardRuleTrigger(t *testing.T) {
	three := []sale{{amount: "100"}, {amount: "50", action: "subscription"}, {amount: "20"}}
	for _, tc := range []struct {
		trigger string
		want    []string
	}{
		{TriggerSignup, []string{"alice 5 USD credit"}},
		{TriggerPurchase, []string{"alice 5 USD credit"}},      // the first purchase only
		{TriggerFirstPurchase, []string{"alice 5 USD credit"}}, // another name of purchase
		{TriggerEveryPurchase, []string{"alice 5 USD credit", "alice 5 USD credit", "alice 5 USD credit"}},
		{TriggerSubscription, []string{"alice 5 USD credit"}}, // the subscription sale only
	} {
		rule := RewardRule{Trigger: tc.trigger, Amount: MoneyOf(5)}
		checkRewards(t, tc.trigger, rewardScenario(t, rule, three, nil), tc.want)
	}
	// Signup rewards come from the signup, not from the sales.
	checkRewards(t, "signup without sales", rewardScenario(t, RewardRule{Trigger: TriggerSignup, Amount: MoneyOf(5)}, nil, nil),
		[]string{"alice 5 USD credit"})
	checkRewards(t, "purchase without sales", rewardScenario(t, RewardRule{Trigger: TriggerPurchase, Amount: MoneyOf(5)}, nil, nil), nil)
}

func TestRewardRuleType(t *testing.T) {
	for _, tc := range []struct {
		name             string
		typ, rewardType  string
		want             []string
		wantBalanceLines int
	}{
		{"default is credit", "", "", []string{"alice 5 USD credit"}, 1},
		{"credit", RewardCredit, "", []string{"alice 5 USD credit"}, 1},
		{"discount", RewardDiscount, "", []string{"alice 5 USD discount"}, 0},
		{"cash", RewardCash, "", []string{"alice 5 USD cash"}, 0},
		{"reward_type alone", "", RewardCash, []string{"alice 5 USD cash"}, 0},
		{"reward_type agreeing", RewardDiscount, RewardDiscount, []string{"alice 5 USD discount"}, 0},
	} {
		rule := RewardRule{Trigger: TriggerPurchase, Type: tc.typ, RewardType: tc.rewardType, Amount: MoneyOf(5)}
		checkRewards(t, tc.name, rewardScenario(t, rule, []sale{{amount: "100"}}, nil), tc.want)
		// Only credit rewards accrue to the balance.
		var s *Store
		rewardScenario(t, rule, []sale{{amount: "100"}}, func(st *Store) { s = st })
		b, err := s.Balance("alice")
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Lines) != tc.wantBalanceLines {
			t.Errorf("%s: alice's balance %+v, want %d lines", tc.name, b.Lines, tc.wantBalanceLines)
		}
	}
	_, err := New(Config{Program: Program{Rewards: []RewardRule{{Type: RewardCash, RewardType: RewardCredit, Amount: MoneyOf(1)}}}})
	checkInvalid(t, err, "rewards.0.reward_type")
	_, err = New(Config{Program: Program{Rewards: []RewardRule{{Type: "gift", Amount: MoneyOf(1)}}}})
	checkInvalid(t, err, "rewards.0.type")
}

func TestRewardRuleAmountTypeAndUnit(t *testing.T) {
	for _, tc := range []struct {
		name       string
		amountType string
		unit       string
		want       []string
	}{
		{"default is fixed", "", "", []string{"alice 10 USD credit"}},
		{"fixed", AmountFixed, "", []string{"alice 10 USD credit"}},
		{"percent of the sale", AmountPercent, "", []string{"alice 25 EUR credit"}},
		{"unit percentage", "", UnitPercentage, []string{"alice 25 EUR credit"}},
		{"unit percent", "", "percent", []string{"alice 25 EUR credit"}},
		{"unit fixed", "", UnitFixed, []string{"alice 10 USD credit"}},
		{"unit is a currency", "", "gbp", []string{"alice 10 GBP credit"}},
	} {
		rule := RewardRule{Trigger: TriggerPurchase, AmountType: tc.amountType, Unit: tc.unit, Amount: MoneyOf(10)}
		checkRewards(t, tc.name, rewardScenario(t, rule, []sale{{amount: "250", units: "EUR"}}, nil), tc.want)
	}
	_, err := New(Config{Program: Program{Rewards: []RewardRule{{AmountType: AmountFixed, Unit: UnitPercentage, Amount: MoneyOf(1)}}}})
	checkInvalid(t, err, "rewards.0.unit")
	_, err = New(Config{Program: Program{Rewards: []RewardRule{{AmountType: "share", Amount: MoneyOf(1)}}}})
	checkInvalid(t, err, "rewards.0.amount_type")
	_, err = New(Config{Program: Program{Rewards: []RewardRule{{Trigger: TriggerSignup, AmountType: AmountPercent, Amount: MoneyOf(1)}}}})
	checkInvalid(t, err, "rewards.0.amount_type")
}

func TestRewardRuleAmount(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rule  RewardRule
		sales []sale
		want  []string
	}{
		{"fixed", RewardRule{Trigger: TriggerPurchase, Amount: MustMoney("2.5")}, []sale{{amount: "100"}}, []string{"alice 2.5 USD credit"}},
		{"percent", RewardRule{Trigger: TriggerPurchase, AmountType: AmountPercent, Amount: MoneyOf(15)}, []sale{{amount: "80"}}, []string{"alice 12 USD credit"}},
		{"percent of 100", RewardRule{Trigger: TriggerPurchase, AmountType: AmountPercent, Amount: MoneyOf(100)}, []sale{{amount: "80"}}, []string{"alice 80 USD credit"}},
	} {
		checkRewards(t, tc.name, rewardScenario(t, tc.rule, tc.sales, nil), tc.want)
	}
	_, err := New(Config{Program: Program{Rewards: []RewardRule{{}}}})
	checkInvalid(t, err, "rewards.0.amount")
	_, err = New(Config{Program: Program{Rewards: []RewardRule{{AmountType: AmountPercent, Amount: MoneyOf(101)}}}})
	checkInvalid(t, err, "rewards.0.amount")
}

func TestRewardRuleCurrency(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule RewardRule
		want []string
	}{
		{"default is the program's", RewardRule{Trigger: TriggerPurchase, Amount: MoneyOf(3)}, []string{"alice 3 USD credit"}},
		{"fixed in the rule's currency", RewardRule{Trigger: TriggerPurchase, Amount: MoneyOf(3), Currency: "EUR"}, []string{"alice 3 EUR credit"}},
		{"percent ignores it: the sale's", RewardRule{Trigger: TriggerPurchase, AmountType: AmountPercent, Amount: MoneyOf(10), Currency: "EUR"}, []string{"alice 4 GBP credit"}},
	} {
		checkRewards(t, tc.name, rewardScenario(t, tc.rule, []sale{{amount: "40", units: "GBP"}}, nil), tc.want)
	}
	_, err := New(Config{Program: Program{Rewards: []RewardRule{{Amount: MoneyOf(1), Currency: "eur"}}}})
	checkInvalid(t, err, "rewards.0.currency")
}

func TestRewardRuleRecipients(t *testing.T) {
	for _, tc := range []struct {
		recipients string
		want       []string
	}{
		{"", []string{"alice 10 USD credit"}},
		{RecipientReferrer, []string{"alice 10 USD credit"}},
		{RecipientReferred, []string{"bob 10 USD credit"}},
		{RecipientBoth, []string{"alice 10 USD credit", "bob 10 USD credit"}},
	} {
		rule := tenPercent
		rule.Recipients = tc.recipients
		checkRewards(t, "recipients "+tc.recipients, rewardScenario(t, rule, []sale{{amount: "100"}}, nil), tc.want)
	}
	_, err := New(Config{Program: Program{Rewards: []RewardRule{{Amount: MoneyOf(1), Recipients: "everyone"}}}})
	checkInvalid(t, err, "rewards.0.recipients")
}

func TestRewardRuleMaxPerReferrer(t *testing.T) {
	four := []sale{{amount: "10"}, {amount: "10"}, {amount: "10"}, {amount: "10"}}
	for _, tc := range []struct {
		max  int
		want int
	}{{0, 4}, {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 4}} {
		rule := tenPercent
		rule.MaxPerReferrer = tc.max
		if got := rewardScenario(t, rule, four, nil); len(got) != tc.want {
			t.Errorf("max_rewards_per_referrer %d: %d rewards %q, want %d", tc.max, len(got), got, tc.want)
		}
	}
	// Signup rewards count too: one friend's signup uses the only one.
	rule := RewardRule{Trigger: TriggerSignup, Amount: MoneyOf(5), MaxPerReferrer: 1}
	s := newTestStore()
	if _, err := s.UpdateProgram(ProgramUpdate{Rewards: &[]RewardRule{rule}}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, NewCustomer{Key: "alice", Email: "alice@example.com"})
	mustCreate(t, s, NewCustomer{Key: "bob", Email: "bob@example.com", Referrer: Ref{Key: "alice"}})
	mustCreate(t, s, NewCustomer{Key: "carol", Email: "carol@example.com", Referrer: Ref{Key: "alice"}})
	if n := len(s.Export().Rewards); n != 1 {
		t.Errorf("two signups under max 1: %d rewards, want 1", n)
	}
	_, err := New(Config{Program: Program{Rewards: []RewardRule{{Amount: MoneyOf(1), MaxPerReferrer: -1}}}})
	checkInvalid(t, err, "rewards.0.max_rewards_per_referrer")
}

func TestRewardRuleMinSaleAmount(t *testing.T) {
	sales := []sale{{amount: "49.99"}, {amount: "50"}, {amount: "50.01"}, {amount: "10"}}
	for _, tc := range []struct {
		min  Money
		want []string
	}{
		{Money{}, []string{"alice 4.999 USD credit", "alice 5 USD credit", "alice 5.001 USD credit", "alice 1 USD credit"}},
		{MoneyOf(50), []string{"alice 5 USD credit", "alice 5.001 USD credit"}}, // the minimum itself is rewarded
		{MoneyOf(51), nil},
	} {
		rule := tenPercent
		rule.MinSaleAmount = tc.min
		checkRewards(t, "min_sale_amount "+tc.min.String(), rewardScenario(t, rule, sales, nil), tc.want)
	}
	_, err := New(Config{Program: Program{Rewards: []RewardRule{{Amount: MoneyOf(1), MinSaleAmount: MoneyOf(-1)}}}})
	checkInvalid(t, err, "rewards.0.min_sale_amount")
}

func TestArchivedCustomersEarnNothing(t *testing.T) {
	rule := tenPercent
	rule.Recipients = RecipientBoth
	got := rewardScenario(t, rule, []sale{{amount: "100"}}, func(s *Store) {
		if _, err := s.ArchiveCustomer("alice"); err != nil {
			t.Fatal(err)
		}
	})
	checkRewards(t, "archived referrer", got, []string{"bob 10 USD credit"})
}

func TestRewardRuleTriggerInvalid(t *testing.T) {
	_, err := New(Config{Program: Program{Rewards: []RewardRule{{Trigger: "birthday", Amount: MoneyOf(1)}}}})
	checkInvalid(t, err, "rewards.0.trigger")
	_, err = New(Config{Program: Program{Rewards: []RewardRule{{ID: "a", Amount: MoneyOf(1)}, {ID: "a", Amount: MoneyOf(1)}}}})
	checkInvalid(t, err, "rewards.1.id")
}

// checkInvalid checks that err is an ErrInvalid about field.
func checkInvalid(t *testing.T, err error, field string) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok || e.Kind != ErrInvalid || e.Field != field {
		t.Errorf("error %v, want ErrInvalid about %s", err, field)
	}
}

func TestProgramWebsiteScheme(t *testing.T) {
	for _, tc := range []struct {
		website string
		ok      bool
	}{
		{"https://example.com", true},
		{"http://example.com/shop", true},
		{"ftp://example.com", false},
		{"javascript://example.com", false},
		{"example.com", false},
		{"https://", false},
	} {
		_, err := New(Config{Program: Program{Website: tc.website}})
		if tc.ok && err != nil {
			t.Errorf("website %q: %v", tc.website, err)
		}
		if !tc.ok {
			checkInvalid(t, err, "website")
		}
		s := newTestStore()
		_, err = s.UpdateProgram(ProgramUpdate{Website: &tc.website})
		if tc.ok != (err == nil) {
			t.Errorf("UpdateProgram website %q: %v", tc.website, err)
		}
	}
}
