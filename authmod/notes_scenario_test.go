package authmod_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"go.uber.org/fx"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// The notes service of the new-user trial, on the typed route API: a
// service setting (NOTES_MAX_LEN) is the runtime limit of the note text,
// shown in the document; PATCH admits the note's owner or an editor (a
// custom role of the hierarchy).

type notesSettings struct {
	settingsmod.Settings
	NotesMaxLen int64 `env:"NOTES_MAX_LEN" envDefault:"280"`
}

func (s *notesSettings) Base() *settingsmod.Settings { return &s.Settings }

const roleEditor authmod.Role = "editor"

type noteText struct {
	Text string `json:"text" validate:"min=1,max_of=notes_max_len"`
}

type notePatch struct {
	ID   int64 `path:"id" validate:"min=1"`
	Body noteText
}

type noteOut struct {
	ID    int64     `json:"id"`
	Text  string    `json:"text"`
	Owner uuid.UUID `json:"owner"`
}

type noteStore struct {
	mu    sync.Mutex
	notes map[int64]*noteOut
}

func (s *noteStore) owner(_ context.Context, in *notePatch) (uuid.UUID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.notes[in.ID]
	if !ok {
		return uuid.Nil, httpmod.Error(http.StatusNotFound, "Note not found")
	}
	return n.Owner, nil
}

func (s *noteStore) patch(_ context.Context, in *notePatch) (*noteOut, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.notes[in.ID]
	if !ok { // an editor is admitted without the owner lookup
		return nil, httpmod.Error(http.StatusNotFound, "Note not found")
	}
	n.Text = in.Body.Text
	return n, nil
}

func TestNotesServiceScenario(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	alice := uuid.New()
	store := &noteStore{notes: map[int64]*noteOut{1: {ID: 1, Text: "hello", Owner: alice}}}
	env := is.Env()
	env["NOTES_MAX_LEN"] = "10"
	app := fxtest_helpers.New(t, fxtest_helpers.WithEnv(env), fxtest_helpers.WithOptions(
		settingsmod.Provide[notesSettings](),
		fx.Decorate(func(h authmod.RoleHierarchy) authmod.RoleHierarchy { return h.With(roleEditor, 25) }),
		httpmod.AsLimit(func(s *notesSettings) httpmod.Limit {
			return httpmod.Limit{Name: "notes_max_len", Value: s.NotesMaxLen}
		}),
		httpmod.AsRoutes(func(auth *authmod.Authenticator) httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				httpmod.Route(r, http.MethodPatch, "/notes/:id", store.patch,
					auth.Require(authmod.OwnerOr(store.owner, roleEditor)),
					httpmod.Responds(http.StatusNotFound, "No such note", nil),
					httpmod.Doc{Summary: "Edit a note", Tags: []string{"notes"}})
			})
		}),
	))
	patch := func(id int, token, text string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPatch, fmt.Sprintf("/api/notes/%d", id), strings.NewReader(`{"text":"`+text+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", fxtest_helpers.Bearer(token))
		return app.Do(req)
	}
	owner := is.Token(fxtest_helpers.TokenSubject(alice.String()))
	editor := is.Token(fxtest_helpers.TokenRole(roleEditor))
	writer := is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter)) // ranks above editor: the hierarchy admits it
	stranger := is.Token()
	for _, tc := range []struct {
		name  string
		id    int
		token string
		text  string
		want  int
	}{
		{"the owner", 1, owner, "by alice", 200},
		{"an editor", 1, editor, "by editor", 200},
		{"a higher role", 1, writer, "by writer", 200},
		{"another user", 1, stranger, "hijack", 403},
		{"at the setting's limit", 1, owner, "0123456789", 200},
		{"over the setting's limit", 1, owner, "0123456789a", 422},
		{"a note that does not exist", 9, editor, "x", 404},
	} {
		if rec := patch(tc.id, tc.token, tc.text); rec.Code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, rec.Code, rec.Body, tc.want)
		}
	}
	doc := app.Get("/api/openapi.json").Body.String()
	for _, want := range []string{`"maxLength":10`, `"x-m8fx-owner":true`, `"x-m8fx-required-role":"editor"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %s", want)
		}
	}
}
