package testkit_test

import (
	"testing"

	"github.com/partnero-fake/partnero-fake/testkit"
)

func TestInspectHelpers(t *testing.T) {
	srv := testkit.Start(t, testkit.WithDemoFixtures())
	// The fake lists only the caller's tenant (it lists every key only
	// with fake.Options.ListTenantKeys); looking creates nothing.
	if got := srv.Tenants(t); len(got) != 1 || got[0].Key != srv.APIKey || got[0].Customers != 0 {
		t.Errorf("tenants before any request: %v", got)
	}
	o := srv.Overview(t)
	if o.Counts.Customers != 8 || o.Program.Name != "Demo refer-a-friend program" || len(o.Program.Rewards) == 0 {
		t.Errorf("overview: %+v", o)
	}
	if got := srv.Tenants(t); len(got) != 1 || got[0].Key != srv.APIKey || got[0].Customers != 8 {
		t.Errorf("tenants: %+v", got)
	}
	cs, total := srv.FindCustomers(t, "example.com", 2, 3)
	if total != 8 || len(cs) != 3 || cs[0].Key != "dan" {
		t.Errorf("page 2 of 3: %d %+v", total, cs)
	}
	up, tree := srv.ReferralTree(t, "dan", 2)
	if len(up) != 2 || up[0].Key != "ava" || up[1].Key != "ben" {
		t.Errorf("Dan's referrers: %+v", up)
	}
	if tree.Key != "dan" || len(tree.Referrals) != 1 || tree.Referrals[0].Key != "eli" {
		t.Errorf("Dan's tree: %+v", tree)
	}
}
