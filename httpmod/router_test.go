package httpmod_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
)

// TestRouterGroupsJoinPathsAndInheritOptions: a group's routes are served
// and declared under the joined path, and the group's options apply to
// them.
func TestRouterGroupsJoinPathsAndInheritOptions(t *testing.T) {
	gin.SetMode(gin.TestMode)
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	e := gin.New()
	r := httpmod.NewRouter(e.Group("/api/"), table)
	admin := r.Group("/admin//", httpmod.Doc{Tags: []string{"admin"}})
	if got := admin.BasePath(); got != "/api/admin/" {
		t.Errorf("BasePath %q", got)
	}
	if admin.Table() != table || admin.Gin() == nil {
		t.Error("a group shares the table and has its gin group")
	}
	httpmod.Handle(admin, http.MethodGet, "stats", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	if err := table.Err(); err != nil {
		t.Fatal(err)
	}
	if rec := do(e, http.MethodGet, "/api/admin/stats", "", ""); rec.Code != http.StatusNoContent {
		t.Fatalf("GET /api/admin/stats: %d", rec.Code)
	}
	var found bool
	for _, d := range table.Routes() {
		if d.Method == http.MethodGet && d.Path == "/api/admin/stats" {
			found = true
			if len(d.Operation.Tags) != 1 || d.Operation.Tags[0] != "admin" {
				t.Errorf("the group's Doc did not reach the route: %+v", d.Operation)
			}
		}
	}
	if !found {
		t.Fatalf("route not declared: %+v", table.Routes())
	}
}
