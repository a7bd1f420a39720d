package container_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
	"github.com/partnero-fake/partnero-fake/testkit"
	"github.com/partnero-fake/partnero-fake/testkit/container"
)

var frozen = time.Date(2025, 5, 9, 17, 42, 13, 0, time.UTC)

// inCI reports whether container tests must run (set by .ci/run).
func inCI() bool { return os.Getenv("PARTNERO_FAKE_CI") != "" }

// image returns the image under test: $PARTNERO_FAKE_IMAGE (what .ci/run
// builds), or container.Image's, built from this module without pulling.
func image(t testing.TB) string {
	t.Helper()
	img, err := container.Image(context.Background())
	if err != nil {
		if inCI() {
			t.Fatalf("container image: %v", err)
		}
		t.Skipf("skipping container test: cannot build the image (is Docker running?): %v", err)
	}
	return img
}

// requireDocker skips a container test on a machine without Docker, and
// fails it in CI, where container tests must run.
func requireDocker(t *testing.T) {
	t.Helper()
	if !inCI() {
		testcontainers.SkipIfProviderIsNotHealthy(t)
	}
}

var (
	sharedOnce sync.Once
	sharedCtr  *container.Container
	sharedErr  error
)

// shared returns one container for the whole package; tests use tenants of
// their own (Client.Tenant), so they can run in parallel on it.
func shared(t *testing.T) *container.Container {
	t.Helper()
	requireDocker(t)
	img := image(t)
	sharedOnce.Do(func() {
		sharedCtr, sharedErr = container.Run(context.Background(), img, testkit.WithFrozenClock(frozen))
	})
	if sharedErr != nil {
		t.Fatalf("testkit.Run: %v", sharedErr)
	}
	return sharedCtr
}

func TestMain(m *testing.M) {
	// Containers here are terminated by the tests themselves, so Ryuk (the
	// reaper, an image testcontainers would pull) is not needed; and a local
	// Docker engine publishes ports on loopback, where the tests must stay.
	// Both can be overridden from the environment.
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	if h := os.Getenv("DOCKER_HOST"); os.Getenv("TESTCONTAINERS_HOST_OVERRIDE") == "" && (h == "" || strings.HasPrefix(h, "unix://")) {
		os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
	}
	code := m.Run()
	if sharedCtr != nil {
		if err := testcontainers.TerminateContainer(sharedCtr); err != nil {
			fmt.Fprintln(os.Stderr, "terminate shared container:", err)
		}
	}
	os.Exit(code)
}

// transports runs a scenario against an in-process server and against the
// shared container.
func transports(t *testing.T, scenario func(t *testing.T, c *testkit.Client)) {
	t.Run("in-process", func(t *testing.T) {
		t.Parallel()
		scenario(t, testkit.Start(t, testkit.WithFrozenClock(frozen)).Client)
	})
	t.Run("container", func(t *testing.T) {
		t.Parallel()
		scenario(t, shared(t).Tenant(t))
	})
}

func TestReferralFlowOnEveryTransport(t *testing.T) {
	transports(t, func(t *testing.T, c *testkit.Client) {
		alice := c.CreateCustomer(t, testkit.NewCustomer{Key: "customer_123", Email: "alice@example.com", Name: "Alice"})
		if alice.ReferralLink != "https://example.com?ref=customer_123" || alice.CreatedAt != "2025-05-09T17:42:13.000000Z" {
			t.Errorf("alice: %+v", alice)
		}
		bob := c.CreateCustomer(t, testkit.NewCustomer{Key: "customer_456", Email: "bob@example.com", ReferrerKey: "customer_123"})
		if bob.ReferringCustomer == nil || bob.ReferringCustomer.ID != alice.ID {
			t.Errorf("bob's referrer: %+v", bob.ReferringCustomer)
		}
		if got := c.Customer(t, "alice@example.com").ReferralsCount; got != 1 {
			t.Errorf("referrals_count = %d", got)
		}
		if r := c.Do(t, "GET", "/v1/customers:search?key=customer_456", nil); r.Status != 200 || !strings.Contains(string(r.Body), bob.ID) {
			t.Errorf("search: %d %s", r.Status, r.Body)
		}
		if r := c.Do(t, "POST", "/v1/customers/customer_123/archive", nil); r.Status != 200 {
			t.Errorf("archive: %d", r.Status)
		}
		if r := c.Do(t, "POST", "/v1/customers/customer_123/archive", nil); r.Status != 400 {
			t.Errorf("second archive: %d %s", r.Status, r.Body)
		}
		if r := c.Do(t, "DELETE", "/v1/customers", map[string]string{"key": "customer_123"}); r.Status != 200 {
			t.Errorf("delete with a body key: %d %s", r.Status, r.Body)
		}
		if r := c.Do(t, "GET", "/v1/customers/customer_123", nil); r.Status != 404 {
			t.Errorf("after delete: %d", r.Status)
		}
	})
}

