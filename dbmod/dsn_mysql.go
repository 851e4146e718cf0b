package dbmod

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/m8fx/kit/settingsmod"
)

// mysqlDSN fills cfg.DSN, Target and Name for SELECTED_DB=Mysql.
//
// DATABASE_URL may be a go-sql-driver DSN ("user:pass@tcp(db:3306)/app?tls=true")
// or a mysql:// (or mariadb://) URL ("mysql://user:pass@db:3306/app?tls=true",
// percent-encoded, port 3306 by default). Otherwise the DSN is assembled from
// the DB_* settings with mysql.Config.FormatDSN, which the driver parses back
// exactly, whatever characters the password holds.
//
// Whatever the source, parseTime=true and loc=UTC are forced (bun scans
// DATETIME into time.Time in UTC), timeout defaults to
// DB_CONNECT_TIMEOUT_SECONDS and readTimeout/writeTimeout to [MysqlIOTimeout].
func mysqlDSN(s *settingsmod.Settings, cfg *Config) error {
	var mc *mysql.Config
	raw := s.DatabaseURL.Value()
	switch {
	case raw == "":
		mc = mysql.NewConfig()
		mc.User = s.DBUser
		mc.Passwd = s.DBPassword.Value()
		mc.Net = "tcp"
		mc.Addr = net.JoinHostPort(s.DBHost, strconv.Itoa(s.DBPort))
		mc.DBName = s.DBDatabase
	default:
		if err := checkScheme(raw, Mysql); err != nil {
			return err
		}
		var err error
		if schemeKind(raw) == Mysql {
			mc, err = parseMysqlURL(raw)
		} else {
			mc, err = mysql.ParseDSN(raw)
		}
		if err != nil {
			return settingsProblem("DATABASE_URL", "is not a MySQL DSN (user:password@tcp(host:3306)/database) or mysql://user:password@host:3306/database URL")
		}
	}
	mc.ParseTime = true
	mc.Loc = time.UTC
	if mc.Timeout == 0 && s.DBConnectTimeoutSeconds > 0 {
		mc.Timeout = time.Duration(s.DBConnectTimeoutSeconds) * time.Second
	}
	if mc.ReadTimeout == 0 {
		mc.ReadTimeout = MysqlIOTimeout
	}
	if mc.WriteTimeout == 0 {
		mc.WriteTimeout = MysqlIOTimeout
	}
	cfg.DSN = settingsmod.Secret(mc.FormatDSN())
	cfg.Target = mc.Addr + "/" + mc.DBName
	cfg.Name = mc.DBName
	return nil
}

// parseMysqlURL turns mysql://user:pass@host:port/db?params into a driver
// config; the parameters are those of a go-sql-driver DSN.
func parseMysqlURL(raw string) (*mysql.Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "3306")
	}
	dsn := "tcp(" + host + ")/" + strings.TrimPrefix(u.EscapedPath(), "/")
	if u.RawQuery != "" {
		dsn += "?" + u.RawQuery
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	if u.User != nil {
		mc.User = u.User.Username()
		mc.Passwd, _ = u.User.Password()
	}
	return mc, nil
}
