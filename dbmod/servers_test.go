package dbmod_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

// specialPassword has every character that breaks a naively built URL or DSN.
const specialPassword = `p@ss:w/rd%#?&= '"(x)`

type widget struct {
	ID        int64     `bun:"id,pk,autoincrement"`
	Name      string    `bun:"name,notnull"`
	OwnerID   uuid.UUID `bun:"owner_id,type:varchar(36),notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// TestServerCRUD: through the module on each server: create a table under
// the test's prefix, insert, select, update, delete.
func TestServerCRUD(t *testing.T) {
	eachServer(t, func(t *testing.T, kind, dsn string) {
		var db *dbmod.DB
		fxtest_helpers.New(t, fxtest_helpers.WithDatabase(kind, dsn), fxtest_helpers.Populate(&db))
		ctx := context.Background()
		table := bun.Ident(db.Table("widgets"))
		if _, err := db.Bun().NewCreateTable().Model((*widget)(nil)).ModelTableExpr("?", table).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		owner := uuid.New()
		now := time.Now().UTC().Truncate(time.Second) // bun creates DATETIME (seconds) on MySQL
		w := &widget{Name: "first", OwnerID: owner, CreatedAt: now}
		if _, err := db.Bun().NewInsert().Model(w).ModelTableExpr("?", table).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if w.ID == 0 {
			t.Fatal("insert did not return the id")
		}
		var got widget
		if err := db.Bun().NewSelect().Model(&got).ModelTableExpr("? AS widget", table).Where("id = ?", w.ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if got.Name != "first" || got.OwnerID != owner || !got.CreatedAt.Equal(now) {
			t.Fatalf("read back %+v, want name first owner %s created %s", got, owner, now)
		}
		got.Name = "renamed"
		if _, err := db.Bun().NewUpdate().Model(&got).ModelTableExpr("? AS widget", table).WherePK().Exec(ctx); err != nil {
			t.Fatal(err)
		}
		// No alias on DELETE: MariaDB does not accept DELETE ... AS alias.
		res, err := db.Bun().NewDelete().Model((*widget)(nil)).ModelTableExpr("?", table).Where("name = ?", "renamed").Exec(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("deleted %d rows, want 1", n)
		}
	})
}

// TestSpecialCharacterPassword: a user whose password holds @ : / % # ? & =
// space and quotes connects through the DB_* assembly (no DATABASE_URL),
// and the password shows up in no log entry.
//
// PostgreSQL on the test machine uses trust authentication for 127.0.0.1,
// so there the test proves that the assembled URL parses to the right host,
// user and database (config_test.go checks the password round trip);
// MariaDB checks the password itself, and a wrong one must fail without
// showing it.
func TestSpecialCharacterPassword(t *testing.T) {
	eachServer(t, func(t *testing.T, kind, dsn string) {
		admin := startDB(t, serverSettings(kind, dsn, "unused"))
		addr := parseServer(t, kind, dsn)
		user := "m8fxsp_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
		createUser(t, admin, kind, user, addr.database)

		settings := func(password string) fxtest_helpers.Option {
			return fxtest_helpers.WithEnv(map[string]string{
				"SELECTED_DB": kind, "DB_HOST": addr.host, "DB_PORT": strconv.Itoa(addr.port),
				"DB_DATABASE": addr.database, "DB_USER": user, "DB_PASSWORD": password,
				"DB_CONNECT_TIMEOUT_SECONDS": "5",
			})
		}
		var db *dbmod.DB
		app := fxtest_helpers.New(t, settings(specialPassword), fxtest_helpers.WithOptions(dbmod.Module), fxtest_helpers.Populate(&db))
		var current string
		query := "SELECT current_user"
		if kind == "Mysql" {
			query = "SELECT CURRENT_USER()"
		}
		if err := db.Bun().QueryRowContext(context.Background(), query).Scan(&current); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(current, user) {
			t.Fatalf("connected as %q, want %s", current, user)
		}
		for _, e := range app.Logs.All() {
			if line := fmt.Sprint(e.Message, e.ContextMap()); strings.Contains(line, "w/rd") {
				t.Fatalf("a log entry shows the password: %s", line)
			}
		}

		if kind == "Mysql" {
			bad := fxtest_helpers.New(t, settings(specialPassword+"-wrong"), fxtest_helpers.WithOptions(dbmod.Module), fxtest_helpers.NoStart())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := bad.StartErr(ctx)
			if err == nil || !strings.Contains(err.Error(), "Access denied") || strings.Contains(err.Error(), "w/rd") {
				t.Fatalf("wrong password: start error %v", err)
			}
		}
	})
}

// createUser creates a login role/user with specialPassword, dropped at cleanup.
func createUser(t *testing.T, admin *dbmod.DB, kind, user, database string) {
	t.Helper()
	ctx := context.Background()
	lit := "'" + strings.ReplaceAll(specialPassword, "'", "''") + "'"
	var create, drop []string
	if kind == "Postgres" {
		create = []string{fmt.Sprintf(`CREATE ROLE %q LOGIN PASSWORD %s`, user, lit)}
		drop = []string{fmt.Sprintf(`DROP ROLE IF EXISTS %q`, user)}
	} else {
		create = []string{
			fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY %s", user, lit),
			fmt.Sprintf("GRANT ALL PRIVILEGES ON `%s`.* TO '%s'@'%%'", database, user),
		}
		drop = []string{fmt.Sprintf("DROP USER IF EXISTS '%s'@'%%'", user)}
	}
	t.Cleanup(func() {
		for _, q := range drop {
			if _, err := admin.SQL().ExecContext(context.Background(), q); err != nil {
				t.Errorf("cleanup %s: %v", q, err)
			}
		}
	})
	for _, q := range create {
		if _, err := admin.SQL().ExecContext(ctx, q); err != nil {
			t.Fatalf("creating the test user: %v", err)
		}
	}
}
