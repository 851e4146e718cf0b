package dbmod

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"go.uber.org/zap"
)

// queryLogger is the bun query hook installed when Config.LogQueries is set
// (LOG_LEVEL=debug). Each query becomes one debug entry with its operation,
// duration and error. bun interpolates bound values into the SQL text before
// sending it, so the text (and with it the values) is logged only when
// Config.LogQueryText is set, which the module does in ENVIRONMENT=local only.
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
			fields = append(fields, zap.String("error", h.redact.String(e.Err.Error())))
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
