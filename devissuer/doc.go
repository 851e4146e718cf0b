// Package devissuer is a development stand-in for fa-auth-m8, the central
// auth service: it serves, under one prefix, everything a consumer built on
// m8fx calls in its production mode — the JWKS, jti-status (v2, auth
// generations), the service-token exchange, the signed auth event stream
// and API-key introspection — and developer endpoints to mint tokens,
// revoke them, create API keys and inject faults. Its state (signing keys
// with stable key ids, the client registry, revocations, generations, API
// keys) lives in one folder and survives a restart.
//
// It is what `m8fx dev-issuer` runs. It refuses ENVIRONMENT=production and
// is meant for a laptop or a test: the developer endpoints answer loopback
// callers only, and nothing in it is hardened for hostile traffic beyond
// what the protocol needs (credentials on every private route, bounded
// bodies).
//
// Use it without the CLI:
//
//	srv, err := devissuer.Open(devissuer.Config{Dir: ".m8fx-dev", BaseURL: "http://127.0.0.1:9000"})
//	...
//	defer srv.Close()
//	http.ListenAndServe("127.0.0.1:9000", srv.Handler())
package devissuer
