package main

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
)

// registerGadgets registers the migration of this file, whose name follows
// bun's rule: migration 20260101000000, comment create_gadgets.
func registerGadgets(ms *migrate.Migrations) error {
	return dbmod.RegisterMigration(ms, func(ctx context.Context, db *bun.DB) error {
		_, err := db.ExecContext(ctx, "CREATE TABLE gadgets (id INTEGER PRIMARY KEY)")
		return err
	}, func(ctx context.Context, db *bun.DB) error {
		_, err := db.ExecContext(ctx, "DROP TABLE gadgets")
		return err
	})
}
