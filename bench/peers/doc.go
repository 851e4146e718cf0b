// Package peers benchmarks the kit's JWT guard side by side with two peer
// JWT middlewares for gin / net/http, in-process, on the same gin engine,
// the same RS256 key, the same issuer and the same audience:
//
//   - m8fx: authmod.NewValidator + authmod.NewAuthenticator, the guard
//     a.Require(authmod.AnyUser()).GuardHandler(), as in ../auth_bench_test.go;
//   - gin-jwt: github.com/appleboy/gin-jwt/v2 v2.10.3 (github.com/golang-jwt/jwt/v4);
//   - go-jwt-middleware: github.com/auth0/go-jwt-middleware/v2 v2.3.1 and its
//     validator package. The v3 line (github.com/auth0/go-jwt-middleware/v3)
//     was asked for with `go get ...@latest` and refused: this machine's
//     module proxy does not serve it (it answered with the v0 module, which
//     has no v3 package), so v2.3.1 is measured instead.
//
// It is a module of its own (it replaces github.com/m8fx/kit with ../..), so
// the peers' dependencies never enter the kit's go.mod. TestPeers proves,
// for each guard, that a valid token is admitted (200) and that an expired
// token and a wrong-audience token are refused (401); BenchmarkPeers runs
// the same check before it times anything. Run them with
//
//	cd bench/peers
//	go test -count=1 ./...
//	go test -run '^$' -bench . -benchmem -count 3 .
package peers
