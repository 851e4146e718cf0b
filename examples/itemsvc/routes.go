package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

// InfoResponse is the body of GET {API_PREFIX}/info.
type InfoResponse struct {
	Service string `json:"service"`
	Version string `json:"version"`
	M8fx    string `json:"m8fx"`
}

// NewRoutes mounts the public routes of the service under API_PREFIX.
func NewRoutes(s *settingsmod.Settings) httpmod.Routes {
	info := InfoResponse{Service: s.ProjectName, Version: s.ServiceVersion, M8fx: m8fx.Version}
	return httpmod.RoutesFunc(func(r gin.IRouter) {
		r.GET("/info", func(c *gin.Context) { c.JSON(http.StatusOK, info) })
	})
}
