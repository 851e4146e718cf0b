package main

import (
	"context"
	"net/http"

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

// NewRoutes declares the public routes of the service under API_PREFIX.
func NewRoutes(s *settingsmod.Settings) httpmod.Routes {
	info := &InfoResponse{Service: s.ProjectName, Version: s.ServiceVersion, M8fx: m8fx.Version}
	return httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Route(r, http.MethodGet, "/info", func(context.Context, *httpmod.NoInput) (*InfoResponse, error) { return info, nil },
			httpmod.Doc{Summary: "Service information", Tags: []string{"service"},
				Description: "The service's name and version and the m8fx version it runs on."})
	})
}
