package dbmod_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/settingsmod"
)

// Using a DB outside fx: build the Config from settings, start (connect and
// wait), query through bun, close. In an fx app, dbmod.Module does the same
// from the app's settings and lifecycle.
func Example() {
	s := &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: ":memory:", TablesPrefix: "app", DBConnectTimeoutSeconds: 5}
	cfg, err := dbmod.ConfigFromSettings(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if err := db.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	type Note struct {
		ID        int64     `bun:"id,pk,autoincrement"`
		Text      string    `bun:"text,notnull"`
		CreatedAt time.Time `bun:"created_at,notnull"`
	}
	table := bun.Ident(db.Table("notes"))
	if _, err := db.Bun().NewCreateTable().Model((*Note)(nil)).ModelTableExpr("?", table).Exec(ctx); err != nil {
		fmt.Println(err)
		return
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for _, text := range []string{"first", "second"} {
			note := &Note{Text: text, CreatedAt: time.Now().UTC()}
			if _, err := tx.NewInsert().Model(note).ModelTableExpr("?", table).Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var notes []Note
	if err := db.Bun().NewSelect().Model(&notes).ModelTableExpr("? AS note", table).Order("id").Scan(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(db.Kind(), db.Table("notes"), len(notes), notes[0].ID, notes[1].Text)
	// Output: Sqlite app_notes 2 1 second
}

// WaitReady is what `m8fx prestart` does: retry SELECT 1 until the database
// answers or the policy gives up, with an error that names the target.
func ExampleWaitReady() {
	s := &settingsmod.Settings{SelectedDB: "Postgres", DBHost: "127.0.0.1", DBPort: 1, DBDatabase: "app",
		DBUser: "app", DBPassword: "s3cret", DBConnectTimeoutSeconds: 1}
	cfg, err := dbmod.ConfigFromSettings(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	db, _ := dbmod.New(cfg, nil)
	defer db.Close()
	err = db.WaitReady(context.Background(), dbmod.WaitPolicy{Attempts: 2, Interval: 10 * time.Millisecond})
	var notReady *dbmod.NotReadyError
	if errors.As(err, &notReady) {
		fmt.Println(notReady.Target, notReady.Attempts, notReady.Reason)
	}
	// Output: 127.0.0.1:1/app 2 attempt limit 2 reached
}
