package dbmod

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/m8fx/kit/settingsmod"
)

// Config.Name and Config.Target of an in-memory database.
const (
	sqliteMemoryName   = "memory"
	sqliteMemoryTarget = ":memory:"
)

// sqliteDSN fills cfg.DSN, Target and Name for SELECTED_DB=Sqlite.
//
// The database is DATABASE_URL when set, else DB_DATABASE, in one of these
// forms:
//
//	itemsvc.db, ./data/app.db, /var/lib/app.db   a file path (created when missing)
//	:memory:                                     a private in-memory database
//	file:app.db?mode=rwc                         a SQLite URI, passed on as it is
//	sqlite:///app.db, sqlite:////abs/app.db      SQLAlchemy's form (3 slashes: relative)
//
// A path may carry driver parameters after "?" (_pragma=..., _txlock=...).
// dbmod adds, unless the string already sets them: busy_timeout
// ([SqliteBusyTimeout]) and foreign_keys=1 on every connection, and for files
// journal_mode=WAL, synchronous=NORMAL and _txlock=immediate (write
// transactions take the lock at BEGIN, so busy_timeout applies instead of an
// immediate SQLITE_BUSY on lock upgrade). They are DSN parameters, which
// modernc.org/sqlite runs on every new connection of the pool.
func sqliteDSN(s *settingsmod.Settings, cfg *Config) error {
	raw, env := s.DBDatabase, "DB_DATABASE"
	if s.DatabaseURL.IsSet() {
		raw, env = s.DatabaseURL.Value(), "DATABASE_URL"
		if err := checkScheme(raw, Sqlite); err != nil {
			return err
		}
	}
	dsn, target, err := buildSqliteDSN(strings.TrimSpace(raw))
	if err != nil {
		return settingsProblem(env, "%v", err)
	}
	cfg.DSN = settingsmod.Secret(dsn)
	cfg.Target = target
	cfg.Name = sqliteMemoryName
	if target != sqliteMemoryTarget {
		cfg.Name = filepath.Base(target)
	}
	return nil
}

// buildSqliteDSN returns the driver name for raw and the path (or
// ":memory:") it designates.
func buildSqliteDSN(raw string) (dsn, target string, err error) {
	lower := strings.ToLower(raw)
	switch {
	case strings.HasPrefix(lower, "sqlite:"):
		rest, ok := strings.CutPrefix(raw[len("sqlite:"):], "//")
		if !ok {
			return "", "", fmt.Errorf(`a sqlite: URL must start with "sqlite:///" (relative path) or "sqlite:////" (absolute path)`)
		}
		if rest == "" || strings.HasPrefix(rest, "?") {
			rest = ":memory:" + rest
		} else if rest, ok = strings.CutPrefix(rest, "/"); !ok {
			return "", "", fmt.Errorf(`a sqlite: URL must start with "sqlite:///" (relative path) or "sqlite:////" (absolute path)`)
		}
		return buildSqliteDSN(rest)
	case strings.HasPrefix(lower, "file:"):
		name, query, _ := strings.Cut(raw, "?")
		params, err := url.ParseQuery(query)
		if err != nil {
			return "", "", fmt.Errorf("has an invalid query string")
		}
		path := strings.TrimPrefix(name[len("file:"):], "//")
		target = unescapeSqlitePath(path)
		memory := target == ":memory:" || params.Get("mode") == "memory"
		if memory {
			target = ":memory:"
		}
		return name + "?" + sqliteParams(params, memory).Encode(), target, nil
	}
	path, query, _ := strings.Cut(raw, "?")
	if path == "" {
		return "", "", fmt.Errorf(`names no SQLite file (want a path, ":memory:" or a file: URI)`)
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return "", "", fmt.Errorf("has an invalid query string")
	}
	memory := path == ":memory:"
	return "file:" + escapeSqlitePath(path) + "?" + sqliteParams(params, memory).Encode(), path, nil
}

// sqliteParams adds dbmod's connection settings to the user's parameters,
// keeping every one the user set.
func sqliteParams(p url.Values, memory bool) url.Values {
	if p == nil {
		p = url.Values{}
	}
	pragma := func(name, value string, aliases ...string) {
		for _, a := range aliases {
			if p.Has(a) {
				return
			}
		}
		for _, v := range p["_pragma"] {
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), name) {
				return
			}
		}
		p.Add("_pragma", name+"("+value+")")
	}
	pragma("busy_timeout", fmt.Sprint(SqliteBusyTimeout.Milliseconds()), "_busy_timeout", "_timeout")
	pragma("foreign_keys", "1", "_foreign_keys", "_fk")
	if !memory {
		pragma("journal_mode", "WAL", "_journal_mode", "_journal")
		pragma("synchronous", "NORMAL", "_synchronous", "_sync")
		if !p.Has("_txlock") {
			p.Set("_txlock", "immediate")
		}
	}
	return p
}

// escapeSqlitePath makes a file path safe inside a SQLite URI: only "%",
// "?" and "#" have a meaning there.
func escapeSqlitePath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

func unescapeSqlitePath(path string) string {
	if p, err := url.PathUnescape(path); err == nil {
		return p
	}
	return path
}
