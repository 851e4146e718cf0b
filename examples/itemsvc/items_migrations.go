package main

import (
	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/examples/itemsvc/migrations"
)

// NewMigrations is the service's schema, applied by dbmod at start (see
// dbmod.AsMigrations), with table names under TABLES_PREFIX.
func NewMigrations(c dbmod.Config) (*migrate.Migrations, error) { return migrations.New(c.Table) }
