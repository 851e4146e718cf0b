package dbmod

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/m8fx/kit/httpmod"
)

// IsUnavailable reports whether err, returned by a query, a transaction or
// the pool, means that the database is temporarily unavailable, rather than
// that the query is wrong or the data refused it: a request failing with it
// deserves a 503 with Retry-After, not a 500. It is true, through any
// wrapping (errors.Is / errors.As), for
//
//   - context.DeadlineExceeded: the query was cancelled at the request's
//     deadline, or the wait for a free connection of an exhausted pool
//     (DB_MAX_OPEN_CONNS in use) lasted past it: database/sql waits for a
//     connection as long as the context allows, so the request's deadline
//     is the pool's wait;
//   - connections that cannot be made or broke: a *net.OpError or any
//     net.Error timeout (dial, read, write), ECONNREFUSED, ECONNRESET,
//     ECONNABORTED, EPIPE, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH,
//     driver.ErrBadConn, io.ErrUnexpectedEOF;
//   - PostgreSQL (pgx): a *pgconn.ConnectError, pgconn.ErrConnClosed (the
//     connection broke under a query), a pgconn timeout, and the
//     SQLSTATEs of class 08 (connection exception), 53300 (too many
//     connections), 55P03 (lock timeout), 57014 (statement timeout or
//     cancel), 57P01, 57P02, 57P03 (shutdown, crash, starting up), 25P03
//     (idle-in-transaction timeout);
//   - MySQL and MariaDB (go-sql-driver): mysql.ErrInvalidConn and the
//     server errors 1040, 1203 (too many connections), 1053 (shutdown), 1205
//     (lock wait timeout), 1317 (query interrupted), 1927 (connection
//     killed), 1969 and 3024 (statement timeout), 4031 (disconnected by the
//     server);
//   - SQLite: SQLITE_BUSY and SQLITE_LOCKED (the database stayed locked
//     past busy_timeout).
//
// It is false for nil, for context.Canceled (the client went away: nothing
// is unavailable) and for every other error (syntax, constraint
// violations, sql.ErrNoRows, ...).
func IsUnavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if unavailableSentinel(err) {
		return true
	}
	var (
		opErr      *net.OpError
		netErr     net.Error
		connectErr *pgconn.ConnectError
		pgErr      *pgconn.PgError
		myErr      *mysql.MySQLError
		liteErr    *sqlite.Error
	)
	switch {
	case errors.As(err, &opErr), errors.As(err, &connectErr), pgconn.Timeout(err):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.As(err, &pgErr):
		return unavailablePgCode(pgErr.Code)
	case errors.As(err, &myErr):
		return unavailableMysqlError(myErr.Number)
	case errors.As(err, &liteErr):
		code := liteErr.Code() & 0xff // the primary result code of an extended one
		return code == sqliteBusy || code == sqliteLocked
	}
	return false
}

// unavailableSentinel reports whether err is or wraps one of the sentinel
// errors of an unavailable database.
func unavailableSentinel(err error) bool {
	for _, target := range [...]error{
		context.DeadlineExceeded,
		driver.ErrBadConn,
		mysql.ErrInvalidConn,
		pgconn.ErrConnClosed,
		io.ErrUnexpectedEOF,
		syscall.ECONNREFUSED,
		syscall.ECONNRESET,
		syscall.ECONNABORTED,
		syscall.EPIPE,
		syscall.ETIMEDOUT,
		syscall.EHOSTUNREACH,
		syscall.ENETUNREACH,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// unavailablePgCode reports whether a PostgreSQL SQLSTATE means the server
// is unavailable or a time limit passed.
func unavailablePgCode(code string) bool {
	if len(code) == 5 && code[:2] == "08" { // connection exception
		return true
	}
	switch code {
	case "53300", // too_many_connections
		"55P03", // lock_not_available (lock_timeout)
		"57014", // query_canceled (statement_timeout, cancel request)
		"57P01", // admin_shutdown
		"57P02", // crash_shutdown
		"57P03", // cannot_connect_now (starting up, recovery)
		"25P03": // idle_in_transaction_session_timeout
		return true
	}
	return false
}

// unavailableMysqlError reports whether a MySQL/MariaDB server error
// number means an unavailable server or a time limit.
func unavailableMysqlError(number uint16) bool {
	switch number {
	case 1040, // ER_CON_COUNT_ERROR: too many connections
		1053, // ER_SERVER_SHUTDOWN
		1203, // ER_TOO_MANY_USER_CONNECTIONS
		1205, // ER_LOCK_WAIT_TIMEOUT
		1317, // ER_QUERY_INTERRUPTED
		1927, // ER_CONNECTION_KILLED (MariaDB)
		1969, // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
		3024, // ER_QUERY_TIMEOUT (MySQL max_execution_time)
		4031: // ER_CLIENT_INTERACTION_TIMEOUT (MySQL: disconnected for inactivity)
		return true
	}
	return false
}

// SQLite's primary result codes for a locked database.
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// UnavailableError marks an error that [IsUnavailable] classifies as an
// unavailable database, so that httpmod answers it 503 with Retry-After:
// it implements [httpmod.Unavailable], which is how httpmod (which does not
// import dbmod) recognises it. It is transparent: its message is the
// cause's, and errors.Is / errors.As see through it. Create it with
// [MarkUnavailable].
type UnavailableError struct {
	Err error
}

var _ httpmod.Unavailable = (*UnavailableError)(nil)

func (e *UnavailableError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *UnavailableError) Unwrap() error { return e.Err }

// Unavailable is the mark httpmod looks for; always true.
func (e *UnavailableError) Unavailable() bool { return true }

// MarkUnavailable returns err marked as an [UnavailableError] when
// [IsUnavailable] says so (and it is not marked already), else err
// unchanged (nil stays nil). [DB.RunInTx] marks its errors itself; wrap the
// errors of queries run directly on [DB.Bun] with it, keeping the chain with
// %w, so that the route answers 503 instead of 500:
//
//	if err := q.Scan(ctx); err != nil {
//		return fmt.Errorf("listing items: %w", dbmod.MarkUnavailable(err))
//	}
func MarkUnavailable(err error) error {
	if !IsUnavailable(err) {
		return err
	}
	var marked *UnavailableError
	if errors.As(err, &marked) {
		return err
	}
	return &UnavailableError{Err: err}
}
