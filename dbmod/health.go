package dbmod

import (
	"context"

	"github.com/m8fx/kit/healthmod"
)

// HealthCheckName is the name of the check the module registers.
const HealthCheckName = "database"

// NewHealthCheck returns the "database" check: SELECT 1 through the pool,
// under the deadline the health runner gives each check (its Config.Timeout).
// A failure's message names the target and never holds credentials (dbmod
// removes the configured password, healthmod scrubs URLs and password=
// pairs). Before [DB.Start] it fails with [ErrNotStarted].
func NewHealthCheck(db *DB) healthmod.Check {
	return healthmod.NewCheck(HealthCheckName, func(ctx context.Context) error { return db.Ping(ctx) })
}
