// Package settings holds the configuration that testkit Options set, shared
// by testkit (in-process) and testkit/container, so that one Option type
// serves both without testkit importing any container code.
package settings

import (
	"log/slog"
	"time"

	"github.com/partnero-fake/partnero-fake/fake/store"
	"github.com/partnero-fake/partnero-fake/fixtures"
)

// Fixtures says where a tenant's initial state comes from.
type Fixtures int

// Where a tenant's initial state comes from.
const (
	FixturesNone Fixtures = iota
	FixturesDemo
	FixturesGenerated
	FixturesFile
	FixturesSnapshot
)

// DefaultAPIKey is the key of the client Start and Run return.
const DefaultAPIKey = "test_key"

// Config is what Options set.
type Config struct {
	Fixtures    Fixtures
	Snapshot    store.Snapshot
	File        string
	Seed        int64
	Counts      fixtures.Counts
	Program     *store.Program
	APIKey      string
	AllowedKeys []string
	Freeze      time.Time
	Strict      bool
	Logger      *slog.Logger
	// AllowWarnings are the fidelity warning codes a test accepts; "*"
	// accepts every code.
	AllowWarnings []string
	// Container holds container-only settings (testkit/container's
	// options); in-process runs ignore them.
	Container []any
}

// Default is the configuration before any Option.
func Default() Config { return Config{APIKey: DefaultAPIKey, Strict: true} }

// Initial loads or generates the configured fixtures (nil for none).
func (c Config) Initial() (*store.Snapshot, error) {
	var snap store.Snapshot
	var err error
	switch c.Fixtures {
	case FixturesNone:
		return nil, nil
	case FixturesDemo:
		snap, err = fixtures.Demo()
	case FixturesGenerated:
		snap, err = fixtures.Generate(c.Seed, c.Counts)
	case FixturesFile:
		snap, err = fixtures.Load(c.File)
	case FixturesSnapshot:
		snap = c.Snapshot
	}
	if err != nil {
		return nil, err
	}
	return &snap, nil
}