func TestMoneyPathOnEveryTransport(t *testing.T) {
	transports(t, func(t *testing.T, c *testkit.Client) {
		c.CreateCustomer(t, testkit.NewCustomer{Key: "alice"})
		c.CreateCustomer(t, testkit.NewCustomer{Key: "bob", ReferrerKey: "alice"})
		tx := c.CreateTransaction(t, testkit.Sale{Customer: "bob", Key: "inv-1", Amount: 100})
		if len(tx.Rewards) != 1 || tx.Rewards[0].Amount != 10 {
			t.Errorf("sale: %+v", tx)
		}
		c.CreateTransaction(t, testkit.Sale{Customer: "bob", Key: "inv-2", Amount: 49.99})
		if got := c.Balance(t, "alice").Of("USD"); got != 14.999 {
			t.Errorf("balance = %v, want 14.999", got)
		}
		c.RefundTransaction(t, "inv-1")
		if got := c.CreditBalance(t, "alice", 0.001, "usd").Of("USD"); got != 5 {
			t.Errorf("balance after refund and credit = %v, want 5", got)
		}
		st := c.Stats(t, "alice")
		if st.Referrals != 1 || st.SuccessfulReferrals != 1 || st.SalesCount != 1 || st.TotalRewards != 4.999 {
			t.Errorf("stats: %+v", st)
		}
	})
}

func TestControlPlaneOnEveryTransport(t *testing.T) {
	transports(t, func(t *testing.T, c *testkit.Client) {
		c.CreateCustomer(t, testkit.NewCustomer{Key: "base"})
		c.SaveSnapshot(t, "baseline")
		c.CreateCustomer(t, testkit.NewCustomer{Key: "later"})
		c.RestoreSnapshot(t, "baseline")
		if r := c.Do(t, "GET", "/v1/customers/later", nil); r.Status != 404 {
			t.Errorf("after restore: %d", r.Status)
		}
		if got := c.Requests(t, fake.JournalFilter{Operation: "createCustomer", IncludeTestkit: true}); len(got) != 2 || got[1].Status != 200 {
			t.Errorf("journal: %+v", got)
		}
		c.AddFault(t, fake.Fault{Operation: "createTransaction", Status: 503, FailFirst: 1})
		c.CreateCustomer(t, testkit.NewCustomer{Key: "buyer", ReferrerKey: "base"})
		if r := c.Do(t, "POST", "/v1/transactions", map[string]any{"customer": map[string]string{"key": "buyer"}, "amount": 5}); r.Status != 503 {
			t.Errorf("faulted sale: %d", r.Status)
		}
		c.CreateTransaction(t, testkit.Sale{Customer: "buyer", Amount: 5}) // the retry passes
		if fs := c.Faults(t); len(fs) != 1 || fs[0].Failed != 1 {
			t.Errorf("faults: %+v", fs)
		}
		c.AdvanceClock(t, 48*time.Hour)
		if got := c.CreateCustomer(t, testkit.NewCustomer{}).CreatedAt; got != "2025-05-11T17:42:13.000000Z" {
			t.Errorf("created after advancing the clock: %s", got)
		}
		c.SetClicks(t, "base", 9)
		if got := c.Stats(t, "base").Clicks; got != 9 {
			t.Errorf("clicks = %d", got)
		}
		c.Do(t, "POST", "/v1/customers:invite", map[string]string{"email": "friend@example.com"})
		if inv := c.Invitations(t); len(inv) != 1 || inv[0].Email != "friend@example.com" {
			t.Errorf("invitations: %+v", inv)
		}
		snap := c.ExportState(t)
		other := c.WithAPIKey(c.APIKey + "/copy")
		other.ImportState(t, snap, false)
		if got := other.ExportState(t); len(got.Customers) != len(snap.Customers) || len(got.Transactions) != 1 {
			t.Errorf("imported copy: %d customers, %d transactions", len(got.Customers), len(got.Transactions))
		}
		c.Reset(t)
		if got := c.ExportState(t); len(got.Customers) != 0 || len(c.Faults(t)) != 0 {
			t.Errorf("after reset: %+v", got.Customers)
		}
	})
}

