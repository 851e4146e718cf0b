package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

// persistentBackends runs fn per backend with a function returning the
// option that puts an app on the backend's shared database and table prefix:
// a SQLite file, or a server with a prefix whose tables are dropped when the
// test ends.
func persistentBackends(t *testing.T, fn func(t *testing.T, db func() fxtest_helpers.Option)) {
	t.Run("Sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "items.db")
		fn(t, func() fxtest_helpers.Option {
			return fxtest_helpers.WithEnv(map[string]string{"SELECTED_DB": "Sqlite", "DB_DATABASE": path})
		})
	})
	for _, kind := range []string{"Postgres", "Mysql"} {
		t.Run(kind, func(t *testing.T) {
			dsn := fxtest_helpers.DatabaseDSN(t, kind)
			prefix := fxtest_helpers.UniqueTablesPrefix()
			t.Cleanup(func() { dropTables(t, kind, dsn, prefix) }) // first registered: runs after the apps stopped
			fn(t, func() fxtest_helpers.Option {
				return fxtest_helpers.WithEnv(map[string]string{"SELECTED_DB": kind, "DATABASE_URL": dsn, "TABLES_PREFIX": prefix})
			})
		})
	}
}

// dropTables removes the test's tables from a server.
func dropTables(t *testing.T, kind, dsn, prefix string) {
	cfg, err := dbmod.ConfigFromSettings(&settingsmod.Settings{SelectedDB: kind, DatabaseURL: settingsmod.Secret(dsn),
		TablesPrefix: prefix, DBMaxOpenConns: 2, DBConnectTimeoutSeconds: 5})
	if err != nil {
		t.Error(err)
		return
	}
	db, _ := dbmod.New(cfg, nil)
	defer db.Close()
	ctx := context.Background()
	if err := db.Start(ctx); err != nil {
		t.Error(err)
		return
	}
	if err := fxtest_helpers.DropPrefixedTables(ctx, db, prefix); err != nil {
		t.Error(err)
	}
}

// serviceApp builds the service (not started) with dbmod.Module on db.
func serviceApp(t *testing.T, is *fxtest_helpers.Issuer, db fxtest_helpers.Option) *itemsApp {
	t.Helper()
	app := fxtest_helpers.New(t, fxtest_helpers.NoStart(), fxtest_helpers.WithEnv(is.Env()), db,
		fxtest_helpers.WithOptions(dbmod.Module), fxtest_helpers.WithOptions(serviceOptions()...))
	return &itemsApp{App: app, issuer: is}
}

// TestRestartKeepsItems: a restart runs the migrations again (nothing to
// apply) and finds the items of the first run.
func TestRestartKeepsItems(t *testing.T) {
	persistentBackends(t, func(t *testing.T, db func() fxtest_helpers.Option) {
		is := fxtest_helpers.NewIssuer(t, "HS256")
		writer := is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))

		first := serviceApp(t, is, db())
		first.Start(t)
		lamp := first.mustCreate(t, writer, "Lamp")
		first.Stop(t)
		if first.Logs.FilterMessage("database migrations applied").Len() != 1 {
			t.Fatal("the first start applied no migration")
		}

		second := serviceApp(t, is, db())
		second.Start(t)
		if second.Logs.FilterMessage("database schema up to date").Len() != 1 || second.Logs.FilterMessage("database migrations applied").Len() != 0 {
			t.Fatal("the second start migrated again")
		}
		rec := second.call("GET", fmt.Sprintf("/api/items/%d", lamp.ID), writer, nil)
		if rec.Code != 200 || decode[Item](t, rec) != lamp {
			t.Fatalf("after restart: %d %s", rec.Code, rec.Body)
		}
	})
}

// TestReplicasStartTogether: replicas starting at the same time on one
// database all start, and the schema is migrated once.
func TestReplicasStartTogether(t *testing.T) {
	persistentBackends(t, func(t *testing.T, db func() fxtest_helpers.Option) {
		is := fxtest_helpers.NewIssuer(t, "HS256")
		replicas := []*itemsApp{serviceApp(t, is, db()), serviceApp(t, is, db()), serviceApp(t, is, db())}
		var wg sync.WaitGroup
		for _, r := range replicas {
			wg.Go(func() {
				if err := r.StartErr(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		applied := 0
		for _, r := range replicas {
			applied += r.Logs.FilterMessage("database migrations applied").Len()
		}
		if applied != 1 {
			t.Fatalf("migrations applied by %d replicas, want 1", applied)
		}
		var d *dbmod.DB
		fxtest_helpers.New(t, fxtest_helpers.WithEnv(is.Env()), db(), fxtest_helpers.WithOptions(dbmod.Module), fxtest_helpers.Populate(&d))
		var history int
		if err := d.Bun().NewRaw("SELECT count(*) FROM ?", bun.Ident(d.Table(dbmod.MigrationsTable))).Scan(context.Background(), &history); err != nil {
			t.Fatal(err)
		}
		if history != 1 {
			t.Fatalf("%d rows in the migrations history, want 1", history)
		}
		writer := is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))
		for _, r := range replicas {
			r.mustCreate(t, writer, "from a replica")
		}
	})
}

// TestServiceStopOrder: the database connects before the HTTP
// server listens, and closes after it has shut down.
func TestServiceStopOrder(t *testing.T) {
	app := newItemsApp(t, fxtest_helpers.WithSQLite())
	app.Stop(t)
	index := map[string]int{}
	for i, e := range app.Logs.All() {
		if _, seen := index[e.Message]; !seen {
			index[e.Message] = i
		}
	}
	for _, pair := range [][2]string{
		{"database connected", "http server listening"},
		{"database migrations applied", "http server listening"},
		{"http server listening", "service ready"},
		{"http server stopped", "database pool closed"},
	} {
		a, okA := index[pair[0]]
		b, okB := index[pair[1]]
		if !okA || !okB || a > b {
			t.Errorf("%q (%d, %v) should come before %q (%d, %v)", pair[0], a, okA, pair[1], b, okB)
		}
	}
}
