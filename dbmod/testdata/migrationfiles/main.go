// Command migrationfiles registers migrations from files with good and bad
// names; dbmod's tests build it and run it. Its first argument is the mode:
//
//	dbmod  an m8fx service whose migration is registered with
//	       dbmod.RegisterMigration from create_items.go, a name bun refuses:
//	       the boot fails with one line naming the file and the rule
//	bun    the same with bun's MustRegister, which panics in the constructor:
//	       m8fx.Run reports the panic on one line
//	apply  registers the migration of 20260101000000_create_gadgets.go with
//	       dbmod.RegisterMigration, applies it to an in-memory SQLite database
//	       and prints the migrations applied and the tables created
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

func main() {
	mode := ""
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "dbmod":
		m8fx.Main(dbmod.Module, m8fx.Module, dbmod.AsMigrations(newMigrations))
	case "bun":
		m8fx.Main(dbmod.Module, m8fx.Module, dbmod.AsMigrations(newMigrationsMustRegister))
	case "apply":
		if err := apply(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "migrationfiles:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "migrationfiles: unknown mode %q\n", mode)
		os.Exit(2)
	}
}

func apply(ctx context.Context) error {
	ms := migrate.NewMigrations()
	if err := registerGadgets(ms); err != nil {
		return err
	}
	cfg, err := dbmod.ConfigFromSettings(&settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: ":memory:", TablesPrefix: "app",
		DBMaxOpenConns: 1, DBConnectTimeoutSeconds: 5})
	if err != nil {
		return err
	}
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Start(ctx); err != nil {
		return err
	}
	if err := db.Migrate(ctx, ms); err != nil {
		return err
	}
	for _, m := range ms.Sorted() {
		fmt.Printf("migration %s %s\n", m.Name, m.Comment)
	}
	var tables []string
	if err := db.Bun().NewRaw("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'gadgets'").Scan(ctx, &tables); err != nil {
		return err
	}
	for _, t := range tables {
		fmt.Printf("table %s\n", t)
	}
	return nil
}
