// Package openapitest proves in tests that a service's OpenAPI 3.1 document
// says exactly what its server does. It works on the document's JSON bytes
// and a plain http.Handler (or http.Client), so it depends on nothing else
// of the kit:
//
//   - [Validate] checks the document itself, offline, against the official
//     OpenAPI 3.1 JSON Schemas (embedded, see schemas/README.md).
//   - [ResponseValidator] checks responses against the document: a
//     documented operation and status, a documented media type, a body
//     matching its schema, documented headers. [ResponseValidator.Handler]
//     wraps a handler, [ResponseValidator.Transport] an http.Client's
//     transport, and both report every bad response with t.Errorf.
//   - [Conformance] sends, to every operation with parameters or a JSON
//     body, boundary inputs derived from the document (each string at its
//     length limits, each number at its bounds, each required value left
//     out, wrong types, enum members and non-members ...) and reports every
//     input that the document and the server judge differently: the
//     server must answer 422 to exactly the inputs the document refuses.
//
// Request and response matching and the schema checks are
// github.com/pb33f/libopenapi-validator's.
//
//	func TestOpenAPI(t *testing.T) {
//		app := fxtest_helpers.New(t, ...)
//		doc := app.Get("/api/openapi.json").Body.Bytes()
//		if err := openapitest.Validate(doc); err != nil {
//			t.Fatal(err)
//		}
//		openapitest.Conformance(t, app.Handler, doc, openapitest.ConformanceOptions{
//			Header: func(method, path string) http.Header {
//				return http.Header{"Authorization": {"Bearer " + adminToken}}
//			},
//		})
//	}
//
// and, in the other tests of the service, every response checked in one
// line:
//
//	rv, err := openapitest.NewResponseValidator(doc)
//	...
//	handler := rv.Handler(t, app.Handler)
package openapitest
