package dbmod_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/m8fx"
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

// migrationCases are the databases the migration tests run on: a SQLite file
// always, the servers when their DSNs are set.
func migrationCases(t *testing.T, fn func(t *testing.T, open func(prefix string) *dbmod.DB)) {
	t.Run("Sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "migrations.db")
		fn(t, func(prefix string) *dbmod.DB {
			return startDB(t, &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: path, TablesPrefix: prefix,
				DBMaxOpenConns: 5, DBMaxIdleConns: 2, DBConnectTimeoutSeconds: 5})
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

// TestConcurrentMigrations: two replicas (two pools) migrating at the same
// time both succeed, and every migration runs exactly once.
func TestConcurrentMigrations(t *testing.T) {
	migrationCases(t, func(t *testing.T, open func(string) *dbmod.DB) {
		prefix := fxtest_helpers.UniqueTablesPrefix()
		var ran atomic.Int32
		dbs := []*dbmod.DB{open(prefix), open(prefix), open(prefix)}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		for _, db := range dbs {
			wg.Go(func() {
				if err := db.Migrate(ctx, testMigrations(prefix, &ran)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if ran.Load() != 1 {
			t.Fatalf("the first migration ran %d times, want 1", ran.Load())
		}
		checkMigrated(t, dbs[0])
	})
}

// TestModuleMigratesAtStart: migrations registered with AsMigrations are
// applied in OnStart, before the startup validators.
func TestModuleMigratesAtStart(t *testing.T) {
	var ran atomic.Int32
	var sawTable bool
	var db *dbmod.DB
	fxtest_helpers.New(t,
		fxtest_helpers.WithSQLite(),
		fxtest_helpers.WithOptions(
			dbmod.AsMigrations(func(c dbmod.Config) *migrate.Migrations { return testMigrations(c.TablesPrefix, &ran) }),
			m8fx.AsStartupValidator(func(d *dbmod.DB) m8fx.StartupValidator {
				return func(ctx context.Context) error {
					var n int
					err := d.Bun().NewRaw("SELECT count(*) FROM ?", bun.Ident(d.Table("gadgets"))).Scan(ctx, &n)
					sawTable = err == nil && n == 1
					return err
				}
			}),
		),
		fxtest_helpers.Populate(&db),
	)
	if !sawTable || ran.Load() != 1 {
		t.Fatalf("validator saw the migrated table: %v; migration ran %d times", sawTable, ran.Load())
	}
	checkMigrated(t, db)
}

// TestMigrateLockNeedsTwoConnections: on a server, the lock holds one
// connection, so a pool of one is refused with a clear error.
func TestMigrateLockNeedsTwoConnections(t *testing.T) {
	eachServer(t, func(t *testing.T, kind, dsn string) {
		s := serverSettings(kind, dsn, fxtest_helpers.UniqueTablesPrefix())
		s.DBMaxOpenConns = 1
		db := startDB(t, s)
		var ran atomic.Int32
		err := db.Migrate(context.Background(), testMigrations(s.TablesPrefix, &ran))
		if err == nil || !strings.Contains(err.Error(), "DB_MAX_OPEN_CONNS") {
			t.Fatalf("Migrate with one connection: %v", err)
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
