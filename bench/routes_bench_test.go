package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"

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

// typedEngine declares the typed routes.
func typedEngine(b *testing.B) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
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

// plainEngine is the same two routes written by hand on gin: a
// json.Decoder decode (with the length checks) and strconv for the query.
func plainEngine() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.POST("/items/", func(c *gin.Context) {
		var in itemCreate
		if err := json.NewDecoder(c.Request.Body).Decode(&in); err != nil || in.Name == "" || len(in.Name) > 255 {
			c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"detail": "invalid"})
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

// BenchmarkRoutePostTyped / BenchmarkRoutePostPlain: a 2-field JSON body,
// typed route (strict check, decode, rules, patterns) against a hand-written
// json.Decoder handler.
func BenchmarkRoutePostTyped(b *testing.B) { benchPost(b, typedEngine(b)) }
func BenchmarkRoutePostPlain(b *testing.B) { benchPost(b, plainEngine()) }

// BenchmarkRouteGetTyped / BenchmarkRouteGetPlain: 2 integer query
// parameters with bounds.
func BenchmarkRouteGetTyped(b *testing.B) { benchGet(b, typedEngine(b)) }
func BenchmarkRouteGetPlain(b *testing.B) { benchGet(b, plainEngine()) }
