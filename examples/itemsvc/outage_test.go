package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"go.uber.org/zap/zapcore"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

// attempt is one request of the outage test and what its client got.
type attempt struct {
	phase      string
	name       string // the item's name (POST) or "" (GET)
	status     int
	body       string
	retryAfter string
	elapsed    time.Duration
}

// Outage settings: the request deadline, and a write timeout above it as in
// the measurement.
const (
	outageRequestTimeout = 2 * time.Second
	outageWriteTimeout   = 5 * time.Second
)

// TestOutageNeverHangsNorWritesPhantoms runs the items service on
// PostgreSQL and MariaDB through a proxy that goes silent, then refuses
// connections, then recovers, and checks the invariant of issue 9 on every
// request: a client that got 201 finds its item, a client that got anything
// else never finds it, not even after the held bytes reached the server.
// On a silent database every request is answered 503 with Retry-After
// within REQUEST_TIMEOUT_SECONDS + 1 s (the only time bound: the issue's);
// on a refused one 503 with Retry-After; after each outage the same app,
// not restarted, serves again.
func TestOutageNeverHangsNorWritesPhantoms(t *testing.T) {
	for _, kind := range []string{"Postgres", "Mysql"} {
		t.Run(kind, func(t *testing.T) {
			dsn := fxtest_helpers.DatabaseDSN(t, kind)
			prefix := fxtest_helpers.UniqueTablesPrefix()
			t.Cleanup(func() { dropTables(t, kind, dsn, prefix) }) // first registered: runs after the app and the proxy stopped
			proxy, viaProxy := fxtest_helpers.ProxyDatabase(t, kind, dsn)
			is := fxtest_helpers.NewIssuer(t, "HS256")
			app := fxtest_helpers.New(t, fxtest_helpers.WithEnv(is.Env()), fxtest_helpers.WithEnv(map[string]string{
				"SELECTED_DB":                kind,
				"DATABASE_URL":               viaProxy,
				"TABLES_PREFIX":              prefix,
				"REQUEST_TIMEOUT_SECONDS":    strconv.Itoa(int(outageRequestTimeout / time.Second)),
				"HTTP_WRITE_TIMEOUT_SECONDS": strconv.Itoa(int(outageWriteTimeout / time.Second)),
			}), fxtest_helpers.WithOptions(dbmod.Module), fxtest_helpers.WithOptions(serviceOptions()...))
			transport := &http.Transport{}
			defer transport.CloseIdleConnections()
			c := &outageClient{url: app.URL, token: is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter)),
				http: &http.Client{Transport: transport, Timeout: 30 * time.Second}} // a hang fails instead of blocking the suite

			phases := []struct {
				name    string
				outage  func() // the database's state during the phase
				posts   int    // concurrent creates
				created bool   // 201 expected (else 503 with Retry-After)
			}{
				{name: "healthy", outage: func() {}, posts: 3, created: true},
				{name: "silent", outage: proxy.Pause, posts: 4},
				{name: "recovered from silence", outage: proxy.Resume, posts: 3, created: true},
				{name: "refusing", outage: proxy.Refuse, posts: 3},
				{name: "recovered from refusal", outage: proxy.Resume, posts: 3, created: true},
			}
			var all []attempt
			for _, ph := range phases {
				ph.outage()
				got := c.phase(t, ph.name, ph.posts)
				all = append(all, got...)
				for _, a := range got {
					checkAnswer(t, a, ph.created)
				}
			}
			proxy.Resume()

			// Stop the app (its pool closes every connection), then wait
			// until the server has ended every session: any write that will
			// ever be committed is committed now.
			app.Stop(t)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := proxy.Drain(ctx); err != nil {
				t.Fatal(err)
			}
			stored := storedNames(t, kind, dsn, prefix)
			for _, a := range all {
				if a.name == "" {
					continue
				}
				if found := slices.Contains(stored, a.name); found != (a.status == http.StatusCreated) {
					t.Errorf("%s: %s answered %d, stored %v: a client that got %d must %s its item", a.phase, a.name, a.status, found,
						a.status, map[bool]string{true: "find", false: "never find"}[a.status == http.StatusCreated])
				}
			}
			if len(stored) != countCreated(all) {
				t.Errorf("%d items stored, %d answered 201: %v", len(stored), countCreated(all), stored)
			}
			checkOutageLogs(t, app)
			reportOutage(t, all)
		})
	}
}

// outageClient calls the service over the network, as its clients do.
type outageClient struct {
	url   string
	token string
	http  *http.Client
}