// TestParallelTenantsShareOneContainer runs 50 parallel tests against one
// container (and, for comparison, one in-process server), each on its own
// API key; none sees another's data.
func TestParallelTenantsShareOneContainer(t *testing.T) {
	for _, mode := range []string{"container", "in-process"} {
		t.Run(mode, func(t *testing.T) {
			var c *testkit.Client
			if mode == "container" {
				c = shared(t).Client
			} else {
				c = testkit.Start(t).Client
			}
			for i := range 50 {
				t.Run(fmt.Sprint("test", i), func(t *testing.T) {
					t.Parallel()
					me := c.Tenant(t)
					me.CreateCustomer(t, testkit.NewCustomer{Key: "referrer"})
					me.CreateCustomer(t, testkit.NewCustomer{Key: fmt.Sprint("friend-", i), ReferrerKey: "referrer"})
					me.CreateTransaction(t, testkit.Sale{Customer: fmt.Sprint("friend-", i), Amount: float64(10 * (i + 1))})
					if got := me.Balance(t, "referrer").Of("USD"); got != float64(i+1) {
						t.Errorf("balance %v, want %d", got, i+1)
					}
					if snap := me.ExportState(t); len(snap.Customers) != 2 || snap.Customers[1].Key != fmt.Sprint("friend-", i) {
						t.Errorf("tenant sees %+v", snap.Customers)
					}
					if got := me.Requests(t, fake.JournalFilter{IncludeTestkit: true}); len(got) != 4 {
						t.Errorf("journal has %d entries, want 4", len(got))
					}
				})
			}
		})
	}
}

