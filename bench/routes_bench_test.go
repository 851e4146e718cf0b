package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
)

type itemCreate struct {
	Name        string `json:"name" validate:"max=255" pattern:"^[^\\x00-\\x1f\\x7f]*[^\\x00-\\x20\\x7f][^\\x00-\\x1f\\x7f]*$"`
	Description string `json:"description,omitempty" validate:"max=2000" pattern:"^[^\\x00]*$"`
}

type createInput struct {
	Body itemCreate
}

type listInput struct {
	Limit  int `query:"limit" default:"20" validate:"min=1,max=100"`
	Offset int `query:"offset" default:"0" validate:"min=0"`
}

type created struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

var createBody = []byte(`{"name":"Lamp","description":"A desk lamp"}`)

// typedEngine declares the typed routes, under the default 30 s request
// deadline (REQUEST_TIMEOUT_SECONDS).
func typedEngine(b *testing.B) *gin.Engine { return typedEngineWith(b, 30*time.Second) }

// typedEngineWith declares them with the given request deadline (0: none).
func typedEngineWith(b *testing.B, timeout time.Duration) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{RequestTimeout: timeout})
	r := httpmod.NewRouter(e.Group(""), table)
	httpmod.Route(r, http.MethodPost, "/items/", func(_ context.Context, in *createInput) (*created, error) {
		return &created{ID: 1, Name: in.Body.Name}, nil
	}, httpmod.Status(http.StatusCreated))
	httpmod.Route(r, http.MethodGet, "/items/", func(_ context.Context, in *listInput) (*created, error) {
		return &created{ID: int64(in.Limit + in.Offset)}, nil
	})
	if err := table.Err(); err != nil {
		b.Fatal(err)
	}
	return e
}

// The patterns of itemCreate, for the hand-written handler.
var (
	namePattern        = regexp.MustCompile(`^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$`)
	descriptionPattern = regexp.MustCompile(`^[^\x00]*$`)
)

// plainEngine is the same two routes written by hand on gin: the same
// checks as the typed routes' where a hand-written handler can make them
// (media type, json.Decoder decode, nothing after the value, lengths in
// characters, the two patterns; not duplicate members or case-folded
// names), and strconv for the query. decodeOnly drops every check but the
// decode.
func plainEngine(decodeOnly bool) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	invalid := func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"detail": "invalid"})
	}
	e.POST("/items/", func(c *gin.Context) {
		var in itemCreate
		if decodeOnly {
			if err := json.NewDecoder(c.Request.Body).Decode(&in); err != nil {
				invalid(c)
				return
			}
			c.JSON(http.StatusCreated, &created{ID: 1, Name: in.Name})
			return
		}
		if c.ContentType() != "application/json" {
			c.AbortWithStatusJSON(http.StatusUnsupportedMediaType, gin.H{"detail": "unsupported"})
			return
		}
		dec := json.NewDecoder(io.LimitReader(c.Request.Body, 1<<20))
		if err := dec.Decode(&in); err != nil || dec.More() ||
			utf8.RuneCountInString(in.Name) > 255 || utf8.RuneCountInString(in.Description) > 2000 ||
			!namePattern.MatchString(in.Name) || !descriptionPattern.MatchString(in.Description) {
			invalid(c)
			return
		}
		c.JSON(http.StatusCreated, &created{ID: 1, Name: in.Name})
	})
	e.GET("/items/", func(c *gin.Context) {
		limit, err1 := strconv.Atoi(c.DefaultQuery("limit", "20"))
		offset, err2 := strconv.Atoi(c.DefaultQuery("offset", "0"))
		if err1 != nil || err2 != nil || limit < 1 || limit > 100 || offset < 0 {
			c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"detail": "invalid"})
			return
		}
		c.JSON(http.StatusOK, &created{ID: int64(limit + offset)})
	})
	return e
}

func benchPost(b *testing.B, e *gin.Engine) {
	w := &discard{h: http.Header{}}
	body := bytes.NewReader(createBody)
	req, _ := http.NewRequest(http.MethodPost, "/items/", body)
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = int64(len(createBody))
	b.ReportAllocs()
	for b.Loop() {
		body.Reset(createBody)
		req.Body = io.NopCloser(body)
		w.reset()
		e.ServeHTTP(w, req)
		if w.status != http.StatusCreated {
			b.Fatalf("status %d", w.status)
		}
	}
}

func benchGet(b *testing.B, e *gin.Engine) {
	w := &discard{h: http.Header{}}
	req, _ := http.NewRequest(http.MethodGet, "/items/?"+url.Values{"limit": {"50"}, "offset": {"10"}}.Encode(), nil)
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		e.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkRoutePost*: a 2-field JSON body. Typed (strict check, decode,
// rules, patterns, request deadline) against the hand-written handler with
// the same checks, and against a bare json.Decoder decode.
func BenchmarkRoutePostTyped(b *testing.B)      { benchPost(b, typedEngine(b)) }
func BenchmarkRoutePostPlain(b *testing.B)      { benchPost(b, plainEngine(false)) }
func BenchmarkRoutePostDecodeOnly(b *testing.B) { benchPost(b, plainEngine(true)) }

// BenchmarkRouteGetTyped / BenchmarkRouteGetPlain: 2 integer query
// parameters with bounds.
func BenchmarkRouteGetTyped(b *testing.B) { benchGet(b, typedEngine(b)) }
func BenchmarkRouteGetPlain(b *testing.B) { benchGet(b, plainEngine(false)) }

// The typed routes without a request deadline: what the deadline costs.
func BenchmarkRoutePostTypedNoDeadline(b *testing.B) { benchPost(b, typedEngineWith(b, 0)) }
func BenchmarkRouteGetTypedNoDeadline(b *testing.B)  { benchGet(b, typedEngineWith(b, 0)) }
