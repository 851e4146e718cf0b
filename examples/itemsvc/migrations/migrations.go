// Package migrations is the schema of itemsvc as bun migrations
// (github.com/uptrace/bun/migrate), applied by dbmod when the service starts.
//
// Each migration lives in a file named <YYYYMMDDhhmmss>_<what>.go (bun takes
// the migration's name from it) and writes plain DDL for each engine, so the
// schema is reviewable and does not change when the Go models do. Migrations
// are idempotent (IF NOT EXISTS), since dbmod marks one applied only after it
// succeeded.
package migrations

import "github.com/uptrace/bun/migrate"

// New returns the service's migrations; table maps a base table name to the
// real one (dbmod.Config.Table adds the TABLES_PREFIX). A migration file
// whose name bun refuses is an error naming the file and the rule.
func New(table func(name string) string) (*migrate.Migrations, error) {
	ms := migrate.NewMigrations()
	if err := createItems(ms, table); err != nil {
		return nil, err
	}
	return ms, nil
}
