package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/openapi/openapitest"
)

// backends are the databases the items tests run on: SQLite always, the
// servers when M8FX_TEST_POSTGRES_DSN / M8FX_TEST_MYSQL_DSN are set (skipped
// otherwise, failed under M8FX_REQUIRE_DB=1).
var backends = []string{"Sqlite", "Postgres", "Mysql"}

// eachBackend runs fn as a subtest per backend with the option that adds
// dbmod.Module on it (a private in-memory SQLite database, or the server with
// a table prefix of the test's own).
func eachBackend(t *testing.T, fn func(t *testing.T, db fxtest_helpers.Option)) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			if b == "Sqlite" {
				fn(t, fxtest_helpers.WithSQLite())
				return
			}
			fn(t, fxtest_helpers.WithDatabase(b, fxtest_helpers.DatabaseDSN(t, b)))
		})
	}
}

// itemsApp is the service on db, trusting tokens from a fresh HS256 issuer.
type itemsApp struct {
	*fxtest_helpers.App
	issuer *fxtest_helpers.Issuer
	doc    []byte // the service's OpenAPI document
}

// newItemsApp starts the service; every response the test receives is
// checked against the service's own OpenAPI document (status documented,
// body matching its schema).
func newItemsApp(t *testing.T, db fxtest_helpers.Option, opts ...fxtest_helpers.Option) *itemsApp {
	t.Helper()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	all := append([]fxtest_helpers.Option{fxtest_helpers.WithEnv(is.Env()), db, fxtest_helpers.WithOptions(serviceOptions()...)}, opts...)
	app := fxtest_helpers.New(t, all...)
	doc := app.Get("/api/openapi.json").Body.Bytes()
	rv, err := openapitest.NewResponseValidator(doc)
	if err != nil {
		t.Fatalf("the service's document: %v", err)
	}
	app.Handler = rv.Handler(t, app.Handler)
	return &itemsApp{App: app, issuer: is, doc: doc}
}

// call serves method path with an optional bearer token and JSON body.
func (a *itemsApp) call(method, path, token string, body any) *httptest.ResponseRecorder {
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	req := httptest.NewRequest(method, path, bytes.NewReader(raw))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", fxtest_helpers.Bearer(token))
	}
	return a.Do(req)
}

// decode unmarshals rec's body into v, failing the test on error.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body %s: %v", rec.Body, err)
	}
	return v
}

// mustCreate creates an item with a writer token and returns it.
func (a *itemsApp) mustCreate(t *testing.T, token, name string) Item {
	t.Helper()
	rec := a.call(http.MethodPost, "/api/items/", token, map[string]string{"name": name, "description": "about " + name})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create %s: %d %s", name, rec.Code, rec.Body)
	}
	return decode[Item](t, rec)
}
