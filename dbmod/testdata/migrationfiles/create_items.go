package main

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
)

// This file's name has no YYYYMMDDHHMMSS_ prefix: bun refuses it as the name
// of a migration.

func createItems(ctx context.Context, db *bun.DB) error {
	_, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY)")
	return err
}

// newMigrations registers createItems with dbmod, which returns the error.
func newMigrations() (*migrate.Migrations, error) {
	ms := migrate.NewMigrations()
	if err := dbmod.RegisterMigration(ms, createItems, nil); err != nil {
		return nil, err
	}
	return ms, nil
}

// newMigrationsMustRegister registers createItems the way bun's examples do:
// bun panics.
func newMigrationsMustRegister() (*migrate.Migrations, error) {
	ms := migrate.NewMigrations()
	ms.MustRegister(createItems, nil)
	return ms, nil
}
