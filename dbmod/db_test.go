package dbmod_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/settingsmod"
)

func TestRunInTxRollsBack(t *testing.T) {
	db := startSqlite(t, ":memory:")
	ctx := context.Background()
	if _, err := db.Bun().NewCreateTable().Model((*counter)(nil)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&counter{Worker: 1}).Exec(ctx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("RunInTx error %v, want fn's error", err)
	}
	if n, _ := db.Bun().NewSelect().Model((*counter)(nil)).Count(ctx); n != 0 {
		t.Fatalf("%d rows after rollback", n)
	}
	if err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.NewInsert().Model(&counter{Worker: 2}).Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.Bun().NewSelect().Model((*counter)(nil)).Count(ctx); n != 1 {
		t.Fatalf("%d rows after commit, want 1", n)
	}
}

// TestBunBeforeStartPanics: Bun and SQL panic with ErrNotStarted before
// Start; Ping returns it.
func TestBunBeforeStartPanics(t *testing.T) {
	cfg, err := dbmod.ConfigFromSettings(&settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for name, call := range map[string]func(){"Bun": func() { db.Bun() }, "SQL": func() { db.SQL() }} {
		func() {
			defer func() {
				if r := recover(); r != dbmod.ErrNotStarted {
					t.Errorf("%s before Start: recovered %v, want ErrNotStarted", name, r)
				}
			}()
			call()
		}()
	}
	if err := db.Ping(context.Background()); !errors.Is(err, dbmod.ErrNotStarted) {
		t.Fatalf("Ping before Start: %v", err)
	}
	if db.Started() {
		t.Fatal("Started before Start")
	}
}

func TestCloseThenStartFails(t *testing.T) {
	cfg, _ := dbmod.ConfigFromSettings(&settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: ":memory:"})
	db, _ := dbmod.New(cfg, nil)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := db.Start(ctx); err == nil {
		t.Fatal("Start after Close succeeded")
	}
}

func TestNewRejectsUnknownKind(t *testing.T) {
	if _, err := dbmod.New(dbmod.Config{Kind: "Oracle"}, nil); err == nil {
		t.Fatal("unknown kind accepted")
	}
}

// TestStartTwiceAndAccessors: a second Start does nothing; the accessors
// report the configuration.
func TestStartTwiceAndAccessors(t *testing.T) {
	db := startSqlite(t, ":memory:")
	b := db.Bun()
	if err := db.Start(context.Background()); err != nil || db.Bun() != b {
		t.Fatalf("second Start: %v (bun rebuilt: %v)", err, db.Bun() != b)
	}
	if db.Kind() != dbmod.Sqlite || db.Table("items") != "t_items" || db.Config().Target != ":memory:" {
		t.Fatalf("kind %s table %s target %s", db.Kind(), db.Table("items"), db.Config().Target)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := db.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "dbmod: :memory:") {
		t.Fatalf("Ping after Close: %v", err)
	}
}
