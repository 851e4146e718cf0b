package dbmod

import (
	"database/sql"
	"fmt"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun/dialect/mysqldialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/schema"
	"go.uber.org/zap"
	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go, no cgo)
)

// openPool opens the database/sql pool for cfg without connecting (the first
// query dials) and applies the pool knobs. It returns the passwords the DSN
// holds, for redaction.
func openPool(cfg Config, log *zap.Logger) (*sql.DB, []string, error) {
	var (
		db      *sql.DB
		secrets []string
	)
	switch cfg.Kind {
	case Postgres:
		pc, err := pgx.ParseConfig(cfg.DSN.Value())
		if err != nil {
			return nil, nil, fmt.Errorf("dbmod: PostgreSQL connection string for %s does not parse", cfg.Target)
		}
		if pc.ConnectTimeout == 0 {
			pc.ConnectTimeout = cfg.ConnectTimeout
		}
		secrets = append(secrets, pc.Password)
		db = stdlib.OpenDB(*pc)
	case Mysql:
		mc, err := mysql.ParseDSN(cfg.DSN.Value())
		if err != nil {
			return nil, nil, fmt.Errorf("dbmod: MySQL DSN for %s does not parse", cfg.Target)
		}
		mc.Logger = mysqlLogger{log: log}
		if mc.Timeout == 0 {
			mc.Timeout = cfg.ConnectTimeout
		}
		connector, err := mysql.NewConnector(mc)
		if err != nil {
			return nil, nil, fmt.Errorf("dbmod: MySQL DSN for %s: invalid configuration", cfg.Target)
		}
		secrets = append(secrets, mc.Passwd)
		db = sql.OpenDB(connector)
	case Sqlite:
		var err error
		if db, err = sql.Open("sqlite", cfg.DSN.Value()); err != nil {
			return nil, nil, fmt.Errorf("dbmod: SQLite %s: %w", cfg.Target, err)
		}
	default:
		return nil, nil, fmt.Errorf("dbmod: unknown database kind %q (want Postgres, Mysql or Sqlite)", cfg.Kind)
	}
	db.SetMaxOpenConns(cfg.MaxOpenConns)
	db.SetMaxIdleConns(cfg.MaxIdleConns)
	db.SetConnMaxLifetime(cfg.ConnMaxLifetime)
	db.SetConnMaxIdleTime(cfg.ConnMaxIdleTime)
	return db, secrets, nil
}

// dialectFor returns a new bun dialect for kind. bun.NewDB calls its Init,
// which for MySQL asks the server for its version to pick features (MariaDB
// RETURNING, MySQL 8 CTEs): that is why bun is built only once the server
// answers.
func dialectFor(kind Kind) schema.Dialect {
	switch kind {
	case Postgres:
		return pgdialect.New()
	case Mysql:
		return mysqldialect.New()
	default:
		return sqlitedialect.New()
	}
}

// mysqlLogger sends go-sql-driver's internal messages (bad idle connections
// and the like) to zap instead of the standard logger.
type mysqlLogger struct{ log *zap.Logger }

func (l mysqlLogger) Print(v ...any) {
	l.log.Warn("mysql driver", zap.String("message", fmt.Sprint(v...)))
}
