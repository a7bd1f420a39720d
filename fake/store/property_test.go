package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// ruleSets are the reward configurations the property test switches
// between.
var ruleSets = [][]RewardRule{
	nil, // the default: 10% credit on every purchase
	{{Trigger: TriggerFirstPurchase, Type: RewardCredit, Amount: MoneyOf(10), MaxPerReferrer: 3}},
	{{Trigger: TriggerSignup, Type: RewardCredit, Amount: MoneyOf(5), Recipients: RecipientBoth},
		{Trigger: TriggerEveryPurchase, Type: RewardCash, AmountType: AmountPercent, Amount: MustMoney("12.5"), MinSaleAmount: MoneyOf(20)}},
	{},
}

// runOps applies a random sequence of operations driven by next and checks
// the store's invariants after every one.
func runOps(t *testing.T, next func(n int) int, steps int, counts map[string]int) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := New(Config{Seed: 3, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	var customers, keys []string
	pick := func(xs []string) string {
		if len(xs) == 0 {
			return "none"
		}
		return xs[next(len(xs))]
	}
	// Mostly valid amounts, and now and then a bad one.
	amounts := []string{"0.1", "19.99", "100", "0.01", "250.5", "42", "7.5", "30", "-3", "0", "abc", "1e13"}
	amount := func() string {
		if next(10) == 0 {
			return amounts[8+next(4)]
		}
		return amounts[next(8)]
	}
	// Operations by weight: sales and signups dominate, as in a real program.
	weights := []int{25, 35, 8, 8, 8, 6, 3, 4, 3}
	for step := range steps {
		now = now.Add(time.Minute)
		before := s.Export()
		op, roll := 0, next(100)
		for roll >= weights[op] {
			roll -= weights[op]
			op++
		}
		var err error
		var desc string
		switch op {
		case 0:
			in := NewCustomer{}
			if next(4) > 0 && len(customers) > 0 {
				in.Referrer = Ref{ID: pick(customers)}
			}
			var v CustomerView
			v, err = s.CreateCustomer(in)
			desc = fmt.Sprintf("create customer referred by %q", in.Referrer.ID)
			if err == nil {
				customers = append(customers, v.ID)
			}
		case 1:
			b := TransactionBatch{Customer: Ref{ID: pick(customers)}}
			_ = next(2) // keeps the random sequence of the earlier runs
			for range 1 + next(3) {
				k := fmt.Sprintf("k%d", next(12))
				b.Items = append(b.Items, NewTransaction{Key: k, Amount: amount(), Units: []string{"", "EUR", "usd"}[next(3)]})
			}
			var vs []TransactionView
			vs, err = s.CreateTransactions(b)
			desc = fmt.Sprintf("sales %+v", b)
			for _, v := range vs {
				keys = append(keys, v.Key)
			}
		case 2:
			k := pick(keys)
			desc = "refund " + k
			rewardsOf := txRewards(before, k)
			_, err = s.DeleteTransactions(k)
			if err == nil {
				after := s.Export()
				for _, r := range after.Rewards {
					if rewardsOf[r.Key] {
						t.Fatalf("step %d: %s left its reward %s", step, desc, r.Key)
					}
				}
				if len(before.Rewards)-len(after.Rewards) != len(rewardsOf) {
					t.Fatalf("step %d: %s removed %d rewards, it had %d", step, desc, len(before.Rewards)-len(after.Rewards), len(rewardsOf))
				}
				again := s.Export()
				if _, err := s.DeleteTransactions(k); !errors.Is(err, ErrNotFound) {
					t.Fatalf("step %d: second refund of %s = %v", step, k, err)
				}
				if !reflect.DeepEqual(again, s.Export()) {
					t.Fatalf("step %d: second refund changed the state", step)
				}
			}
		case 3:
			k := pick(keys)
			desc = "archive " + k
			err = s.ArchiveTransactions(k)
		case 4:
			k := pick(keys)
			desc = "restore " + k
			err = s.RestoreTransactions(k)
			if err == nil {
				// Restoring brings back exactly the archived rewards.
				after := txRewards(s.Export(), k)
				if !reflect.DeepEqual(after, txRewards(before, k)) {
					t.Fatalf("step %d: restore changed the reward set of %s", step, k)
				}
			}
		case 5:
			c := pick(customers)
			desc = "credit " + c
			_, err = s.CreditBalance(c, NewCredit{Amount: amount(), Units: "USD"})
		case 6:
			c := pick(customers)
			desc = "delete customer " + c
			_, err = s.DeleteCustomer(c, Ref{})
		case 7:
			rules := ruleSets[next(len(ruleSets))]
			desc = fmt.Sprintf("rules %v", rules)
			_, err = s.UpdateProgram(ProgramUpdate{Rewards: &rules})
		case 8:
			desc = "export and load"
			b, _ := json.Marshal(s.Export())
			var snap Snapshot
			if err := json.Unmarshal(b, &snap); err != nil {
				t.Fatal(err)
			}
			if err := s.Load(snap, false); err != nil {
				t.Fatalf("step %d: reloading an export: %v", step, err)
			}
			if c, _ := json.Marshal(s.Export()); string(c) != string(b) {
				t.Fatalf("step %d: export/load/export differs", step)
			}
		}
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrActionFailed) {
				t.Fatalf("step %d: %s: unexpected error %v", step, desc, err)
			}
			if !reflect.DeepEqual(before, s.Export()) {
				t.Fatalf("step %d: failed %s changed the state: %v", step, desc, err)
			}
		}
		if counts != nil {
			counts[fmt.Sprint(op, err == nil)]++
		}
		if err := s.CheckInvariants(); err != nil {
			t.Fatalf("step %d: after %s: %v", step, desc, err)
		}
		checkStatsMatchLists(t, s, pick(customers))
	}
}

