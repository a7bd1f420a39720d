package store

import (
	"encoding/json"
	"hash/fnv"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestFNV64aIsHashFNV(t *testing.T) {
	for _, s := range []string{"", "customer.id", "reward.key", "transaction.id", "webhook.signature", "é\x00x"} {
		h := fnv.New64a()
		h.Write([]byte(s))
		if got, want := fnv64a(s), h.Sum64(); got != want {
			t.Errorf("fnv64a(%q) = %x, hash/fnv %x", s, got, want)
		}
	}
}

// TestCreatedViewIsTheStoredOne checks that CreateCustomer, which returns
// a copy of the view its customer.created event carries, returns what
// Customer reads back, and that the two share no memory.
func TestCreatedViewIsTheStoredOne(t *testing.T) {
	var events []Event
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	s, err := New(Config{Seed: 3, Now: func() time.Time { return now }, Publish: func(es []Event) { events = append(events, es...) }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCustomer(NewCustomer{ID: "ref", Key: "refkey"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLink(NewLink{Customer: Ref{ID: "ref"}, Key: "extra"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.CreateCustomer(NewCustomer{ID: "f", Email: "F@x.test", Metadata: Metadata{"plan": json.RawMessage(`"pro"`)}, Referrer: Ref{Key: "extra"}})
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.Customer("f")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("created\n%+v\nread back\n%+v", got, want)
	}
	ev := events[len(events)-1]
	if ev.Type != EventCustomerCreated || !reflect.DeepEqual(*ev.Customer, got) {
		t.Fatalf("event %s carries\n%+v\nwant\n%+v", ev.Type, ev.Customer, got)
	}
	got.Metadata["plan"] = json.RawMessage(`"free"`)
	got.Links[0].Key = "changed"
	got.Referrer.Name = "changed"
	if !reflect.DeepEqual(*ev.Customer, want) {
		t.Fatal("changing the returned view changed the event's")
	}

	// A customer created again under a deleted one's id and key (its link
	// gone with it), with or without events published, reads back as
	// created.
	quiet, err := New(Config{Seed: 3, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := quiet.CreateCustomer(NewCustomer{ID: "f"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteCustomer("ref", Ref{}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*Store{s, quiet} {
		again, err := st.CreateCustomer(NewCustomer{ID: "ref", Key: "refkey", Referrer: Ref{ID: "f"}})
		if err != nil {
			t.Fatal(err)
		}
		if back, _ := st.Customer("ref"); !reflect.DeepEqual(again, back) {
			t.Fatalf("created again\n%+v\nread back\n%+v", again, back)
		}
	}
}

// normalizeUnitsByScan is normalizeUnits as it was first written: the
// reference the binary search must agree with.
func normalizeUnitsByScan(units string, isCurrency bool) (string, bool) {
	units = strings.TrimSpace(units)
	if !isCurrency {
		return units, units != "" && len(units) <= 32
	}
	u := strings.ToUpper(units)
	if len(u) != 3 || !strings.Contains(" "+iso4217+" ", " "+u+" ") {
		return "", false
	}
	return u, true
}

func TestNormalizeUnitsAgreesWithScan(t *testing.T) {
	check := func(s string) {
		for _, cur := range []bool{true, false} {
			gu, gok := normalizeUnits(s, cur)
			wu, wok := normalizeUnitsByScan(s, cur)
			if gu != wu || gok != wok {
				t.Fatalf("normalizeUnits(%q, %v) = %q, %v; want %q, %v", s, cur, gu, gok, wu, wok)
			}
		}
	}
	letters := "aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ @[`{0"
	for _, a := range letters {
		for _, b := range letters {
			for _, c := range letters {
				check(string([]rune{a, b, c}))
			}
		}
	}
	for _, s := range []string{"", " usd ", "US", "USDD", "ıNR", "uſd", "ＵＳＤ", "eur\t", "AED", "ZWG", "ZWH", "AEC", " "} {
		check(s)
	}
	if u, _ := normalizeUnits("usd", true); unsafe.StringData(u) != unsafe.StringData(iso4217[strings.Index(iso4217, "USD"):]) {
		t.Error("a currency code is not a piece of iso4217")
	}
}

// TestSignupRewardsApartFromSales checks that a transaction whose id looks
// like the key signup rewards were once indexed under ("signup:" and a
// friend's id) shows its own rewards only.
func TestSignupRewardsApartFromSales(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	snap := Snapshot{
		Version: SnapshotVersion, Program: Program{ID: "PROGRAMX"},
		Customers: []Customer{{ID: "r", Key: "rk"}, {ID: "f", Key: "fk", ReferrerID: "r"}, {ID: "g", Key: "gk", ReferrerID: "r"}},
		Transactions: []Transaction{{ID: "signup:f", Key: "k1", CustomerID: "g", ReferrerID: "r", Action: "sale",
			Amount: MoneyOf(10), Units: "USD", IsCurrency: true, Rewardable: true, CreatedAt: at}},
		Rewards: []Reward{
			{Key: "sale", TransactionID: "signup:f", CustomerID: "r", ReferrerID: "r", ReferredID: "g", Rule: "rule_1",
				Action: "sale", Type: RewardCredit, Amount: MoneyOf(1), Units: "USD", IsCurrency: true, CreatedAt: at},
			{Key: "signup", CustomerID: "r", ReferrerID: "r", ReferredID: "f", Rule: "rule_2",
				Action: "signup", Type: RewardCredit, Amount: MoneyOf(2), Units: "USD", IsCurrency: true, CreatedAt: at},
		},
	}
	s, err := New(Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Load(snap, false); err != nil {
		t.Fatal(err)
	}
	tx, err := s.Transaction("k1")
	if err != nil {
		t.Fatal(err)
	}
	if len(tx.Rewards) != 1 || tx.Rewards[0].Key != "sale" {
		t.Fatalf("transaction signup:f shows rewards %+v, want its sale's only", tx.Rewards)
	}
	if _, err := s.DeleteCustomer("f", Ref{}); err != nil {
		t.Fatal(err)
	}
	if tx, _ := s.Transaction("k1"); len(tx.Rewards) != 1 {
		t.Fatalf("deleting f took the sale's reward: %+v", tx.Rewards)
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// TestDeleteCustomerRewritesEachListOnce deletes a customer who referred
// 2,000 of 20,000 customers, made 2,000 purchases and received a reward for
// each of its friends' 2,000: every index list the deletion changes is
// rewritten once, so it allocates a few MB, where removing the records one
// at a time copied the lists by creation once for each (over 600 MB).
func TestDeleteCustomerRewritesEachListOnce(t *testing.T) {
	const n, k = 20_000, 2_000
	s, err := New(Config{Seed: 1, Publish: func([]Event) {}})
	if err != nil {
		t.Fatal(err)
	}
	sale := func(buyer, key string) {
		t.Helper()
		if _, err := s.CreateTransactions(TransactionBatch{Customer: Ref{ID: buyer}, Items: []NewTransaction{{Key: key, Amount: "10", Action: "sale"}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateCustomer(NewCustomer{ID: "big"}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		id := "c" + strconv.Itoa(i)
		in := NewCustomer{ID: id}
		if i%(n/k) == 0 {
			in.Referrer = Ref{ID: "big"}
		}
		if _, err := s.CreateCustomer(in); err != nil {
			t.Fatal(err)
		}
		sale(id, "t"+id)
		if i%(n/k) == 0 {
			sale("big", "b"+id)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := s.DeleteCustomer("big", Ref{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Errorf("deleting the customer allocated %d MB, want at most 32 MB", grew>>20)
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if p := s.ListCustomers(NonReferredCustomers, Paging{Limit: 1}); p.Items[0].ID != "c0" {
		t.Errorf("the first non-referred customer is %s, want c0, which big referred", p.Items[0].ID)
	}
}

// TestRefundRewritesEachListOnce refunds a key that 2,000 sales of 20,000
// share: the refund removes them and their rewards with one rewrite of
// each list, a few MB, where one at a time it allocated about 800 MB.
func TestRefundRewritesEachListOnce(t *testing.T) {
	const n, k = 20_000, 2_000
	s, err := New(Config{Seed: 1, Publish: func([]Event) {}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCustomer(NewCustomer{ID: "top"}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		id := "c" + strconv.Itoa(i)
		if _, err := s.CreateCustomer(NewCustomer{ID: id, Referrer: Ref{ID: "top"}}); err != nil {
			t.Fatal(err)
		}
		key := "t" + id
		if i%(n/k) == 0 {
			key = "shared"
		}
		if _, err := s.CreateTransactions(TransactionBatch{Customer: Ref{ID: id}, Items: []NewTransaction{{Key: key, Amount: "10"}}}); err != nil {
			t.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	vs, err := s.DeleteTransactions("shared")
	runtime.ReadMemStats(&after)
	if err != nil || len(vs) != k {
		t.Fatalf("refund: %d transactions, %v; want %d", len(vs), err, k)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Errorf("the refund allocated %d MB, want at most 32 MB", grew>>20)
	}
	if err := s.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
