package dbmod_test

import (
	"context"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
)

// This file's name follows bun's rule, so that the tests can register a Go
// migration from it: migration 20260101000000, comment gadgets_test.

// registerGadgets registers the migration of this file: it creates
// <prefix>_gadgets.
func registerGadgets(ms *migrate.Migrations, prefix string) error {
	return dbmod.RegisterMigration(ms, func(ctx context.Context, db *bun.DB) error {
		_, err := db.NewRaw("CREATE TABLE ? (id INTEGER PRIMARY KEY)", bun.Ident(prefix+"_gadgets")).Exec(ctx)
		return err
	}, nil)
}
