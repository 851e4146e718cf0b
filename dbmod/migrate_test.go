package dbmod_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

// testMigrations creates <prefix>_gadgets with a plain CREATE TABLE (no IF
// NOT EXISTS), slowly: if two runs overlapped, the second would fail. ran
// counts the executions of the up function.
func testMigrations(prefix string, ran *atomic.Int32) *migrate.Migrations {
	ms := migrate.NewMigrations()
	ms.Add(migrate.Migration{
		Name:    "20260101000001",
		Comment: "create_gadgets",
		Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
			ran.Add(1)
			time.Sleep(200 * time.Millisecond)
			_, err := m.DB().NewRaw("CREATE TABLE ? (id INTEGER PRIMARY KEY, name VARCHAR(50))", bun.Ident(prefix+"_gadgets")).Exec(ctx)
			return err
		},
	})
	ms.Add(migrate.Migration{
		Name:    "20260101000002",
		Comment: "add_gadget",
		Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
			_, err := m.DB().NewRaw("INSERT INTO ? (id, name) VALUES (1, 'one')", bun.Ident(prefix+"_gadgets")).Exec(ctx)
			return err
		},
	})
	return ms
}

// checkMigrated: the table holds one row and the history two entries.
func checkMigrated(t *testing.T, db *dbmod.DB) {
	t.Helper()
	ctx := context.Background()
	var rows, history int
	if err := db.Bun().NewRaw("SELECT count(*) FROM ?", bun.Ident(db.Table("gadgets"))).Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	if err := db.Bun().NewRaw("SELECT count(*) FROM ?", bun.Ident(db.Table(dbmod.MigrationsTable))).Scan(ctx, &history); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || history != 2 {
		t.Fatalf("%d gadget rows and %d history rows, want 1 and 2", rows, history)
	}
}

// migrationCases are the databases the migration tests run on: a SQLite
// file and a shared-cache in-memory SQLite database (which every DB of the
// process opening its name sees) always, the servers when their DSNs are
// set.
func migrationCases(t *testing.T, fn func(t *testing.T, open func(prefix string) *dbmod.DB)) {
	t.Run("Sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "migrations.db")
		fn(t, func(prefix string) *dbmod.DB {
			return startDB(t, &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: path, TablesPrefix: prefix,
				DBMaxOpenConns: 5, DBMaxIdleConns: 2, DBConnectTimeoutSeconds: 5})
		})
	})
	t.Run("SqliteSharedMemory", func(t *testing.T) {
		name := "file:" + fxtest_helpers.UniqueTablesPrefix() + "?mode=memory&cache=shared"
		fn(t, func(prefix string) *dbmod.DB {
			return startDB(t, &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: name, TablesPrefix: prefix,
				DBConnectTimeoutSeconds: 5})
		})
	})
	eachServer(t, func(t *testing.T, kind, dsn string) {
		fn(t, func(prefix string) *dbmod.DB {
			db := startDB(t, serverSettings(kind, dsn, prefix))
			t.Cleanup(func() {
				if err := fxtest_helpers.DropPrefixedTables(context.Background(), db, prefix); err != nil {
					t.Error(err)
				}
			})
			return db
		})
	})
}

// TestMigrateTwice: a second run (a restart) applies nothing.
func TestMigrateTwice(t *testing.T) {
	migrationCases(t, func(t *testing.T, open func(string) *dbmod.DB) {
		prefix := fxtest_helpers.UniqueTablesPrefix()
		var ran atomic.Int32
		for range 2 {
			db := open(prefix)
			if err := db.Migrate(context.Background(), testMigrations(prefix, &ran)); err != nil {
				t.Fatal(err)
			}
			checkMigrated(t, db)
		}
		if ran.Load() != 1 {
			t.Fatalf("the first migration ran %d times, want 1", ran.Load())
		}
	})
}

// TestRegisterMigrationBadFile: registered from this file, whose name bun
// refuses, RegisterMigration returns an error naming the file and the rule
// and registers nothing.
func TestRegisterMigrationBadFile(t *testing.T) {
	noop := func(context.Context, *bun.DB) error { return nil }
	tests := []struct {
		name     string
		up, down migrate.MigrationFunc
		want     []string
	}{
		{"bad file name", noop, noop, []string{"dbmod: migration file ", "migrate_test.go: bad name", "YYYYMMDDHHMMSS_name.go", "YYYYMMDDHHMMSS_name.up.sql"}},
		{"nil up", nil, noop, []string{"migrate_test.go: the up function is nil"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := migrate.NewMigrations()
			err := dbmod.RegisterMigration(ms, tt.up, tt.down)
			if err == nil {
				t.Fatal("registered")
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "\n") || len(ms.Sorted()) != 0 {
				t.Errorf("error on several lines or migration registered: %q %v", err, ms.Sorted())
			}
		})
	}
}

