package dbmod_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// timeoutErr is a net.Error that timed out (or not).
type timeoutErr struct{ timeout bool }

func (e timeoutErr) Error() string   { return "i/o timeout" }
func (e timeoutErr) Timeout() bool   { return e.timeout }
func (e timeoutErr) Temporary() bool { return false }

func TestIsUnavailableClassifies(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"deadline", context.DeadlineExceeded, true},
		{"wrapped deadline", fmt.Errorf("creating an item: %w", context.DeadlineExceeded), true},
		{"cancelled: the client went away", context.Canceled, false},
		{"wrapped cancel", fmt.Errorf("querying: %w", context.Canceled), false},
		{"refused dial", refused, true},
		{"wrapped refused dial", fmt.Errorf("listing: %w", refused), true},
		{"a bare ECONNREFUSED", syscall.ECONNREFUSED, true},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"broken pipe", os.NewSyscallError("write", syscall.EPIPE), true},
		{"a net.Error timeout", timeoutErr{timeout: true}, true},
		{"a net.Error that did not time out", timeoutErr{timeout: false}, false},
		{"bad connection", driver.ErrBadConn, true},
		{"unexpected EOF", fmt.Errorf("receiving: %w", io.ErrUnexpectedEOF), true},
		{"MySQL invalid connection", mysql.ErrInvalidConn, true},
		{"PostgreSQL connection closed under the query", fmt.Errorf("creating an item: %w", pgconn.ErrConnClosed), true},
		{"PostgreSQL connection failure 08006", &pgconn.PgError{Code: "08006"}, true},
		{"PostgreSQL admin shutdown 57P01", &pgconn.PgError{Code: "57P01"}, true},
		{"PostgreSQL starting up 57P03", &pgconn.PgError{Code: "57P03"}, true},
		{"PostgreSQL too many connections 53300", &pgconn.PgError{Code: "53300"}, true},
		{"PostgreSQL statement timeout 57014", &pgconn.PgError{Code: "57014"}, true},
		{"PostgreSQL lock timeout 55P03", &pgconn.PgError{Code: "55P03"}, true},
		{"PostgreSQL unique violation 23505", &pgconn.PgError{Code: "23505"}, false},
		{"PostgreSQL syntax error 42601", &pgconn.PgError{Code: "42601"}, false},
		{"MySQL too many connections 1040", &mysql.MySQLError{Number: 1040}, true},
		{"MySQL shutdown 1053", &mysql.MySQLError{Number: 1053}, true},
		{"MySQL lock wait timeout 1205", &mysql.MySQLError{Number: 1205}, true},
		{"MariaDB statement timeout 1969", &mysql.MySQLError{Number: 1969}, true},
		{"MySQL duplicate entry 1062", &mysql.MySQLError{Number: 1062}, false},
		{"MySQL syntax error 1064", &mysql.MySQLError{Number: 1064}, false},
		{"no rows", sql.ErrNoRows, false},
		{"another error", errors.New("constraint failed"), false},
		{"marked", &dbmod.UnavailableError{Err: refused}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := dbmod.IsUnavailable(tc.err); got != tc.want {
				t.Errorf("IsUnavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
			marked := dbmod.MarkUnavailable(tc.err)
			var u httpmod.Unavailable
			isMarked := errors.As(marked, &u) && u.Unavailable()
			if isMarked != tc.want {
				t.Errorf("MarkUnavailable(%v) marked %v, want %v", tc.err, isMarked, tc.want)
			}
			if !tc.want && marked != tc.err { //nolint:errorlint // identity: an error that is not an outage comes back unchanged
				t.Errorf("MarkUnavailable changed %v into %v", tc.err, marked)
			}
			if tc.err != nil && (!errors.Is(marked, tc.err) || marked.Error() != tc.err.Error()) {
				t.Errorf("the mark hides its cause: %v", marked)
			}
		})
	}
}

func TestMarkUnavailableMarksOnce(t *testing.T) {
	once := dbmod.MarkUnavailable(fmt.Errorf("listing: %w", context.DeadlineExceeded))
	if twice := dbmod.MarkUnavailable(fmt.Errorf("handler: %w", once)); !errors.Is(twice, once) {
		t.Fatalf("a marked error was marked again: %#v", twice)
	} else if u := new(*dbmod.UnavailableError); !errors.As(twice, u) || (*u) != once { //nolint:errorlint // identity of the one mark
		t.Fatalf("the mark is not the first one: %#v", twice)
	}
}

