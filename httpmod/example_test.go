package httpmod_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// A service's routes and middleware, built without fx.
func ExampleNewEngine() {
	gin.SetMode(gin.TestMode)
	settings := &settingsmod.Settings{Environment: "local", APIPrefix: "/api"}
	tenant := httpmod.Middleware{
		Name:     "tenant",
		Priority: httpmod.PriorityDefault,
		Handler: func(c *gin.Context) {
			c.Header("X-Tenant", "acme")
			c.Next()
		},
	}
	items := httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) {
			c.JSON(http.StatusOK, gin.H{"id": c.Param("id")})
		})
	})
	engine, err := httpmod.NewEngine(httpmod.EngineParams{
		Settings:   settings,
		Logger:     zap.NewNop(),
		Routes:     []httpmod.Routes{items},
		Middleware: []httpmod.Middleware{tenant},
	})
	if err != nil {
		panic(err)
	}

	for _, path := range []string{"/api/items/7", "/api/nothing"} {
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		fmt.Println(rec.Code, rec.Header().Get("X-Tenant"), rec.Body.String())
	}
	// Output:
	// 200 acme {"id":"7"}
	// 404 acme {"detail":"Not Found"}
}
