package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
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
			{"expired", is.Token(fxtest_helpers.TokenRole(authmod.RoleAdmin), fxtest_helpers.TokenExpiry(-time.Minute))},
			{"user", is.Token(fxtest_helpers.TokenRole(authmod.RoleUser))},
			{"reader", is.Token(fxtest_helpers.TokenRole(authmod.RoleReader))},
			{"writer", is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))},
			{"admin", is.Token(fxtest_helpers.TokenRole(authmod.RoleAdmin))},
			{"superadmin", is.Token(fxtest_helpers.TokenRole(authmod.RoleSuperadmin))},
			{"superuser", is.Token(fxtest_helpers.TokenSuperuser())},
			{"inactive admin", is.Token(fxtest_helpers.TokenRole(authmod.RoleAdmin), fxtest_helpers.TokenInactive())},
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
		writer := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleWriter), fxtest_helpers.TokenSubject(owner.String()))
		admin := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleAdmin))
		superuser := app.issuer.Token(fxtest_helpers.TokenSuperuser())

		before := time.Now().UTC().Add(-time.Second)
		rec := app.call("POST", "/api/items/", writer, map[string]string{"name": "  Lamp  ", "description": "A desk lamp, 40 W ☀"})
		if rec.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
		lamp := decode[Item](t, rec)
		if lamp.ID == 0 || lamp.Name != "  Lamp  " || lamp.Description != "A desk lamp, 40 W ☀" || lamp.OwnerID != owner {
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
		writer := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))
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

// TestItemsValidation: invalid input answers 422 with FastAPI's body
// (type, loc, msg) and stores nothing, on SQLite (validation happens before
// the database); other refusals of a body are 413 and 415.
func TestItemsValidation(t *testing.T) {
	app := newItemsApp(t, fxtest_helpers.WithSQLite())
	writer := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))
	tests := []struct {
		name, method, path string
		body               any
		want               string // type@loc of every problem
	}{
		{"no name", "POST", "/api/items/", map[string]string{"description": "x"}, "missing@body.name"},
		{"blank name", "POST", "/api/items/", map[string]string{"name": "   "}, "string_pattern_mismatch@body.name"},
		{"empty name", "POST", "/api/items/", map[string]string{"name": ""}, "string_pattern_mismatch@body.name"},
		{"long name, counted in characters", "POST", "/api/items/", map[string]string{"name": strings.Repeat("é", 256)}, "string_too_long@body.name"},
		{"255 spaces and 4 letters is long, not trimmed", "POST", "/api/items/", map[string]string{"name": strings.Repeat(" ", 255) + "abcd"}, "string_too_long@body.name"},
		{"name not a string", "POST", "/api/items/", `{"name": 42}`, "string_type@body.name"},
		{"long description", "POST", "/api/items/", map[string]string{"name": "n", "description": strings.Repeat("x", 2001)}, "string_too_long@body.description"},
		{"description not a string", "POST", "/api/items/", `{"name": "n", "description": true}`, "string_type@body.description"},
		{"NUL in name", "POST", "/api/items/", `{"name": "a\u0000b"}`, "string_pattern_mismatch@body.name"},
		{"escape in name", "POST", "/api/items/", `{"name": "a\u001bb"}`, "string_pattern_mismatch@body.name"},
		{"NUL in description", "POST", "/api/items/", `{"name": "n", "description": "x\u0000"}`, "string_pattern_mismatch@body.description"},
		{"two problems at once", "POST", "/api/items/", map[string]string{"name": "", "description": strings.Repeat("x", 2001)}, "string_too_long@body.description string_pattern_mismatch@body.name"},
		{"invalid JSON", "POST", "/api/items/", `{"name": `, "json_invalid@body.9"},
		{"trailing data", "POST", "/api/items/", `{"name":"x"} junk`, "json_invalid@body.13"},
		{"two objects", "POST", "/api/items/", `{"name":"x"}{"name":"y"}`, "json_invalid@body.12"},
		{"duplicate keys", "POST", "/api/items/", `{"name":"x","name":"y"}`, "json_invalid@body.12"},
		{"invalid UTF-8", "POST", "/api/items/", "{\"name\":\"a\xffb\"}", "json_invalid@body.10"},
		{"not an object", "POST", "/api/items/", `["name"]`, "model_type@body"},
		{"empty body", "POST", "/api/items/", "", "missing@body"},
		{"limit 0", "GET", "/api/items/?limit=0", nil, "greater_than_equal@query.limit"},
		{"limit 101", "GET", "/api/items/?limit=101", nil, "less_than_equal@query.limit"},
		{"limit text", "GET", "/api/items/?limit=abc", nil, "int_parsing@query.limit"},
		{"negative offset", "GET", "/api/items/?offset=-1", nil, "greater_than_equal@query.offset"},
		{"long q", "GET", "/api/items/?q=" + strings.Repeat("a", 101), nil, "string_too_long@query.q"},
		{"id text", "GET", "/api/items/abc", nil, "int_parsing@path.id"},
		{"id zero", "DELETE", "/api/items/0", nil, "greater_than_equal@path.id"},
	}
	admin := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleAdmin))
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
			var got []string
			for _, p := range decode[httpmod.ValidationError](t, rec).Detail {
				loc := make([]string, len(p.Loc))
				for i, l := range p.Loc {
					loc[i] = fmt.Sprint(l)
				}
				if p.Msg == "" {
					t.Errorf("problem without a message: %+v", p)
				}
				got = append(got, p.Type+"@"+strings.Join(loc, "."))
			}
			if strings.Join(got, " ") != tt.want {
				t.Fatalf("problems %v, want %s (%s)", got, tt.want, rec.Body)
			}
		})
	}
	for _, tc := range []struct {
		name, contentType, body string
		want                    int
	}{
		{"text/plain", "text/plain", `{"name":"x"}`, http.StatusUnsupportedMediaType},
		{"no content type", "", `{"name":"x"}`, http.StatusUnsupportedMediaType},
		{"over 64 KiB", "application/json", `{"name":"x","description":"` + strings.Repeat("x", 70_000) + `"}`, http.StatusRequestEntityTooLarge},
	} {
		req := httptest.NewRequest(http.MethodPost, "/api/items/", strings.NewReader(tc.body))
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		req.Header.Set("Authorization", fxtest_helpers.Bearer(writer))
		if rec := app.Do(req); rec.Code != tc.want || !strings.HasPrefix(rec.Body.String(), `{"detail":"`) {
			t.Errorf("%s: %d %s, want %d", tc.name, rec.Code, rec.Body, tc.want)
		}
	}
	if n := decode[ItemsPage](t, app.call("GET", "/api/items/", writer, nil)).Count; n != 0 {
		t.Fatalf("%d items stored by invalid requests", n)
	}
}

