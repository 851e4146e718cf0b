package dbmod

import (
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
)

func TestMysqlAssembly(t *testing.T) {
	s := dbSettings(t, "SELECTED_DB", "Mysql", "DB_HOST", "::1", "DB_PORT", "3307",
		"DB_DATABASE", "app", "DB_USER", "app", "DB_PASSWORD", specialPassword, "DB_CONNECT_TIMEOUT_SECONDS", "3",
		"DB_CONN_MAX_LIFETIME_SECONDS", "3600")
	cfg, err := ConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := mysql.ParseDSN(cfg.DSN.Value())
	if err != nil {
		t.Fatalf("assembled DSN does not parse: %v", err)
	}
	if mc.Passwd != specialPassword || mc.User != "app" || mc.Addr != "[::1]:3307" || mc.DBName != "app" {
		t.Fatalf("round trip: %q %q %q %q", mc.User, mc.Passwd, mc.Addr, mc.DBName)
	}
	if !mc.ParseTime || mc.Loc != time.UTC || mc.Timeout != 3*time.Second || mc.ReadTimeout != MysqlIOTimeout || mc.WriteTimeout != MysqlIOTimeout {
		t.Fatalf("driver options: parseTime %v loc %v timeout %s read %s write %s", mc.ParseTime, mc.Loc, mc.Timeout, mc.ReadTimeout, mc.WriteTimeout)
	}
	if cfg.ConnMaxLifetime != MysqlMaxConnLifetime || cfg.ConnMaxLifetime >= 5*time.Minute {
		t.Fatalf("MySQL lifetime %s not capped", cfg.ConnMaxLifetime)
	}
	if cfg.Target != "[::1]:3307/app" {
		t.Fatalf("target %q", cfg.Target)
	}
}

func TestParseMysqlURL(t *testing.T) {
	tests := []struct {
		raw                          string
		user, passwd, addr, database string
		wantErr                      bool
	}{
		{raw: "mysql://app:pw@db/app", user: "app", passwd: "pw", addr: "db:3306", database: "app"},
		{raw: "mariadb://app@db:3307/app?tls=skip-verify", user: "app", addr: "db:3307", database: "app"},
		{raw: "mysql://app:p%40ss%2Fw@[::1]/app", user: "app", passwd: "p@ss/w", addr: "[::1]:3306", database: "app"},
		{raw: "mysql://db/app?badparam=%zz", wantErr: true},
		{raw: "mysql://app:pw@db/app?timeout=notaduration", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			mc, err := parseMysqlURL(tt.raw)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parsed: %+v", mc)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if mc.User != tt.user || mc.Passwd != tt.passwd || mc.Addr != tt.addr || mc.DBName != tt.database {
				t.Fatalf("user %q password %q addr %q db %q", mc.User, mc.Passwd, mc.Addr, mc.DBName)
			}
		})
	}
}

func TestMysqlDSNKeepsExplicitTimeouts(t *testing.T) {
	cfg, err := ConfigFromSettings(dbSettings(t, "SELECTED_DB", "Mysql",
		"DATABASE_URL", "u:pw@tcp(db:3306)/app?timeout=2s&readTimeout=3s&writeTimeout=4s", "DB_CONNECT_TIMEOUT_SECONDS", "9"))
	if err != nil {
		t.Fatal(err)
	}
	mc, err := mysql.ParseDSN(cfg.DSN.Value())
	if err != nil {
		t.Fatal(err)
	}
	if mc.Timeout != 2*time.Second || mc.ReadTimeout != 3*time.Second || mc.WriteTimeout != 4*time.Second || !mc.ParseTime || mc.Loc != time.UTC {
		t.Fatalf("timeout %s read %s write %s parseTime %v loc %v", mc.Timeout, mc.ReadTimeout, mc.WriteTimeout, mc.ParseTime, mc.Loc)
	}
}
