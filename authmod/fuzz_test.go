package authmod

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
)

// FuzzValidate feeds arbitrary strings to an RS256, an ES256 and an HS256
// validator. Whatever the input: no panic; an error wraps ErrInvalidToken or
// ErrKeysUnavailable, has a reason and never echoes the token; an accepted
// token is an access token with a canonical UUID subject, the configured
// issuer and audience, and a bounded, current lifetime.
//
// The seed corpus (valid tokens of each algorithm, junk, and the attacks of
// the rule tests) runs under plain `go test`; explore with
// `go test -run '^$' -fuzz FuzzValidate ./authmod/`.
func FuzzValidate(f *testing.F) {
	validators := map[string]*Validator{}
	for _, alg := range []string{algRS256, algES256, algHS256} {
		cfg := vtConfig(alg)
		cfg.CacheSize = -1
		v, err := NewValidator(cfg)
		if err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { _ = v.Close() })
		validators[alg] = v
	}

	k := vtKeys()
	for _, alg := range []string{algRS256, algES256, algHS256} {
		valid := vtToken(f, alg, nil)
		f.Add(valid)
		h, p, s := vtSegments(valid)
		f.Add(h + "." + p + ".")                                          // stripped signature
		f.Add(h + "." + p)                                                // two segments
		f.Add(valid + "=")                                                // padding
		f.Add(strings.ToUpper(valid))                                     // garbled
		f.Add(h + "." + vtB64([]byte(`{"sub":"x","sub":"y"}`)) + "." + s) // duplicate
		f.Add(vtToken(f, alg, func(h, _ map[string]any) { h["crit"] = []string{"exp"} }))
		f.Add(vtToken(f, alg, func(_, c map[string]any) { c["type"] = "refresh" }))
		f.Add(vtToken(f, alg, func(_, c map[string]any) { c["aud"] = []string{"x", vtAud} }))
		f.Add(vtToken(f, alg, func(h, _ map[string]any) { h["kid"] = "k1"; h["typ"] = "at+jwt" }))
	}
	claims := vtJSON(vtClaims())
	f.Add(vtB64([]byte(`{"alg":"none"}`)) + "." + vtB64([]byte(claims)) + ".")
	f.Add(vtSignRaw(f, `{"alg":"HS256"}`, claims, jwt.SigningMethodHS256, vtPEM(f, &k.rsa.PublicKey)))
	f.Add(vtSignRaw(f, `{"alg":"RS256","jwk":{"kty":"RSA"}}`, claims, jwt.SigningMethodRS256, k.rsaOther))
	f.Add(vtSignRaw(f, `{"alg":"RS256"}`, claims[:len(claims)-1]+`,"SUB":"`+vtSub2+`"}`, jwt.SigningMethodRS256, k.rsa))
	f.Add(vtSignRaw(f, `{"alg":"RS256"}`, claims[:len(claims)-1]+`,"\u017fub":"`+vtSub2+`"}`, jwt.SigningMethodRS256, k.rsa))
	f.Add(vtSignRaw(f, `{"alg":"ES256"}`, claims, jwt.SigningMethodES256, k.ecOther))
	// Edge cases of the claims decoder and of the header scan, signed with
	// the right key of each algorithm so that they reach the decoder.
	exp := strconv.FormatInt(vtNow.Add(15*time.Minute).Unix(), 10)
	expMember := `"exp":` + exp
	withClaims := func(old, repl string) string {
		if !strings.Contains(claims, old) {
			f.Fatalf("fixture claims %s have no %s", claims, old)
		}
		return strings.Replace(claims, old, repl, 1)
	}
	extra := func(members string) string { return claims[:len(claims)-1] + "," + members + "}" }
	edgeClaims := []string{
		withClaims(`"sub":`, `"Sub":`),                               // case variant (encoding/json would read it as sub)
		withClaims(`"sub":`, `"SUB":`),                               // upper case
		withClaims(`"sub":`, `"\u0073ub":`),                          // escaped name
		withClaims(`"sub":`, `"\u017fub":`),                          // Unicode folding (long s)
		withClaims(expMember, `"EXP":`+exp),                          // case variant of a date
		withClaims(expMember, `"\u0065xp":`+exp),                     // escaped date name
		withClaims(expMember, `"exp":"`+exp+`"`),                     // numeric string (golang-jwt accepts it)
		withClaims(expMember, `"exp":1.9000009e9`),                   // float with an exponent
		withClaims(expMember, `"exp":`+exp+`.5`),                     // fractional seconds
		withClaims(expMember, `"exp":0`+exp),                         // leading zero: invalid JSON
		withClaims(expMember, `"exp":"0`+exp+`"`),                    // leading zero in a numeric string
		withClaims(expMember, `"exp":"tomorrow"`),                    // garbage string
		withClaims(`"aud":"`+vtAud+`"`, `"aud":["x","`+vtAud+`",1]`), // aud array with a number
		withClaims(`"aud":"`+vtAud+`"`, `"aud":[]`),                  // empty aud array
		withClaims(`"full_name":"Ada"`, `"full_name":"\u00c9mile \"E\""`),
		withClaims(`"full_name":"Ada"`, "\"full_name\":\"Ada \xff\""), // invalid UTF-8
		withClaims(`"role":"admin"`, "\"role\":\"ad\x01min\""),        // raw control character
		withClaims(`"email":`, "\"e\xc3mail\":"),                      // invalid UTF-8 in a name
		withClaims(`"email":`, "\"e\x1fmail\":"),                      // control character in a name
		withClaims(`"is_active":true`, `"is_active":null`),
		extra(`"x":{"a":[1,{"b":null}],"c":"]}\"{["}`), // valid nested unknown member
		extra(`"x":tru`), extra(`"x":[1,]`), extra(`"x":{"a":}`), extra(`"x":01`), extra(`"x":[}`),
		extra("\"x\":\"\xff\""), extra("\"x\":\"a\x01\""),
		extra(`"x":1,"X":2`),       // unknown members duplicated under folding
		extra(`"k":1,"\u212a":2`),  // ... and under Unicode folding (Kelvin sign)
		extra(`"is_active":false`), // exact duplicate claim
	}
	for _, alg := range []string{algRS256, algES256, algHS256} {
		method, key := vtMethod(alg), vtSigningKey(alg)
		header := vtJSON(vtHeader(alg))
		for _, c := range edgeClaims {
			f.Add(vtSignRaw(f, header, c, method, key))
		}
		for _, h := range []string{
			`{"alg":"` + alg + `","typ":"JWT","x":tru}`,                  // invalid unknown header member
			`{"alg":"` + alg + `","x":[1,],"typ":"JWT"}`,                 // ... before another member
			`{"alg":"` + alg + `","jwk":{"kty":}}`,                       // ... a key member never read
			"{\"alg\":\"" + alg + "\",\"x\":\"\xff\"}",                   // invalid UTF-8 in a header value
			`{"alg":"` + alg + `","typ":"JWT","x":{"a":[1,{"b":null}]}}`, // valid nested header member
			`{"alg":"` + alg + `","typ":"JWT","Kid":"k1"}`,               // case variant of a header member
		} {
			f.Add(vtSignRaw(f, h, claims, method, key))
		}
	}
	h, p, _ := vtSegments(vtToken(f, algES256, nil))
	f.Add(h + "." + p + "." + vtB64(make([]byte, 64)))
	for _, junk := range []string{
		"", ".", "..", "...", "a.b.c", "ey.ey.ey", "eyJ9.e30.", "eyJhbGciOiJSUzI1NiJ9.e30.AAAA",
		"eyJhbGciOiJSUzI1NiJ9.W10.", "eyJhbGciOiJSUzI1NiJ9.bnVsbA.", "Bearer x", "\x00\xff", strings.Repeat("A", 9000),
		"eyJhbGciOiJSUzI1NiJ9." + strings.Repeat("e3siYSI6", 100) + ".",
	} {
		f.Add(junk)
	}

	f.Fuzz(func(t *testing.T, token string) {
		for alg, v := range validators {
			c, err := v.Validate(context.Background(), token)
			if err != nil {
				if c != nil {
					t.Fatalf("%s: claims with an error", alg)
				}
				if !errors.Is(err, ErrInvalidToken) && !errors.Is(err, ErrKeysUnavailable) {
					t.Fatalf("%s: error %v wraps no sentinel", alg, err)
				}
				if r := ReasonOf(err); r == "" || r == ReasonInvalid || r == ReasonError {
					t.Fatalf("%s: error %v has no specific reason", alg, err)
				}
				if len(token) > 40 && strings.Contains(err.Error(), token) {
					t.Fatalf("%s: error echoes the token", alg)
				}
				continue
			}
			if c == nil || c.Type != "access" || !canonicalUUID(c.Subject) {
				t.Fatalf("%s: accepted bad claims %+v", alg, c)
			}
			if c.Issuer != vtIss || !containsString(c.Audience, vtAud) {
				t.Fatalf("%s: accepted foreign iss/aud %+v", alg, c)
			}
			if c.ExpiresAt == nil || c.IssuedAt == nil || !vtNow.Before(c.ExpiresAt.Add(2e9)) ||
				c.ExpiresAt.Sub(c.IssuedAt.Time) > DefaultMaxLifetime {
				t.Fatalf("%s: accepted bad times %+v", alg, c)
			}
			if !validJTI(c.ID) {
				t.Fatalf("%s: accepted bad jti %q", alg, c.ID)
			}
		}
	})
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FuzzGuard sends arbitrary Authorization header values through a real gin
// engine behind the AnyUser guard (HS256 validator). Whatever the header: no panic,
// no 5xx, and the answer is 200 only for a header carrying a valid token;
// every 401 carries a WWW-Authenticate challenge and never echoes the input.
func FuzzGuard(f *testing.F) {
	cfg := vtConfig(algHS256)
	v, err := NewValidator(cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = v.Close() })
	auth, err := NewAuthenticator(AuthenticatorParams{Validator: v, Revocation: NoRevocation{}})
	if err != nil {
		f.Fatal(err)
	}
	gin.SetMode(gin.TestMode)
	e := gin.New()
	e.GET("/x", auth.Require(AnyUser()).GuardHandler(), func(c *gin.Context) { c.Status(http.StatusOK) })

	valid := vtToken(f, algHS256, nil)
	for _, seed := range []string{
		"", "Bearer", "Bearer ", "Bearer " + valid, "bearer " + valid, "Bearer  " + valid, "Bearer " + valid + " x",
		"Basic dXNlcjpwYXNz", "Bearer \x00", "Bearer " + strings.Repeat("A", 9000), "Bearer é", "Bearer\t" + valid,
		"Bearer " + valid + "\r\nX-Injected: 1", "Bearer a.b.c", "Bearer ey.ey.ey",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		if header != "" {
			req.Header["Authorization"] = []string{header}
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			if !strings.Contains(header, valid) {
				t.Fatalf("header %q accepted", header)
			}
		case http.StatusUnauthorized:
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Fatalf("401 without a challenge for %q", header)
			}
		case http.StatusForbidden:
		default:
			t.Fatalf("header %q answered %d", header, rec.Code)
		}
		if len(header) > 8 && strings.Contains(rec.Body.String(), header) {
			t.Fatalf("the body echoes the header: %s", rec.Body)
		}
	})
}