// TestItemsSearchAndPatch: ?q= matches a substring of the name literally,
// and PATCH admits the owner or an admin.
func TestItemsSearchAndPatch(t *testing.T) {
	app := newItemsApp(t, fxtest_helpers.WithSQLite())
	owner := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))
	other := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))
	admin := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleAdmin))
	lamp := app.mustCreate(t, owner, "Desk lamp")
	app.mustCreate(t, owner, "100% wool")
	app.mustCreate(t, owner, "Chair")
	for q, want := range map[string]int{"lamp": 1, "LAMP": 1, "a": 2, "100%": 1, "%": 1, "_": 0, "zzz": 0} {
		if got := decode[ItemsPage](t, app.call("GET", "/api/items/?q="+url.QueryEscape(q), owner, nil)); got.Count != want || len(got.Data) != want {
			t.Errorf("q=%q: count %d (%d items), want %d", q, got.Count, len(got.Data), want)
		}
	}
	path := fmt.Sprintf("/api/items/%d", lamp.ID)
	if rec := app.call("PATCH", path, other, map[string]string{"name": "Mine now"}); rec.Code != http.StatusForbidden {
		t.Fatalf("another writer patched: %d %s", rec.Code, rec.Body)
	}
	rec := app.call("PATCH", path, owner, map[string]string{"name": "Floor lamp"})
	if got := decode[Item](t, rec); rec.Code != http.StatusOK || got.Name != "Floor lamp" || got.Description != lamp.Description {
		t.Fatalf("owner patch: %d %s", rec.Code, rec.Body)
	}
	rec = app.call("PATCH", path, admin, map[string]string{"description": ""})
	if got := decode[Item](t, rec); rec.Code != http.StatusOK || got.Name != "Floor lamp" || got.Description != "" {
		t.Fatalf("admin patch: %d %s", rec.Code, rec.Body)
	}
	if rec := app.call("PATCH", "/api/items/999999", admin, map[string]string{"name": "x"}); rec.Code != http.StatusNotFound {
		t.Fatalf("patch of a missing item: %d %s", rec.Code, rec.Body)
	}
	if rec := app.call("HEAD", path, owner, nil); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Fatalf("HEAD: %d %q", rec.Code, rec.Body)
	}
}

// TestItemsDescriptionLimitIsASetting: ITEMS_DESCRIPTION_MAX_LEN changes what
// the server accepts and what the document says.
func TestItemsDescriptionLimitIsASetting(t *testing.T) {
	app := newItemsApp(t, fxtest_helpers.WithSQLite(), fxtest_helpers.WithSetting("ITEMS_DESCRIPTION_MAX_LEN", "10"))
	writer := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))
	if rec := app.call("POST", "/api/items/", writer, map[string]string{"name": "n", "description": strings.Repeat("é", 10)}); rec.Code != 201 {
		t.Fatalf("10 characters: %d %s", rec.Code, rec.Body)
	}
	if rec := app.call("POST", "/api/items/", writer, map[string]string{"name": "n", "description": strings.Repeat("x", 11)}); rec.Code != 422 ||
		!strings.Contains(rec.Body.String(), `"ctx":{"max_length":10}`) {
		t.Fatalf("11 characters: %d %s", rec.Code, rec.Body)
	}
	var doc openapi.Document
	if err := json.Unmarshal(app.doc, &doc); err != nil {
		t.Fatal(err)
	}
	if ml := doc.Components.Schemas["ItemCreate"].Properties["description"].MaxLength; ml == nil || *ml != 10 {
		t.Fatalf("documented maxLength %v, want 10", ml)
	}
}

// TestItemsMultilineDescription: newlines and tabs are text, not control
// characters, in a description.
func TestItemsMultilineDescription(t *testing.T) {
	app := newItemsApp(t, fxtest_helpers.WithSQLite())
	writer := app.issuer.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))
	rec := app.call("POST", "/api/items/", writer, map[string]string{"name": "Lamp", "description": "line 1\nline 2\twith a tab"})
	if rec.Code != 201 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}