// TestDiscoverMigrations: SQL files follow bun's rule or are reported with
// it; other files are ignored.
func TestDiscoverMigrations(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("SELECT 1")}
	tests := []struct {
		name    string
		files   []string
		want    []string // name comment of each migration
		wantErr string
	}{
		{"up and down", []string{"20260101000000_create_items.up.sql", "20260101000000_create_items.down.sql"},
			[]string{"20260101000000 create_items"}, ""},
		{"subdirectory, order by name", []string{"sql/20260102000000_b.up.sql", "sql/20260101000000_a-1.up.sql"},
			[]string{"20260101000000 a-1", "20260102000000 b"}, ""},
		{"other files ignored", []string{"README.md", "seed.sql", "20260101000000_x.up.sql"}, []string{"20260101000000 x"}, ""},
		{"no timestamp", []string{"create_items.up.sql"}, nil, "migration file create_items.up.sql: bad name"},
		{"upper case", []string{"sql/20260101000000_CreateItems.up.sql"}, nil, "migration file sql/20260101000000_CreateItems.up.sql: bad name"},
		{"timestamp too long", []string{"202601010000001_x.down.sql"}, nil, "bad name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys[f] = sql
			}
			ms := migrate.NewMigrations()
			err := dbmod.DiscoverMigrations(ms, fsys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "YYYYMMDDHHMMSS_name.up.sql") {
					t.Fatalf("error %v, want %q and the rule", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range ms.Sorted() {
				got = append(got, m.Name+" "+m.Comment)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("migrations %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMigrationFilesBinary runs testdata/migrationfiles: a service whose
// migration file has a name bun refuses fails its boot with exit code 1 and
// one stderr line naming the file (and, registered with RegisterMigration,
// the rule), without a panic; a well-named file's migration is applied.
func TestMigrationFilesBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "migrationfiles")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/migrationfiles").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := []string{
		"ENVIRONMENT=local", "DOMAIN=localhost", "PROJECT_NAME=migrations", "STACK_NAME=test", "API_PREFIX=/api",
		"BACKEND_HOST=http://localhost:8000", "FRONTEND_HOST=http://localhost:3000", "TOKEN_MODE=stateless",
		"ACCESS_TOKEN_ALGORITHM=HS256", "ACCESS_SECRET_KEY=migrations-test-secret-0123456789abcdef",
		"TOKEN_STRICT_VALIDATION=false", "EVENT_SIGNING_ENABLED=false", "HTTP_ADDR=127.0.0.1:0",
		"SELECTED_DB=Sqlite", "DB_DATABASE=:memory:", "LOG_LEVEL=info",
	}
	tests := []struct {
		mode       string
		code       int
		wantStderr []string // the one line
		wantStdout string
	}{
		{"dbmod", 1, []string{"m8fx: cannot build the app: dbmod: migration file ", "create_items.go: bad name",
			"YYYYMMDDHHMMSS_name.go (Go) or YYYYMMDDHHMMSS_name.up.sql"}, ""},
		{"bun", 1, []string{"m8fx: cannot build the app: ", " panicked: migrate: unsupported migration name format: \"create_items.go\""}, ""},
		{"apply", 0, nil, "migration 20260101000000 create_gadgets\ntable gadgets\n"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			cmd := exec.Command(bin, tt.mode)
			cmd.Dir, cmd.Env = t.TempDir(), env
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			_ = cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			if stdout.String() != tt.wantStdout {
				t.Errorf("stdout %q, want %q", stdout.String(), tt.wantStdout)
			}
			if tt.wantStderr == nil {
				if stderr.Len() != 0 {
					t.Errorf("stderr %q", stderr.String())
				}
				return
			}
			out := stderr.String()
			if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") || strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Fatalf("stderr is not one line without a panic:\n%s", out)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(out, want) {
					t.Errorf("stderr %q lacks %q", out, want)
				}
			}
		})
	}
}

