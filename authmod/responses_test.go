package authmod

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestBodiesAreEncodingJSON: the pre-written bodies are exactly what
// encoding/json writes for {"detail": ...}.
func TestBodiesAreEncodingJSON(t *testing.T) {
	for body, detail := range map[string]string{
		bodyNotAuthenticated:   DetailNotAuthenticated,
		bodyInvalidCredentials: DetailInvalidCredentials,
		bodyInactiveUser:       DetailInactiveUser,
		bodyNotEnoughPrivilege: DetailNotEnoughPrivilege,
		bodyAuthUnavailable:    DetailAuthUnavailable,
		bodyInternalError:      http.StatusText(http.StatusInternalServerError),
	} {
		want, err := json.Marshal(map[string]string{"detail": detail})
		if err != nil {
			t.Fatal(err)
		}
		if body != string(want) {
			t.Errorf("body %s, encoding/json writes %s", body, want)
		}
	}
}

// TestAbortAnswers: status, body and headers of every answer, and the
// request is aborted.
func TestAbortAnswers(t *testing.T) {
	cases := []struct {
		name       string
		abort      func(*gin.Context)
		status     int
		body       string
		challenge  string
		retryAfter string
	}{
		{"not authenticated", abortNotAuthenticated, 401, bodyNotAuthenticated, ChallengeBearer, ""},
		{"invalid token", abortInvalidToken, 401, bodyInvalidCredentials, ChallengeInvalidToken, ""},
		{"inactive", abortInactive, 403, bodyInactiveUser, "", ""},
		{"forbidden", abortForbidden, 403, bodyNotEnoughPrivilege, "", ""},
		{"unavailable", abortUnavailable, 503, bodyAuthUnavailable, "", RetryAfterSeconds},
		{"misconfigured", abortMisconfigured, 500, bodyInternalError, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			tc.abort(c)
			if !c.IsAborted() {
				t.Fatal("not aborted")
			}
			if rec.Code != tc.status || rec.Body.String() != tc.body {
				t.Fatalf("%d %s, want %d %s", rec.Code, rec.Body, tc.status, tc.body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != jsonContentType {
				t.Errorf("Content-Type %q", ct)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("WWW-Authenticate %q, want %q", got, tc.challenge)
			}
			if got := rec.Header().Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tc.retryAfter)
			}
		})
	}
}
