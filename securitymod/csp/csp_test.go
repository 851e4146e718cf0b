package csp

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestOverride(t *testing.T) {
	gin.SetMode(gin.TestMode)
	tests := []struct {
		name   string
		preset []string // CSP values already on the response
		want   []string
	}{
		{"replaces the set policy", []string{"default-src 'none'"}, []string{Docs}},
		{"replaces every value", []string{"a", "b"}, []string{Docs}},
		{"does nothing without a policy", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
			for _, v := range tt.preset {
				c.Writer.Header().Add(Header, v)
			}
			Override(c, Docs)
			got := c.Writer.Header().Values(Header)
			if len(got) != len(tt.want) || (len(got) == 1 && got[0] != tt.want[0]) {
				t.Fatalf("CSP %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHeaderIsCanonical(t *testing.T) {
	if http.CanonicalHeaderKey(Header) != Header {
		t.Fatalf("%q is not canonical", Header)
	}
}
