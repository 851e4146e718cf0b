package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

// TestItemsAuthorization: every route for every kind of caller, through the
// real engine, on every backend.
func TestItemsAuthorization(t *testing.T) {
	eachBackend(t, func(t *testing.T, db fxtest_helpers.Option) {
		app := newItemsApp(t, db)
		is := app.issuer
		callers := []struct{ name, token string }{
			{"anonymous", ""},
			{"invalid token", "not.a.token"},
			{"expired", is.Token(fxtest_helpers.WithRole(authmod.RoleAdmin), fxtest_helpers.WithExpiry(-time.Minute))},
			{"user", is.Token(fxtest_helpers.WithRole(authmod.RoleUser))},
			{"reader", is.Token(fxtest_helpers.WithRole(authmod.RoleReader))},
			{"writer", is.Token(fxtest_helpers.WithRole(authmod.RoleWriter))},
			{"admin", is.Token(fxtest_helpers.WithRole(authmod.RoleAdmin))},
			{"superadmin", is.Token(fxtest_helpers.WithRole(authmod.RoleSuperadmin))},
			{"superuser", is.Token(fxtest_helpers.WithSuperuser())},
			{"inactive admin", is.Token(fxtest_helpers.WithRole(authmod.RoleAdmin), fxtest_helpers.WithInactive())},
		}
		writer := callers[5].token
		// want[route] lists the status per caller, in the order above.
		routes := []struct {
			name, method string
			path         func() string // builds the path (creating the item it needs)
			body         any
			want         []int
		}{
			{"list", "GET", func() string { return "/api/items/" }, nil,
				[]int{401, 401, 401, 200, 200, 200, 200, 200, 200, 403}},
			{"create", "POST", func() string { return "/api/items/" }, map[string]string{"name": "new"},
				[]int{401, 401, 401, 403, 403, 201, 201, 201, 201, 403}},
			{"get", "GET", func() string { return fmt.Sprintf("/api/items/%d", app.mustCreate(t, writer, "g").ID) }, nil,
				[]int{401, 401, 401, 200, 200, 200, 200, 200, 200, 403}},
			{"delete", "DELETE", func() string { return fmt.Sprintf("/api/items/%d", app.mustCreate(t, writer, "d").ID) }, nil,
				[]int{401, 401, 401, 403, 403, 403, 200, 200, 200, 403}},
			{"purge", "POST", func() string { return "/api/items/purge" }, nil,
				[]int{401, 401, 401, 403, 403, 403, 403, 403, 200, 403}},
		}
		for _, r := range routes {
			for i, caller := range callers {
				t.Run(r.name+"/"+caller.name, func(t *testing.T) {
					rec := app.call(r.method, r.path(), caller.token, r.body)
					if rec.Code != r.want[i] {
						t.Fatalf("%s %s as %s: %d %s, want %d", r.method, r.name, caller.name, rec.Code, rec.Body, r.want[i])
					}
					if rec.Code >= 400 && decode[map[string]any](t, rec)["detail"] == nil {
						t.Fatalf("error without a JSON detail: %s", rec.Body)
					}
					if rec.Code == 401 && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
						t.Fatalf("401 without WWW-Authenticate: %v", rec.Header())
					}
				})
			}
		}
	})
}

