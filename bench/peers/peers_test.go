package peers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	ginjwt "github.com/appleboy/gin-jwt/v2"
	jwtmiddleware "github.com/auth0/go-jwt-middleware/v2"
	"github.com/auth0/go-jwt-middleware/v2/validator"
	"github.com/gin-gonic/gin"
	jwtv4 "github.com/golang-jwt/jwt/v4"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

// leeway is the clock skew the kit and go-jwt-middleware tolerate. gin-jwt
// (golang-jwt/jwt/v4) has no leeway setting, so it tolerates none.
const leeway = 2 * time.Second

// newIssuer is the one issuer of every case: RS256, its public key as a
// PEM file, the default iss and aud.
func newIssuer(tb testing.TB) *fxtest_helpers.Issuer {
	tb.Helper()
	return fxtest_helpers.NewIssuer(tb, "RS256", fxtest_helpers.IssuerPEMFile())
}

// engine serves GET /x with the given guards in front of a tiny handler.
func engine(guards ...gin.HandlerFunc) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	h := append(guards, func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	e.GET("/x", h...)
	return e
}

func request(token string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, "/x", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// m8fxGuard is the kit's AnyUser guard over a real Validator, configured as
// in ../auth_bench_test.go. cacheSize -1 turns the verified-token cache off
// (first sight); 0 is the default cache.
func m8fxGuard(tb testing.TB, is *fxtest_helpers.Issuer, cacheSize int) gin.HandlerFunc {
	tb.Helper()
	v, err := authmod.NewValidator(authmod.ValidatorConfig{
		Algorithm:             is.Alg(),
		Issuer:                is.IssuerURL(),
		Audience:              is.Audience(),
		RequireIssuerAudience: true,
		Leeway:                leeway,
		PublicKey:             is.PublicKey(),
		CacheSize:             cacheSize,
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := v.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = v.Close() })
	a, err := authmod.NewAuthenticator(authmod.AuthenticatorParams{Validator: v, Revocation: authmod.NoRevocation{}})
	if err != nil {
		tb.Fatal(err)
	}
	return a.Require(authmod.AnyUser()).GuardHandler()
}

var (
	errIssuer   = errors.New("peers: wrong or missing iss")
	errAudience = errors.New("peers: wrong or missing aud")
)

// ginJWTGuard is gin-jwt's middleware verifying RS256 with the issuer's
// public key. gin-jwt checks exp (jwt/v4's MapClaims.Valid and its own exp
// check) but neither iss nor aud, and a failed Authorizator answers 403, so
// iss and aud are checked in KeyFunc: an error there fails the parse, which
// gin-jwt answers with 401. (KeyFunc only ever refuses on the unverified
// claims; the signature is still verified by jwt.Parse before a token is
// admitted.) KeyFunc bypasses gin-jwt's PubKeyFile/PubKeyBytes, so the key
// is returned from it.
func ginJWTGuard(tb testing.TB, is *fxtest_helpers.Issuer) gin.HandlerFunc {
	tb.Helper()
	pub := is.PublicKey()
	iss, aud := is.IssuerURL(), is.Audience()
	mw, err := ginjwt.New(&ginjwt.GinJWTMiddleware{
		Realm:            "peers",
		SigningAlgorithm: "RS256",
		IdentityKey:      "sub",
		ParseOptions:     []jwtv4.ParserOption{jwtv4.WithValidMethods([]string{"RS256"})},
		KeyFunc: func(t *jwtv4.Token) (interface{}, error) {
			claims, ok := t.Claims.(jwtv4.MapClaims)
			switch {
			case !ok || !claims.VerifyIssuer(iss, true):
				return nil, errIssuer
			case !claims.VerifyAudience(aud, true):
				return nil, errAudience
			}
			return pub, nil
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return mw.MiddlewareFunc()
}

// goJWTMiddlewareGuard is go-jwt-middleware's net/http middleware over its
// validator package (RS256 with the issuer's public key, iss and aud
// required, the same leeway), adapted to gin: the middleware runs with a
// next handler that marks the request as admitted and hands gin the request
// carrying the validated claims; otherwise the middleware has written its
// 401 and the chain is aborted.
func goJWTMiddlewareGuard(tb testing.TB, is *fxtest_helpers.Issuer) gin.HandlerFunc {
	tb.Helper()
	pub := is.PublicKey()
	v, err := validator.New(
		func(context.Context) (interface{}, error) { return pub, nil },
		validator.RS256,
		is.IssuerURL(),
		[]string{is.Audience()},
		validator.WithAllowedClockSkew(leeway),
	)
	if err != nil {
		tb.Fatal(err)
	}
	mw := jwtmiddleware.New(v.ValidateToken)
	return func(c *gin.Context) {
		admitted := false
		mw.CheckJWT(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			admitted = true
			c.Request = r
		})).ServeHTTP(c.Writer, c.Request)
		if !admitted {
			c.Abort()
			return
		}
		c.Next()
	}
}

// guardCase is one guard on its engine.
type guardCase struct {
	name string
	e    *gin.Engine
}

// guards builds every guard over is: the kit's with the cache off and on,
// and the two peers.
func guards(tb testing.TB, is *fxtest_helpers.Issuer) []guardCase {
	tb.Helper()
	return []guardCase{
		{"m8fx/first-sight", engine(m8fxGuard(tb, is, -1))},
		{"m8fx/repeated", engine(m8fxGuard(tb, is, 0))},
		{"gin-jwt", engine(ginJWTGuard(tb, is))},
		{"go-jwt-middleware", engine(goJWTMiddlewareGuard(tb, is))},
	}
}

// checkGuard fails tb unless e admits a valid token of is (200, "ok") and
// refuses an expired token and a wrong-audience token (401). It returns the
// valid token.
func checkGuard(tb testing.TB, name string, e http.Handler, is *fxtest_helpers.Issuer) string {
	tb.Helper()
	now := time.Now()
	valid := is.Token()
	for _, c := range []struct {
		what  string
		token string
		want  int
	}{
		{"valid", valid, http.StatusOK},
		{"expired", is.Token(
			fxtest_helpers.TokenClaim("iat", now.Add(-16*time.Minute)),
			fxtest_helpers.TokenExpiry(-time.Minute),
		), http.StatusUnauthorized},
		{"wrong audience", is.Token(fxtest_helpers.TokenClaim("aud", "some-other-service")), http.StatusUnauthorized},
	} {
		w := httptest.NewRecorder()
		e.ServeHTTP(w, request(c.token))
		if w.Code != c.want {
			tb.Fatalf("%s: %s token: status %d, want %d (body %q)", name, c.what, w.Code, c.want, w.Body.String())
		}
		if c.want == http.StatusOK && w.Body.String() != "ok" {
			tb.Fatalf("%s: %s token: body %q, want \"ok\"", name, c.what, w.Body.String())
		}
	}
	return valid
}

func TestPeers(t *testing.T) {
	is := newIssuer(t)
	for _, g := range guards(t, is) {
		t.Run(g.name, func(t *testing.T) {
			checkGuard(t, g.name, g.e, is)
			// A second pass: the kit's cache (on in m8fx/repeated) must not
			// change the answers.
			checkGuard(t, g.name, g.e, is)
		})
	}
	t.Run("no token", func(t *testing.T) {
		for _, g := range guards(t, is) {
			w := httptest.NewRecorder()
			g.e.ServeHTTP(w, request(""))
			if w.Code < 400 || w.Code >= 500 {
				t.Errorf("%s: no token: status %d, want a 4xx", g.name, w.Code)
			}
		}
	})
}
