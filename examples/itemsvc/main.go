// Command itemsvc is the m8fx example service. Run it from the repository root:
//
//	go run ./examples/itemsvc
//
// With no ENVIRONMENT in the process environment it uses the committed
// dev-only settings in local.env and listens on 127.0.0.1:8000, with its items
// in the SQLite file itemsvc-dev.db (created in the working directory). Set
// SELECTED_DB and DATABASE_URL (or DB_*) to run it on PostgreSQL or MariaDB.
package main

import (
	"fmt"
	"os"

	"go.uber.org/fx"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

// options are the service's fx options: the kit (dbmod.Module, m8fx.Module)
// and the service's own (serviceOptions). dbmod.Module comes first so that
// the pool closes last at stop, after the HTTP server and the auth clients.
func options() []fx.Option {
	return append([]fx.Option{dbmod.Module, m8fx.Module}, serviceOptions()...)
}

// serviceOptions are the service's own options. Tests add them to a
// fxtest_helpers app, which brings m8fx.Module, with fxtest_helpers.WithSQLite
// or WithDatabase, which bring dbmod.Module.
func serviceOptions() []fx.Option {
	return []fx.Option{
		settingsmod.Provide[ItemSettings](), // settings.go: ITEMS_DESCRIPTION_MAX_LEN
		httpmod.AsLimit(descriptionLimit),   // its runtime limit, shown in the document
		httpmod.AsRoutes(NewRoutes),         // routes.go
		httpmod.AsRoutes(NewUserRoutes),     // users.go
		httpmod.AsRoutes(NewItemRoutes),     // items_routes.go
		dbmod.AsMigrations(NewMigrations),   // items_migrations.go
		healthmod.AsCheck(NewRuntimeCheck),  // checks.go
		openAPIConfig(),                     // openapi.go
	}
}

func main() {
	src, err := settingsSource(os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "itemsvc:", err)
		os.Exit(1)
	}
	m8fx.Main(append(options(), fx.Replace(src))...)
}