// TestItemsCRUD: create, read, list newest first, delete, purge, with the
// owner taken from the token and UTC timestamps.
func TestItemsCRUD(t *testing.T) {
	eachBackend(t, func(t *testing.T, db fxtest_helpers.Option) {
		app := newItemsApp(t, db)
		owner := uuid.New()
		writer := app.issuer.Token(fxtest_helpers.WithRole(authmod.RoleWriter), fxtest_helpers.WithSubject(owner.String()))
		admin := app.issuer.Token(fxtest_helpers.WithRole(authmod.RoleAdmin))
		superuser := app.issuer.Token(fxtest_helpers.WithSuperuser())

		before := time.Now().UTC().Add(-time.Second)
		rec := app.call("POST", "/api/items/", writer, map[string]string{"name": "  Lamp  ", "description": "A desk lamp, 40 W ☀"})
		if rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		lamp := decode[Item](t, rec)
		if lamp.ID == 0 || lamp.Name != "Lamp" || lamp.Description != "A desk lamp, 40 W ☀" || lamp.OwnerID != owner {
			t.Fatalf("created %+v", lamp)
		}
		if lamp.CreatedAt.Before(before) || !lamp.CreatedAt.Equal(lamp.UpdatedAt) || !strings.Contains(rec.Body.String(), `Z","updated_at"`) {
			t.Fatalf("timestamps not UTC now: %s", rec.Body)
		}

		rec = app.call("GET", fmt.Sprintf("/api/items/%d", lamp.ID), writer, nil)
		if got := decode[Item](t, rec); rec.Code != 200 || got != lamp {
			t.Fatalf("get: %d %+v, want %+v", rec.Code, got, lamp)
		}

		chair := app.mustCreate(t, writer, "Chair")
		desk := app.mustCreate(t, writer, "Desk")
		page := decode[ItemsPage](t, app.call("GET", "/api/items/", writer, nil))
		if page.Count != 3 || len(page.Data) != 3 || page.Data[0].ID != desk.ID || page.Data[1].ID != chair.ID || page.Data[2] != lamp {
			t.Fatalf("list (newest first): %+v", page)
		}

		rec = app.call("DELETE", fmt.Sprintf("/api/items/%d", chair.ID), admin, nil)
		if rec.Code != 200 || rec.Body.String() != fmt.Sprintf(`{"deleted":%d}`, chair.ID) {
			t.Fatalf("delete: %d %s", rec.Code, rec.Body)
		}
		for _, method := range []string{"GET", "DELETE"} {
			rec = app.call(method, fmt.Sprintf("/api/items/%d", chair.ID), admin, nil)
			if rec.Code != 404 || rec.Body.String() != `{"detail":"Item not found"}` {
				t.Fatalf("%s deleted item: %d %s", method, rec.Code, rec.Body)
			}
		}

		rec = app.call("POST", "/api/items/purge", superuser, nil)
		if rec.Code != 200 || rec.Body.String() != `{"deleted":2}` {
			t.Fatalf("purge: %d %s", rec.Code, rec.Body)
		}
		rec = app.call("GET", "/api/items/", writer, nil)
		if rec.Code != 200 || rec.Body.String() != `{"data":[],"count":0}` {
			t.Fatalf("list after purge: %d %s", rec.Code, rec.Body)
		}
	})
}