// TestIsUnavailableOnServers: the errors the drivers really return for a
// database that refuses connections, a query past its deadline, and a pool
// whose connections are all in use past the deadline are unavailability;
// a wrong query is not. DB.RunInTx marks them for httpmod.
func TestIsUnavailableOnServers(t *testing.T) {
	eachServer(t, func(t *testing.T, kind, dsn string) {
		proxy, viaProxy := fxtest_helpers.ProxyDatabase(t, kind, dsn)
		s := serverSettings(kind, viaProxy, "errs")
		s.DBMaxOpenConns, s.DBMaxIdleConns = 1, 1
		db := startDB(t, s)
		sleep := "SELECT pg_sleep(5)"
		if kind == "Mysql" {
			sleep = "SELECT SLEEP(2)"
		}
		tests := []struct {
			name  string
			run   func(ctx context.Context) error
			want  bool
			after func()
		}{
			{name: "a wrong query", run: func(ctx context.Context) error {
				_, err := db.Bun().ExecContext(ctx, "SELEC 1")
				return err
			}},
			{name: "a query past its deadline", want: true, run: func(ctx context.Context) error {
				ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
				defer cancel()
				_, err := db.Bun().ExecContext(ctx, sleep)
				return err
			}},
			{name: "the pool's only connection held past the deadline", want: true, run: func(ctx context.Context) error {
				tx, err := db.Bun().BeginTx(ctx, nil)
				if err != nil {
					return fmt.Errorf("holding the connection: %w", err)
				}
				defer func() { _ = tx.Rollback() }()
				ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
				defer cancel()
				_, err = db.Bun().ExecContext(ctx, "SELECT 1")
				return err
			}},
			{name: "a database that refuses connections", want: true, run: func(ctx context.Context) error {
				proxy.Refuse()
				return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					_, err := tx.ExecContext(ctx, "SELECT 1")
					return err
				})
			}, after: proxy.Resume},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := tc.run(context.Background())
				if tc.after != nil {
					tc.after()
				}
				if err == nil {
					t.Fatal("no error")
				}
				if got := dbmod.IsUnavailable(err); got != tc.want {
					t.Errorf("IsUnavailable(%v) = %v, want %v", err, got, tc.want)
				}
				var u httpmod.Unavailable
				if tc.after != nil && !errors.As(err, &u) { // the RunInTx case
					t.Errorf("RunInTx did not mark %v", err)
				}
			})
		}
	})
}

// TestRunInTxMarks: RunInTx marks an outage for httpmod and returns other
// errors of fn unchanged.
func TestRunInTxMarks(t *testing.T) {
	db := startDB(t, &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: ":memory:", TablesPrefix: "tx", DBConnectTimeoutSeconds: 5})
	mine := errors.New("the item is taken")
	tests := []struct {
		name   string
		fn     func(ctx context.Context, tx bun.Tx) error
		marked bool
		is     error
	}{
		{name: "fn's own error", fn: func(context.Context, bun.Tx) error { return mine }, is: mine},
		{name: "a deadline inside fn", marked: true, is: context.DeadlineExceeded, fn: func(ctx context.Context, tx bun.Tx) error {
			ctx, cancel := context.WithTimeout(ctx, time.Nanosecond)
			defer cancel()
			<-ctx.Done()
			_, err := tx.ExecContext(ctx, "SELECT 1")
			return err
		}},
		{name: "a dropped connection", marked: true, is: driver.ErrBadConn, fn: func(context.Context, bun.Tx) error {
			return fmt.Errorf("inserting: %w", driver.ErrBadConn)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := db.RunInTx(context.Background(), nil, tc.fn)
			var u httpmod.Unavailable
			if marked := errors.As(err, &u); marked != tc.marked || !errors.Is(err, tc.is) {
				t.Errorf("RunInTx error %#v: marked %v (want %v), is %v: %v", err, marked, tc.marked, tc.is, errors.Is(err, tc.is))
			}
			if !tc.marked && err != tc.is { //nolint:errorlint // identity: fn's error comes back unchanged
				t.Errorf("fn's error came back as %#v", err)
			}
		})
	}
}

// TestIsUnavailableSQLiteBusy: a SQLite database locked past busy_timeout
// is unavailable.
func TestIsUnavailableSQLiteBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "busy.db")
	db := startDB(t, &settingsmod.Settings{SelectedDB: "Sqlite", DatabaseURL: settingsmod.Secret(path + "?_pragma=busy_timeout(1)"),
		TablesPrefix: "busy", DBMaxOpenConns: 2, DBMaxIdleConns: 2, DBConnectTimeoutSeconds: 5})
	ctx := context.Background()
	holder, err := db.Bun().BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = holder.Rollback() }()
	err = db.RunInTx(ctx, nil, func(context.Context, bun.Tx) error { return nil })
	if err == nil {
		t.Fatal("a second writer got the lock")
	}
	var u httpmod.Unavailable
	if !dbmod.IsUnavailable(err) || !errors.As(err, &u) {
		t.Fatalf("busy database: IsUnavailable false or not marked: %v", err)
	}
}
