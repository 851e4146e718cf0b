package main

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/openapi/openapitest"
)

// TestDocumentedIsEnforced: for every operation of the service's document,
// boundary inputs derived from the document itself are accepted by the
// server exactly when the document accepts them (and every answer matches
// the document), on every backend.
func TestDocumentedIsEnforced(t *testing.T) {
	eachBackend(t, func(t *testing.T, db fxtest_helpers.Option) {
		app := newItemsApp(t, db)
		super := app.issuer.Token(fxtest_helpers.TokenSuperuser())
		existing := app.mustCreate(t, super, "Lamp")
		doomed := app.mustCreate(t, super, "Deleted by the DELETE variants")
		openapitest.Conformance(t, app.Handler, app.doc, openapitest.ConformanceOptions{
			Header: func(string, string) http.Header {
				return http.Header{"Authorization": {fxtest_helpers.Bearer(super)}}
			},
			// Purging would delete the item the other operations use.
			Skip: func(method, path string) bool { return path == "/api/items/purge" },
			PathValues: func(method, _, param string) string {
				switch {
				case param == "id" && method == http.MethodDelete:
					return fmt.Sprint(doomed.ID)
				case param == "id":
					return fmt.Sprint(existing.ID)
				}
				return ""
			},
		})
	})
}
