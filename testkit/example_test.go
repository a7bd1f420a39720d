package testkit_test

import (
	"fmt"
	"time"

	"github.com/partnero-fake/partnero-fake/fake"
	"github.com/partnero-fake/partnero-fake/testkit"
)

// exampleT stands in for the *testing.T of a real test.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (t *exampleT) Logf(string, ...any)               {}
func (t *exampleT) done() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

func ExampleStart() {
	t := &exampleT{} // in a test: func TestSignup(t *testing.T) { ...
	defer t.done()

	srv := testkit.Start(t, testkit.WithFrozenClock(time.Date(2025, 5, 9, 17, 42, 13, 0, time.UTC)))
	// Point the code under test at srv.APIURL with key srv.APIKey; here the
	// helpers play that part.
	srv.CreateCustomer(t, testkit.NewCustomer{Key: "alice", Email: "alice@example.com"})
	srv.CreateCustomer(t, testkit.NewCustomer{Key: "bob", ReferrerKey: "alice"})
	srv.CreateTransaction(t, testkit.Sale{Customer: "bob", Amount: 100})

	alice := srv.Customer(t, "alice")
	fmt.Println(alice.ReferralLink, alice.ReferralsCount)
	fmt.Println(srv.Balance(t, "alice").Of("USD"))
	// The journal shows what the code under test sent; the helpers' own
	// requests only when asked for.
	fmt.Println(len(srv.Requests(t, testkit.AllRequests())), "requests from the code under test")
	fmt.Println(len(srv.Requests(t, fake.JournalFilter{IncludeTestkit: true})), "with testkit's")
	// Output:
	// https://example.com?ref=alice 1
	// 10
	// 0 requests from the code under test
	// 5 with testkit's
}
