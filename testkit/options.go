package testkit

import (
	"errors"
	"log/slog"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// Option configures Start and Run alike. It is a testcontainers
// ContainerCustomizer (with a no-op Customize, the module convention), so
// it mixes with testcontainers' own options in Run.
type Option func(*config) error

// Customize implements testcontainers.ContainerCustomizer; Run reads the
// Option itself.
func (o Option) Customize(*testcontainers.GenericContainerRequest) error { return nil }

var _ testcontainers.ContainerCustomizer = Option(nil)

// fixtureKind says where a tenant's initial state comes from.
type fixtureKind int

const (
	fixturesNone fixtureKind = iota
	fixturesDemo
	fixturesGenerated
	fixturesFile
	fixturesSnapshot
)

type config struct {
	fixtures    fixtureKind
	snapshot    store.Snapshot
	file        string
	seed        int64
	counts      fixtures.Counts
	program     *store.Program
	apiKey      string
	allowedKeys []string
	freeze      time.Time
	strict      bool
	logger      *slog.Logger
	hostNetwork *bool
}

func defaultConfig() config {
	return config{apiKey: DefaultAPIKey, strict: true}
}

// WithDemoFixtures starts every tenant from the demo program (see
// fixtures.Demo). The default is an empty program.
func WithDemoFixtures() Option {
	return func(c *config) error { c.fixtures = fixturesDemo; return nil }
}

// WithGeneratedFixtures starts every tenant from fixtures.Generate(seed,
// counts).
func WithGeneratedFixtures(seed int64, counts fixtures.Counts) Option {
	return func(c *config) error {
		if seed == 0 {
			return errors.New("testkit: fixtures seed must not be 0")
		}
		c.fixtures, c.seed, c.counts = fixturesGenerated, seed, counts
		return nil
	}
}

// WithFixturesFile starts every tenant from a state file.
func WithFixturesFile(path string) Option {
	return func(c *config) error {
		if path == "" {
			return errors.New("testkit: empty fixtures path")
		}
		c.fixtures, c.file = fixturesFile, path
		return nil
	}
}

// WithFixtures starts every tenant from a state document.
func WithFixtures(snap store.Snapshot) Option {
	return func(c *config) error { c.fixtures, c.snapshot = fixturesSnapshot, snap; return nil }
}

// WithProgram sets the program settings and reward rules of every tenant.
func WithProgram(p store.Program) Option {
	return func(c *config) error { c.program = &p; return nil }
}

// WithAPIKey sets the API key of the returned client (default
// DefaultAPIKey). Any key is accepted by the fake; each is its own tenant.
func WithAPIKey(key string) Option {
	return func(c *config) error {
		if key == "" {
			return errors.New("testkit: empty API key")
		}
		c.apiKey = key
		return nil
	}
}

// WithAllowedAPIKeys makes the fake accept only these keys (others get 401),
// as --api-keys does. The client's own key (WithAPIKey) must be among them.
func WithAllowedAPIKeys(keys ...string) Option {
	return func(c *config) error {
		if len(keys) == 0 {
			return errors.New("testkit: no allowed API keys")
		}
		c.allowedKeys = append([]string(nil), keys...)
		return nil
	}
}

// WithFrozenClock starts every tenant's clock frozen at t, so responses are
// byte-for-byte reproducible.
func WithFrozenClock(t time.Time) Option {
	return func(c *config) error { c.freeze = t; return nil }
}

// WithStrictResponses turns validation of every response against
// openapi.yaml on (the default) or off.
func WithStrictResponses(on bool) Option {
	return func(c *config) error { c.strict = on; return nil }
}

// WithLogger sets the fake's logger (in-process only; a container logs to
// its output). The default logs through tb.Logf, so a failing test shows
// the fake's log.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithHostNetwork runs the container on the host's network (Linux) instead
// of a bridge network with a mapped port. The default follows the
// environment: host networking when PARTNERO_FAKE_NETWORK=host. Ignored
// in-process.
func WithHostNetwork(on bool) Option {
	return func(c *config) error { c.hostNetwork = &on; return nil }
}

// initial loads or generates the configured fixtures.
func (c config) initial() (*store.Snapshot, error) {
	var snap store.Snapshot
	var err error
	switch c.fixtures {
	case fixturesNone:
		return nil, nil
	case fixturesDemo:
		snap, err = fixtures.Demo()
	case fixturesGenerated:
		snap, err = fixtures.Generate(c.seed, c.counts)
	case fixturesFile:
		snap, err = fixtures.Load(c.file)
	case fixturesSnapshot:
		snap = c.snapshot
	}
	if err != nil {
		return nil, err
	}
	return &snap, nil
}
