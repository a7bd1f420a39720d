package testkit

import (
	"errors"
	"log/slog"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
	"github.com/partnero-fake/partnero-fake/testkit/internal/settings"
)

// Option configures Start, New and testkit/container's Start and Run
// alike.
type Option func(*settings.Config) error

// WithDemoFixtures starts every tenant from the demo program (see
// fixtures.Demo). The default is an empty program.
func WithDemoFixtures() Option {
	return func(c *settings.Config) error { c.Fixtures = settings.FixturesDemo; return nil }
}

// WithGeneratedFixtures starts every tenant from fixtures.Generate(seed,
// counts).
func WithGeneratedFixtures(seed int64, counts fixtures.Counts) Option {
	return func(c *settings.Config) error {
		if seed == 0 {
			return errors.New("testkit: fixtures seed must not be 0")
		}
		c.Fixtures, c.Seed, c.Counts = settings.FixturesGenerated, seed, counts
		return nil
	}
}

// WithFixturesFile starts every tenant from a state file.
func WithFixturesFile(path string) Option {
	return func(c *settings.Config) error {
		if path == "" {
			return errors.New("testkit: empty fixtures path")
		}
		c.Fixtures, c.File = settings.FixturesFile, path
		return nil
	}
}

// WithFixtures starts every tenant from a state document.
func WithFixtures(snap store.Snapshot) Option {
	return func(c *settings.Config) error { c.Fixtures, c.Snapshot = settings.FixturesSnapshot, snap; return nil }
}

// WithProgram sets the program settings and reward rules of every tenant.
// To change one tenant's rules while a test runs, use Client.SetRewardRules.
func WithProgram(p store.Program) Option {
	return func(c *settings.Config) error { c.Program = &p; return nil }
}

// WithAPIKey sets the API key of the returned client (default
// DefaultAPIKey). Any key is accepted by the fake; each is its own tenant.
func WithAPIKey(key string) Option {
	return func(c *settings.Config) error {
		if key == "" {
			return errors.New("testkit: empty API key")
		}
		c.APIKey = key
		return nil
	}
}

// WithAllowedAPIKeys makes the fake accept only these keys (others get 401),
// as --api-keys does. The client's own key (WithAPIKey) must be among them.
func WithAllowedAPIKeys(keys ...string) Option {
	return func(c *settings.Config) error {
		if len(keys) == 0 {
			return errors.New("testkit: no allowed API keys")
		}
		c.AllowedKeys = append([]string(nil), keys...)
		return nil
	}
}

// WithFrozenClock starts every tenant's clock frozen at t, so responses are
// byte-for-byte reproducible.
func WithFrozenClock(t time.Time) Option {
	return func(c *settings.Config) error { c.Freeze = t; return nil }
}

// WithStrictResponses turns validation of every response against
// openapi.yaml on (the default) or off.
func WithStrictResponses(on bool) Option {
	return func(c *settings.Config) error { c.Strict = on; return nil }
}

// WithLogger sets the fake's logger (in-process only; a container logs to
// its output). The default logs through tb.Logf, so a failing test shows
// the fake's log.
func WithLogger(l *slog.Logger) Option {
	return func(c *settings.Config) error { c.Logger = l; return nil }
}