// phase sends posts creates and one list at once and returns what each
// client got.
func (c *outageClient) phase(t *testing.T, phase string, posts int) []attempt {
	t.Helper()
	out := make([]attempt, posts+1)
	var wg sync.WaitGroup
	for i := range posts {
		name := fmt.Sprintf("%s item %d", phase, i)
		wg.Go(func() { out[i] = c.do(t, phase, http.MethodPost, name) })
	}
	wg.Go(func() { out[posts] = c.do(t, phase, http.MethodGet, "") })
	wg.Wait()
	return out
}

func (c *outageClient) do(t *testing.T, phase, method, name string) attempt {
	var body io.Reader
	if name != "" {
		raw, _ := json.Marshal(ItemCreate{Name: name})
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.url+"/api/items/", body)
	if err != nil {
		t.Error(err)
		return attempt{phase: phase, name: name}
	}
	req.Header.Set("Authorization", fxtest_helpers.Bearer(c.token))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	a := attempt{phase: phase, name: name, elapsed: time.Since(start)}
	if err != nil {
		t.Errorf("%s: %s %q: no answer: %v", phase, method, name, err)
		return a
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a.status, a.body, a.retryAfter = resp.StatusCode, string(raw), resp.Header.Get("Retry-After")
	return a
}

// checkAnswer asserts what one client got in a phase.
func checkAnswer(t *testing.T, a attempt, created bool) {
	t.Helper()
	what := "POST " + strconv.Quote(a.name)
	if a.name == "" {
		what = "GET"
	}
	switch {
	case created && a.name != "" && a.status != http.StatusCreated:
		t.Errorf("%s: %s answered %d %s, want 201", a.phase, what, a.status, a.body)
	case created && a.name == "" && a.status != http.StatusOK:
		t.Errorf("%s: %s answered %d %s, want 200", a.phase, what, a.status, a.body)
	case !created && (a.status != http.StatusServiceUnavailable || a.body != `{"detail":"Service temporarily unavailable"}` || a.retryAfter != "5"):
		t.Errorf("%s: %s answered %d %s (Retry-After %q), want 503 with Retry-After 5", a.phase, what, a.status, a.body, a.retryAfter)
	}
	if bound := outageRequestTimeout + time.Second; !created && a.elapsed > bound {
		t.Errorf("%s: %s answered after %v, want within REQUEST_TIMEOUT + 1 s (%v)", a.phase, what, a.elapsed, bound)
	}
}

func countCreated(all []attempt) int {
	n := 0
	for _, a := range all {
		if a.name != "" && a.status == http.StatusCreated {
			n++
		}
	}
	return n
}

// storedNames reads the item names straight from the server, not through
// the proxy.
func storedNames(t *testing.T, kind, dsn, prefix string) []string {
	t.Helper()
	cfg, err := dbmod.ConfigFromSettings(&settingsmod.Settings{SelectedDB: kind, DatabaseURL: settingsmod.Secret(dsn),
		TablesPrefix: prefix, DBMaxOpenConns: 2, DBConnectTimeoutSeconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var names []string
	if err := db.Bun().NewSelect().ColumnExpr("name").TableExpr("?", bun.Ident(db.Table("items"))).Scan(ctx, &names); err != nil {
		t.Fatalf("reading the stored items: %v", err)
	}
	return names
}

// checkOutageLogs: the outage is logged as 503s (warn), never as a 500.
func checkOutageLogs(t *testing.T, app *fxtest_helpers.App) {
	t.Helper()
	for _, l := range app.Logs.FilterMessage("http request").All() {
		if l.ContextMap()["status"] == int64(http.StatusInternalServerError) {
			t.Errorf("an outage request was answered 500: %v", l.ContextMap())
		}
	}
	if n := app.Logs.FilterMessage("request failed").FilterLevelExact(zapcore.ErrorLevel).Len(); n != 0 {
		t.Errorf("%d requests logged as failures (500)", n)
	}
	if app.Logs.FilterMessage("request failed: service unavailable").Len() == 0 {
		t.Error("the 503s are not logged with their cause")
	}
}

// reportOutage logs the measured numbers: answers per phase and the
// slowest answer of each.
func reportOutage(t *testing.T, all []attempt) {
	t.Helper()
	type tally struct {
		statuses map[int]int
		slowest  time.Duration
	}
	var order []string
	byPhase := map[string]*tally{}
	for _, a := range all {
		tl := byPhase[a.phase]
		if tl == nil {
			tl = &tally{statuses: map[int]int{}}
			byPhase[a.phase] = tl
			order = append(order, a.phase)
		}
		tl.statuses[a.status]++
		tl.slowest = max(tl.slowest, a.elapsed)
	}
	for _, ph := range order {
		t.Logf("outage %-24s answers %v, slowest %v", ph, byPhase[ph].statuses, byPhase[ph].slowest.Round(time.Millisecond))
	}
}
