// Package docsmod serves a service's API documentation: the OpenAPI 3.1
// document at {API_PREFIX}/openapi.json, Swagger UI at {API_PREFIX}/docs and
// ReDoc at {API_PREFIX}/redoc, with their assets embedded in the binary (no
// CDN, no inline script; the pages carry securitymod.DocsCSP).
//
// The document is generated from the app's httpmod.RouteTable: every route
// declared with httpmod.Route or httpmod.Handle brings its own operation
// (parameters, body, answers, guard), so the document cannot drift from the
// server. Routes registered on gin directly appear with their method and
// path, and [Describe] can document them; a description that matches no such
// route fails the app's start. HEAD twins of GET routes are served and not
// listed (HEAD is implied by GET).
//
// Everything is off in production (ENVIRONMENT=production or
// STRICT_PRODUCTION_MODE) unless SERVE_DOCS_IN_PRODUCTION=true; SET_OPEN_API,
// SET_DOCS and SET_REDOC switch each part, and the UIs need the document.
// [Module] is part of m8fx.Module; change the title, tags or servers with
// fx.Decorate of [Config].
package docsmod
