package dbmod

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"go.uber.org/zap"
	"modernc.org/sqlite"
)

// queryLogger is the bun query hook installed when Config.LogQueries is set
// (LOG_LEVEL=debug). Each query becomes one debug entry with its operation,
// duration and error. bun interpolates bound values into the SQL text before
// sending it, and server error messages may quote values, so the text and
// the error message are logged only when Config.LogQueryText is set, which
// the module does in ENVIRONMENT=local only; elsewhere a failed query logs
// the engine's error code.
type queryLogger struct {
	log    *zap.Logger
	text   bool
	redact redactor
}

var _ bun.QueryHook = queryLogger{}

func (queryLogger) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }

func (h queryLogger) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if ce := h.log.Check(zap.DebugLevel, "query"); ce != nil {
		fields := []zap.Field{
			zap.String("operation", operation(e)),
			zap.Duration("duration", time.Since(e.StartTime)),
		}
		if h.text {
			fields = append(fields, zap.String("query", e.Query))
		}
		if e.Err != nil && !errors.Is(e.Err, sql.ErrNoRows) {
			if h.text {
				fields = append(fields, zap.String("error", h.redact.String(e.Err.Error())))
			} else {
				// Server messages may quote values ("Duplicate entry 'x'").
				fields = append(fields, zap.String("error_code", errorCode(e.Err)))
			}
		}
		ce.Write(fields...)
	}
}

// operation is the query's verb. bun reports every raw query as SELECT, so
// for those the first word of the text is used.
func operation(e *bun.QueryEvent) string {
	if _, raw := e.IQuery.(*bun.RawQuery); !raw {
		return e.Operation()
	}
	verb, _, _ := strings.Cut(strings.TrimSpace(e.Query), " ")
	if len(verb) > 16 {
		verb = verb[:16]
	}
	return strings.ToUpper(verb)
}

// errorCode identifies a query error without its message: the SQLSTATE for
// PostgreSQL, the error number for MySQL, the result code for SQLite, else
// the error's Go type.
func errorCode(err error) string {
	var pgErr *pgconn.PgError
	var myErr *mysql.MySQLError
	var liteErr *sqlite.Error
	switch {
	case errors.As(err, &pgErr):
		return "SQLSTATE " + pgErr.Code
	case errors.As(err, &myErr):
		return fmt.Sprintf("MySQL %d", myErr.Number)
	case errors.As(err, &liteErr):
		return fmt.Sprintf("SQLite %d", liteErr.Code())
	}
	return fmt.Sprintf("%T", err)
}