// TestRunOptions starts containers with fixtures, program rules and a key.
func TestRunOptions(t *testing.T) {
	requireDocker(t)
	img := image(t)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "state.json")
	snap, err := fixtures.Generate(3, fixtures.Counts{Customers: 5, ReferralRatio: 0.5, TransactionsPerReferred: 1})
	if err != nil {
		t.Fatal(err)
	}
	srv := testkit.Start(t, testkit.WithFixtures(snap))
	raw := srv.Do(t, "GET", "/_fake/state", nil).Body
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		opts  []testkit.Option
		check func(t *testing.T, c *container.Container)
	}{
		"demo fixtures and keys": {
			opts: []testkit.Option{testkit.WithDemoFixtures(), testkit.WithAPIKey("demo"), testkit.WithAllowedAPIKeys("demo", "other")},
			check: func(t *testing.T, c *container.Container) {
				if c.APIKey != "demo" || c.Balance(t, "ava").Of("USD") != 29.55 {
					t.Errorf("demo: key %q, balance %+v", c.APIKey, c.Balance(t, "ava"))
				}
				if r := c.WithAPIKey("intruder").Do(t, "GET", "/v1/test", nil); r.Status != 401 {
					t.Errorf("a key outside the allowed ones: %d", r.Status)
				}
			},
		},
		"generated fixtures and program rules": {
			opts: []testkit.Option{
				testkit.WithGeneratedFixtures(3, fixtures.Counts{Customers: 5, ReferralRatio: 0.5, TransactionsPerReferred: 1}),
				testkit.WithProgram(store.Program{Currency: "EUR", Rewards: []store.RewardRule{{Trigger: store.TriggerSignup, Amount: store.MoneyOf(2), Recipients: store.RecipientBoth}}}),
			},
			check: func(t *testing.T, c *container.Container) {
				got := c.ExportState(t)
				if len(got.Customers) != 5 || got.Customers[0].ID != snap.Customers[0].ID {
					t.Errorf("generated: %+v", got.Customers)
				}
				c.CreateCustomer(t, testkit.NewCustomer{Key: "x", ReferrerID: got.Customers[0].ID})
				if b := c.Balance(t, "x"); b.Of("EUR") != 2 {
					t.Errorf("signup reward: %+v", b)
				}
			},
		},
		"fixtures file": {
			opts: []testkit.Option{testkit.WithFixturesFile(file)},
			check: func(t *testing.T, c *container.Container) {
				if got := c.Do(t, "GET", "/_fake/state", nil).Body; string(got) != string(raw) {
					t.Errorf("state from the file differs")
				}
			},
		},
		"fixtures document, bridge network": {
			opts: []testkit.Option{testkit.WithFixtures(snap), container.WithHostNetwork(false)},
			check: func(t *testing.T, c *container.Container) {
				if got := c.ExportState(t); len(got.Customers) != 5 {
					t.Errorf("fixtures document: %d customers", len(got.Customers))
				}
				if !strings.HasPrefix(c.URL, "http://127.0.0.1:") {
					t.Errorf("URL %q is not on loopback", c.URL)
				}
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := container.Run(ctx, img, tc.opts...)
			testcontainers.CleanupContainer(t, c)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
		})
	}
	if _, err := container.Run(ctx, img, testkit.WithGeneratedFixtures(0, fixtures.Counts{})); err == nil {
		t.Error("seed 0 accepted")
	}
}

// TestContainerHealthcheck checks the image's HEALTHCHECK (the healthcheck
// subcommand) reports healthy.
func TestContainerHealthcheck(t *testing.T) {
	c := shared(t)
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := c.Container.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Health != nil && st.Health.Status == "healthy" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("container not healthy: %+v", st.Health)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// BenchmarkContainerReady measures testkit.Run from create to the first
// successful /_fake/ready.
func BenchmarkContainerReady(b *testing.B) {
	img := image(b)
	for b.Loop() {
		c, err := container.Run(context.Background(), img)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := testcontainers.TerminateContainer(c); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// TestStartWithImageAndCustomizers: Start with an explicit image on a
// bridge network, where a testcontainers option given through
// WithCustomizers overrides the module's default environment.
func TestStartWithImageAndCustomizers(t *testing.T) {
	requireDocker(t)
	c := container.Start(t, container.WithImage(image(t)), container.WithHostNetwork(false),
		container.WithCustomizers(testcontainers.WithEnv(map[string]string{"PARTNERO_FAKE_FIXTURES": "default"})))
	if c.HostNetwork() || !strings.HasPrefix(c.URL, "http://127.0.0.1:") {
		t.Errorf("bridge network: host network %v, URL %s", c.HostNetwork(), c.URL)
	}
	if got := c.Balance(t, "ava").Of("USD"); got != 29.55 {
		t.Errorf("the customizer's fixtures did not win: ava's balance %v", got)
	}
	if _, err := container.Run(context.Background(), image(t), container.WithImage("")); err == nil {
		t.Error("an empty image name was accepted")
	}
}

// TestRunReportsWhyItFailed: a fake that cannot start (here, a fixtures
// file that is not JSON) makes Run fail with the container's output.
func TestRunReportsWhyItFailed(t *testing.T) {
	requireDocker(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := container.Run(context.Background(), image(t), testkit.WithFixturesFile(bad))
	testcontainers.CleanupContainer(t, c)
	if err == nil || !strings.Contains(err.Error(), "container output") || !strings.Contains(err.Error(), "fixtures") {
		t.Errorf("err = %v", err)
	}
}
