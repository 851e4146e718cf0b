package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for the checks and the cleanup

	"github.com/m8fx/kit/fxtest_helpers"
)

// TestThreeReplicas runs three itemsvc processes on one PostgreSQL database
// against one dev issuer, as docs/scaling.md describes: all three boot
// (started together) with one migration run between them, an item written
// through one is read through the others, and a user revocation is refused
// by all three within 1 s (the event stream reaches every replica's cache).
func TestThreeReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	dsn := fxtest_helpers.DatabaseDSN(t, "Postgres")
	prefix := fxtest_helpers.UniqueTablesPrefix()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dropPrefixed(t, db, prefix); _ = db.Close() })

	m8fx, svc := m8fxBinary(t), itemsvcBinary(t)
	state := t.TempDir()
	_, issuer := startDevIssuerProcess(t, m8fx, state)
	envFile := devIssuerEnvFile(t, m8fx, state, issuer)

	const n = 3
	procs, bases := make([]*proc, n), make([]string, n)
	for i := range n { // started together: they race for the migrations lock
		procs[i] = startItemsvc(t, svc, "ENV_FILE="+envFile, "SELECTED_DB=Postgres", "DATABASE_URL="+dsn, "TABLES_PREFIX="+prefix)
	}
	for i, p := range procs {
		bases[i] = p.ready(t)
	}
	applied, upToDate := 0, 0
	for _, p := range procs {
		p.waitFor(t, streamConnected, 30*time.Second)
		applied += p.out.count("database migrations applied")
		upToDate += p.out.count("database schema up to date")
	}
	if applied != 1 || upToDate != n-1 {
		t.Errorf("migration runs: %d applied, %d up to date; want 1 and %d", applied, upToDate, n-1)
	}
	var rows int
	if err := db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM %q`, prefix+"_bun_migrations")).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("migrations table rows = %d (%v), want 1", rows, err)
	}

	var m struct{ Token, Sub string }
	if err := json.Unmarshal([]byte(runM8fx(t, m8fx, "dev-issuer", "mint", "-url", issuer, "-role", "writer", "-json")), &m); err != nil {
		t.Fatal(err)
	}
	id := createItem(t, bases[0], m.Token)
	for _, base := range bases[1:] {
		if code := get(t, http.MethodGet, fmt.Sprintf("%s/api/items/%d", base, id), m.Token, nil); code != http.StatusOK {
			t.Errorf("item %d written through replica 0, read through %s: %d", id, base, code)
		}
	}
	for _, base := range bases { // every replica caches the token's positive answer
		if code := get(t, http.MethodGet, base+"/api/items/", m.Token, nil); code != http.StatusOK {
			t.Fatalf("%s: %d", base, code)
		}
	}

	start := time.Now()
	runM8fx(t, m8fx, "dev-issuer", "revoke-user", "-url", issuer, "-sub", m.Sub)
	var slowest time.Duration
	for _, base := range bases {
		eventually(t, time.Second-time.Since(start), "401 on "+base+" after the user revocation", func() bool {
			return get(t, http.MethodGet, base+"/api/items/", m.Token, nil) == http.StatusUnauthorized
		})
		slowest = time.Since(start)
	}
	t.Logf("user revocation refused by all %d replicas %v after revoke-user was run", n, slowest)
}

// createItem posts an item and returns its id.
func createItem(t *testing.T, base, token string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/items/", strings.NewReader(`{"name":"Shared lamp"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var item struct {
		ID int64 `json:"id"`
	}
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(data, &item) != nil || item.ID == 0 {
		t.Fatalf("POST /api/items/: %d %s", resp.StatusCode, data)
	}
	return item.ID
}

// dropPrefixed drops the tables the replicas made.
func dropPrefixed(t *testing.T, db *sql.DB, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND starts_with(tablename, $1)`, prefix+"_")
	if err != nil {
		t.Errorf("listing the replicas' tables: %v", err)
		return
	}
	var names []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil {
			names = append(names, name)
		}
	}
	_ = rows.Close()
	for _, name := range names {
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %q`, name)); err != nil {
			t.Errorf("dropping %s: %v", name, err)
		}
	}
}
