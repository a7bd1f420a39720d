package store

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func exportJSON(s *Store) string {
	b, _ := json.Marshal(s.Export())
	return string(b)
}

func TestCheckpointsSurviveEveryWrite(t *testing.T) {
	for seed := uint64(0); seed < 15; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		s, err := New(Config{Seed: 5, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		probe, _ := New(Config{Seed: 5, Now: func() time.Time { return now }})
		type saved struct {
			cp   Checkpoint
			want string
		}
		var cps []saved
		initial := exportJSON(s)
		var custs, links, txkeys, hooks []string
		pick := func(xs []string) string {
			if len(xs) == 0 || r.IntN(10) == 0 {
				return "none"
			}
			return xs[r.IntN(len(xs))]
		}
		for step := 0; step < 400; step++ {
			now = now.Add(time.Second)
			op := r.IntN(22)
			desc := fmt.Sprint("op ", op)
			switch op {
			case 0, 1, 2:
				in := NewCustomer{Email: fmt.Sprintf("c%d@x.test", r.IntN(50))}
				if len(custs) > 0 && r.IntN(3) > 0 {
					in.Referrer = Ref{ID: pick(custs)}
				}
				if v, err := s.CreateCustomer(in); err == nil {
					custs = append(custs, v.ID)
				}
			case 3:
				k := fmt.Sprintf("key%d", r.IntN(30))
				e := fmt.Sprintf("c%d@x.test", r.IntN(50))
				_, _ = s.UpdateCustomer(pick(custs), Ref{}, CustomerUpdate{Key: &k, Email: &e})
			case 4:
				_, _ = s.ArchiveCustomer(pick(custs))
			case 5:
				_, _ = s.RestoreCustomer(pick(custs))
			case 6:
				_, _ = s.DeleteCustomer(pick(custs), Ref{})
			case 7:
				if l, err := s.CreateLink(NewLink{Customer: Ref{ID: pick(custs)}}); err == nil {
					links = append(links, l.Key)
				}
			case 8:
				k := fmt.Sprintf("L%d", r.IntN(30))
				_, _ = s.UpdateLink(pick(links), LinkUpdate{Key: &k})
			case 9:
				_ = s.DeleteLink(pick(links))
			case 10, 11:
				b := TransactionBatch{Customer: Ref{ID: pick(custs)}}
				for range 1 + r.IntN(3) {
					b.Items = append(b.Items, NewTransaction{Key: fmt.Sprintf("t%d", r.IntN(20)), Amount: "10.5"})
				}
				if vs, err := s.CreateTransactions(b); err == nil {
					for _, v := range vs {
						txkeys = append(txkeys, v.Key)
					}
				}
			case 12:
				_, _ = s.DeleteTransactions(pick(txkeys))
			case 13:
				_ = s.ArchiveTransactions(pick(txkeys))
			case 14:
				_, _ = s.CreditBalance(pick(custs), NewCredit{Amount: "1.25", Units: "EUR"})
			case 15:
				_, _ = s.Invite(Invitation{Email: "i@x.test"})
				_ = s.SetClicks(pick(custs), r.IntN(5))
			case 16:
				if w, err := s.CreateWebhook(NewWebhook{Name: "w", URL: "http://h.test/", Events: []string{EventCustomerCreated}}); err == nil {
					hooks = append(hooks, w.Key)
				}
				_ = s.DeleteWebhook(pick(hooks))
			case 17:
				cps = append(cps, saved{s.Checkpoint(), exportJSON(s)})
				desc = "checkpoint"
			case 18:
				if len(cps) > 0 {
					c := cps[r.IntN(len(cps))]
					s.Restore(c.cp)
					if got := exportJSON(s); got != c.want {
						t.Fatalf("seed %d step %d: restore differs from checkpoint", seed, step)
					}
				}
				desc = "restore"
			case 19:
				s.Reset()
				if got := exportJSON(s); got != initial {
					t.Fatalf("seed %d step %d: reset differs from initial", seed, step)
				}
				desc = "reset"
			case 20:
				s.SetInitial()
				initial = exportJSON(s)
				desc = "setinitial"
			case 21:
				b, _ := json.Marshal(s.Export())
				var snap Snapshot
				_ = json.Unmarshal(b, &snap)
				asInitial := r.IntN(2) == 0
				if err := s.Load(snap, asInitial); err != nil {
					t.Fatalf("seed %d step %d: reload: %v", seed, step, err)
				}
				if asInitial {
					initial = exportJSON(s)
				}
				desc = "load"
			}
			// Every checkpoint still holds what it captured.
			for i, c := range cps {
				probe.Restore(c.cp)
				if got := exportJSON(probe); got != c.want {
					t.Fatalf("seed %d step %d after %s: checkpoint %d was mutated", seed, step, desc, i)
				}
			}
			if err := s.CheckInvariants(); err != nil {
				t.Fatalf("seed %d step %d after %s: %v", seed, step, desc, err)
			}
		}
		// And the initial state survives.
		s.Reset()
		if got := exportJSON(s); got != initial {
			t.Fatalf("seed %d: final reset differs from initial", seed)
		}
	}
}