// txRewards returns the keys of the rewards of the transactions with key k.
func txRewards(snap Snapshot, k string) map[string]bool {
	ids := map[string]bool{}
	for _, t := range snap.Transactions {
		if t.Key == k {
			ids[t.ID] = true
		}
	}
	out := map[string]bool{}
	for _, r := range snap.Rewards {
		if ids[r.TransactionID] {
			out[r.Key] = true
		}
	}
	return out
}

// checkStatsMatchLists: the counts in stats equal what listing returns.
func checkStatsMatchLists(t *testing.T, s *Store, ref string) {
	t.Helper()
	st, _, err := s.Stats(ref)
	if err != nil {
		return
	}
	refs, _ := s.Referrals(ref, Paging{Limit: 250})
	if st.Referrals != len(refs.Items) {
		t.Fatalf("stats referrals %d, listed %d", st.Referrals, len(refs.Items))
	}
	txs, _ := s.CustomerTransactions(ref, Paging{Limit: 250})
	live, buyers := 0, map[string]bool{}
	for _, tx := range txs.Items {
		if tx.ArchivedAt == nil {
			live++
			buyers[tx.CustomerID] = true
		}
	}
	if st.SalesCount != live || st.Successful != len(buyers) || st.Pending != st.Referrals-len(buyers) {
		t.Fatalf("stats %+v disagree with %d listed live sales by %d buyers", st, live, len(buyers))
	}
}

func TestRandomOperations(t *testing.T) {
	// counts proves the sequences exercise every operation, successfully and not.
	counts := map[string]int{}
	defer func() {
		t.Logf("operations (op, succeeded): %v", counts)
		for op := range 9 {
			if counts[fmt.Sprint(op, true)] == 0 {
				t.Errorf("operation %d never succeeded: %v", op, counts)
			}
		}
		for _, op := range []int{0, 1, 2, 3, 4, 5} {
			if counts[fmt.Sprint(op, false)] == 0 {
				t.Errorf("operation %d never failed: %v", op, counts)
			}
		}
	}()
	for seed := range uint64(25) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 99))
			runOps(t, r.IntN, 120, counts)
		})
	}
}

// FuzzOperations lets `go test -fuzz FuzzOperations ./fake/store` search for
// operation sequences that break an invariant; plain `go test` runs the
// seed corpus.
func FuzzOperations(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 1, 1, 1, 2, 0, 3, 1, 4, 1, 5, 0, 6, 1, 7, 2, 8})
	f.Add([]byte("a referral program with refunds and archives and credits"))
	f.Fuzz(func(t *testing.T, data []byte) {
		i := 0
		next := func(n int) int {
			if i >= len(data) {
				return 0
			}
			i++
			return int(data[i-1]) % n
		}
		runOps(t, next, len(data)/2, nil)
	})
}

func TestTenThousandTenths(t *testing.T) {
	s := newTestStore()
	mustCreate(t, s, NewCustomer{ID: "a"})
	for range 10_000 {
		if _, err := s.CreditBalance("a", NewCredit{Amount: "0.1", Units: "USD"}); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := s.Balance("a")
	if len(b.Lines) != 1 || b.Lines[0].Amount.String() != "1000" {
		t.Errorf("balance = %+v, want exactly 1000", b.Lines)
	}
}