func TestItemsPaging(t *testing.T) {
	eachBackend(t, func(t *testing.T, db fxtest_helpers.Option) {
		app := newItemsApp(t, db)
		writer := app.issuer.Token(fxtest_helpers.WithRole(authmod.RoleWriter))
		var ids []int64
		for i := range 5 {
			ids = append(ids, app.mustCreate(t, writer, fmt.Sprint("item ", i)).ID)
		}
		tests := []struct {
			query string
			want  []int64
		}{
			{"", []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
			{"?limit=2", []int64{ids[4], ids[3]}},
			{"?limit=2&offset=2", []int64{ids[2], ids[1]}},
			{"?offset=4", []int64{ids[0]}},
			{"?offset=5", nil},
			{"?limit=100&offset=0", []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		}
		for _, tt := range tests {
			rec := app.call("GET", "/api/items/"+tt.query, writer, nil)
			page := decode[ItemsPage](t, rec)
			var got []int64
			for _, it := range page.Data {
				got = append(got, it.ID)
			}
			if rec.Code != 200 || page.Count != 5 || fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("%q: %d count %d ids %v, want %v", tt.query, rec.Code, page.Count, got, tt.want)
			}
		}
	})
}

// TestItemsValidation: invalid input answers 422 naming the field, on SQLite
// (validation happens before the database).
func TestItemsValidation(t *testing.T) {
	app := newItemsApp(t, fxtest_helpers.WithSQLite())
	writer := app.issuer.Token(fxtest_helpers.WithRole(authmod.RoleWriter))
	tests := []struct {
		name, method, path string
		body               any
		loc                string
		msg                string
	}{
		{"no name", "POST", "/api/items/", map[string]string{"description": "x"}, "body.name", "field required"},
		{"blank name", "POST", "/api/items/", map[string]string{"name": "   "}, "body.name", "must not be empty"},
		{"long name", "POST", "/api/items/", map[string]string{"name": strings.Repeat("é", 256)}, "body.name", "at most 255 characters"},
		{"name not a string", "POST", "/api/items/", `{"name": 42}`, "body.name", "must be a string"},
		{"long description", "POST", "/api/items/", map[string]string{"name": "n", "description": strings.Repeat("x", 2001)}, "body.description", "at most 2000"},
		{"description not a string", "POST", "/api/items/", `{"name": "n", "description": true}`, "body.description", "must be a string"},
		{"NUL in name", "POST", "/api/items/", `{"name": "a\u0000b"}`, "body.name", "control characters"},
		{"escape in name", "POST", "/api/items/", `{"name": "a\u001bb"}`, "body.name", "control characters"},
		{"NUL in description", "POST", "/api/items/", `{"name": "n", "description": "x\u0000"}`, "body.description", "control characters"},
		{"invalid JSON", "POST", "/api/items/", `{"name": `, "body", "invalid JSON"},
		{"not an object", "POST", "/api/items/", `["name"]`, "body", "JSON object"},
		{"empty body", "POST", "/api/items/", "", "body", "field required"},
		{"limit 0", "GET", "/api/items/?limit=0", nil, "query.limit", "from 1 to 100"},
		{"limit 101", "GET", "/api/items/?limit=101", nil, "query.limit", "from 1 to 100"},
		{"limit text", "GET", "/api/items/?limit=ten", nil, "query.limit", "integer"},
		{"negative offset", "GET", "/api/items/?offset=-1", nil, "query.offset", "at least 0"},
		{"id text", "GET", "/api/items/abc", nil, "path.id", "positive integer"},
		{"id zero", "DELETE", "/api/items/0", nil, "path.id", "positive integer"},
	}
	admin := app.issuer.Token(fxtest_helpers.WithRole(authmod.RoleAdmin))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := writer
			if tt.method == "DELETE" {
				token = admin
			}
			rec := app.call(tt.method, tt.path, token, tt.body)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%d %s, want 422", rec.Code, rec.Body)
			}
			body := decode[ValidationErrorBody](t, rec)
			field := tt.loc[strings.LastIndex(tt.loc, ".")+1:]
			if len(body.Errors) != 1 || strings.Join(body.Errors[0].Loc, ".") != tt.loc || !strings.Contains(body.Errors[0].Msg, tt.msg) ||
				!strings.HasPrefix(body.Detail, field+": ") {
				t.Fatalf("body %s, want %s: ...%s", rec.Body, tt.loc, tt.msg)
			}
		})
	}
	if n := decode[ItemsPage](t, app.call("GET", "/api/items/", writer, nil)).Count; n != 0 {
		t.Fatalf("%d items stored by invalid requests", n)
	}
}

// TestItemsMultilineDescription: newlines and tabs are text, not control
// characters, in a description.
func TestItemsMultilineDescription(t *testing.T) {
	app := newItemsApp(t, fxtest_helpers.WithSQLite())
	writer := app.issuer.Token(fxtest_helpers.WithRole(authmod.RoleWriter))
	rec := app.call("POST", "/api/items/", writer, map[string]string{"name": "Lamp", "description": "line 1\nline 2\twith a tab"})
	if rec.Code != 201 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}
