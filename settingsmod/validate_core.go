package settingsmod

import "strings"

// checkCore validates the core and network settings, and the choice of
// database (the DB_* settings are left to [Settings.ValidateDatabase]).
func (ps *problems) checkCore(s *Settings) {
	ps.required("DOMAIN", s.Domain, "the public domain, e.g. localhost or api.example.com")
	if ps.required("ENVIRONMENT", s.Environment, "one of "+strings.Join(environments, ", ")) {
		ps.oneOf("ENVIRONMENT", s.Environment, environments)
	}
	ps.required("PROJECT_NAME", s.ProjectName, "the human-readable service name")
	ps.required("STACK_NAME", s.StackName, "the deployment stack slug, e.g. my-stack")
	if ps.required("API_PREFIX", s.APIPrefix, `the route prefix, e.g. "/api"`) {
		ps.urlPrefix("API_PREFIX", s.APIPrefix)
	}
	ps.urlPrefix("AUTH_PREFIX", s.AuthPrefix)
	if ps.required("BACKEND_HOST", s.BackendHost, "the backend URL, e.g. http://127.0.0.1:8000") {
		ps.httpURL("BACKEND_HOST", s.BackendHost)
	}
	if ps.required("FRONTEND_HOST", s.FrontendHost, "the frontend URL, e.g. http://localhost:5173") {
		ps.httpURL("FRONTEND_HOST", s.FrontendHost)
	}
	for i, item := range s.BackendCORSOrigins {
		if _, err := normaliseOrigin(item); err != nil {
			ps.add("BACKEND_CORS_ORIGINS", "item %d %v; each item must be a bare origin such as https://app.example.com:8443", i+1, err)
		}
	}
	ps.oneOf("SELECTED_DB", s.SelectedDB, databases)
}
