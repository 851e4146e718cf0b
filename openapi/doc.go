// Package openapi is the OpenAPI 3.1 model of the kit and the reflection
// that turns Go types into JSON Schemas (see [Schemas]): JSON names from
// json tags, required properties from the types (pointers, omitempty,
// defaults), and the keywords of the validate rules (min/max → minLength,
// maximum, maxItems..., oneof → enum, dive → items, pattern tags, runtime
// limits), so that a document states exactly the rules httpmod's typed
// routes enforce.
//
// Services normally do not call this package directly: httpmod.Route and
// httpmod.Handle record an [Operation] for each declared route, and docsmod
// runs the [Generator] over them to serve {API_PREFIX}/openapi.json. The generator
// knows nothing of authentication: guards describe themselves with
// [Operation.Security], [Operation.SecuritySchemes], [Operation.Extensions]
// and their responses; a route without a guard is [Operation.Public]
// (`security: []`).
//
// Package openapitest checks documents against the official OpenAPI 3.1
// schema, checks responses against a document, and tests that a server
// accepts exactly what its document accepts.
package openapi