// TestRegisterMigration: from a file named by bun's rule, RegisterMigration
// adds the migration with the file's name and comment, which Migrate
// applies; registering a second migration of that name is an error, not a
// second migration.
func TestRegisterMigration(t *testing.T) {
	ms := migrate.NewMigrations()
	if err := registerGadgets(ms, "t"); err != nil {
		t.Fatal(err)
	}
	sorted := ms.Sorted()
	if len(sorted) != 1 || sorted[0].Name != "20260101000000" || sorted[0].Comment != "gadgets_test" || sorted[0].Down != nil {
		t.Fatalf("registered %v", sorted)
	}
	err := registerGadgets(ms, "t")
	if err == nil || !strings.Contains(err.Error(), "20260101000000_gadgets_test.go: migration 20260101000000 is already registered") ||
		len(ms.Sorted()) != 1 {
		t.Fatalf("second registration: %v, %d migrations", err, len(ms.Sorted()))
	}
	db := startSqlite(t, ":memory:")
	if err := db.Migrate(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Bun().NewRaw("SELECT count(*) FROM t_gadgets").Scan(context.Background(), &n); err != nil {
		t.Fatalf("the migration's table: %v", err)
	}
}

// TestRegisterMigrationNilSet: a nil set is an error, not a panic.
func TestRegisterMigrationNilSet(t *testing.T) {
	err := dbmod.RegisterMigration(nil, func(context.Context, *bun.DB) error { return nil }, nil)
	if err == nil || !strings.Contains(err.Error(), "migrate_test.go: the *migrate.Migrations is nil") {
		t.Fatalf("RegisterMigration(nil, ...) = %v", err)
	}
}

// TestDiscoverMigrationsConflicts: a name used twice, or already in the
// set, is one clear error, and the set is left as it was.
func TestDiscoverMigrationsConflicts(t *testing.T) {
	sql := &fstest.MapFile{Data: []byte("SELECT 1")}
	tests := []struct {
		name    string
		files   []string
		before  bool // the set already holds registerGadgets' 20260101000000
		wantErr string
	}{
		{"two comments for one name", []string{"20260102000000_a.up.sql", "20260102000000_b.up.sql"}, false,
			"dbmod: discovering SQL migrations: migrate: duplicate migration ID 20260102000000"},
		{"name already registered", []string{"20260101000000_gadgets_test.up.sql"}, true,
			"dbmod: migration file 20260101000000_gadgets_test.up.sql: migration 20260101000000 is already registered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys[f] = sql
			}
			ms := migrate.NewMigrations()
			if tt.before {
				if err := registerGadgets(ms, "t"); err != nil {
					t.Fatal(err)
				}
			}
			had := len(ms.Sorted())
			err := dbmod.DiscoverMigrations(ms, fsys)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if len(ms.Sorted()) != had {
				t.Fatalf("the set changed: %v", ms.Sorted())
			}
		})
	}
}

// TestDiscoverMigrationsBadInput: a nil set or file system, or one that
// cannot be read, is an error, not a panic.
func TestDiscoverMigrationsBadInput(t *testing.T) {
	if err := dbmod.DiscoverMigrations(nil, fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "is nil") {
		t.Fatalf("nil set: %v", err)
	}
	if err := dbmod.DiscoverMigrations(migrate.NewMigrations(), nil); err == nil || !strings.Contains(err.Error(), "is nil") {
		t.Fatalf("nil fs: %v", err)
	}
	err := dbmod.DiscoverMigrations(migrate.NewMigrations(), os.DirFS(filepath.Join(t.TempDir(), "missing")))
	if err == nil || !strings.HasPrefix(err.Error(), "dbmod: discovering SQL migrations: ") || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing directory: %v", err)
	}
}

// TestDiscoverTransactionalMigration: a .tx.up.sql file is migration
// 20260101000000 with comment create_items, and it is applied.
func TestDiscoverTransactionalMigration(t *testing.T) {
	fsys := fstest.MapFS{"20260101000000_create_items.tx.up.sql": &fstest.MapFile{Data: []byte("CREATE TABLE t_items (id INTEGER PRIMARY KEY);")}}
	ms := migrate.NewMigrations()
	if err := dbmod.DiscoverMigrations(ms, fsys); err != nil {
		t.Fatal(err)
	}
	if sorted := ms.Sorted(); len(sorted) != 1 || sorted[0].String() != "20260101000000_create_items" {
		t.Fatalf("discovered %v", sorted)
	}
	db := startSqlite(t, ":memory:")
	if err := db.Migrate(context.Background(), ms); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Bun().NewRaw("SELECT count(*) FROM t_items").Exec(context.Background()); err != nil {
		t.Fatalf("the migration's table: %v", err)
	}
}

// TestStartAndMigrateClosesOnFailure: a failing migration fails
// StartAndMigrate with an error naming the target and closes the pool.
func TestStartAndMigrateClosesOnFailure(t *testing.T) {
	cfg, err := dbmod.ConfigFromSettings(&settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: ":memory:", TablesPrefix: "t", DBConnectTimeoutSeconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms := migrate.NewMigrations()
	ms.Add(migrate.Migration{Name: "20260101000001", Comment: "fail", Up: func(context.Context, *migrate.Migrator, *migrate.Migration) error {
		return errors.New("boom")
	}})
	err = db.StartAndMigrate(context.Background(), nil, ms)
	if err == nil || !strings.Contains(err.Error(), "dbmod: migrating on :memory:") || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("StartAndMigrate = %v", err)
	}
	if err := db.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("Start after a failed migration closed the DB: %v", err)
	}
	if err := db.Ping(context.Background()); err == nil {
		t.Fatal("Ping after a failed migration closed the DB succeeded")
	}
}
