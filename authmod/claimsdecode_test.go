package authmod

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/golang-jwt/jwt/v5"

	"github.com/m8fx/kit/internal/strictjson"
)

// ---- fixtures of the claims decoder tests (prefix dc) ----

// dcFull is a payload with every claim the kit reads, plus unknown members.
const dcFull = `{"iss":"https://auth.example.test","sub":"3f2b7c1e-8a4d-4e6f-9b1a-2c3d4e5f6a7b",` +
	`"aud":"item-service","exp":1900000900,"nbf":1899999990,"iat":1899999980,"jti":"jti-0001",` +
	`"type":"access","email":"ada@example.test","full_name":"Ada Lovelace","role":"admin",` +
	`"is_active":true,"is_superuser":true,"email_verified":true,"tenant_id":"tenant-1",` +
	`"extra":{"nested":[1,2.5,{"x":null}],"s":"\u00e9"},"n":null,"typ":"not-a-claim"}`

// dcDecode runs decodeClaims the way the validator does (the text is a
// string copy of the bytes).
func dcDecode(payload string) (*Claims, error) {
	return decodeClaims([]byte(payload), payload)
}

// dcWantSameAsJSON checks that an accepted payload decodes exactly as
// encoding/json decodes it into a Claims (the decoder keeps encoding/json's
// value semantics).
func dcWantSameAsJSON(t testing.TB, payload string, got *Claims) {
	t.Helper()
	var want Claims
	if err := json.Unmarshal([]byte(payload), &want); err != nil {
		t.Fatalf("%s: accepted, but encoding/json refuses it: %v", payload, err)
	}
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v (encoding/json)", payload, *got, want)
	}
}

// dcShares reports whether s is a substring of text in memory (not a copy).
func dcShares(text, s string) bool {
	if len(s) == 0 {
		return true
	}
	base := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return p >= base && p+uintptr(len(s)) <= base+uintptr(len(text))
}

func dcUnix(d *jwt.NumericDate) any {
	if d == nil {
		return nil
	}
	return d.Unix()
}

// dcWantMalformed checks an error of decodeClaims: a malformed invalid-token
// error whose message is only the sentinel and the reason, wrapping want
// (when not nil).
func dcWantMalformed(t testing.TB, what string, c *Claims, err, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: accepted: %+v", what, c)
	}
	if c != nil {
		t.Fatalf("%s: claims with an error", what)
	}
	if ReasonOf(err) != ReasonMalformed || !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("%s: %v (reason %q), want a malformed invalid-token error", what, err, ReasonOf(err))
	}
	if err.Error() != ErrInvalidToken.Error()+": "+string(ReasonMalformed) {
		t.Fatalf("%s: message %q carries more than the sentinel and the reason", what, err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("%s: %v does not wrap %v (chain %q)", what, err, want, vtChain(err))
	}
}

// ---- decodeClaims ----

// TestDecodeClaimsFull: every claim the kit reads is decoded into its field,
// unknown members are skipped, and string values without escapes share the
// payload text.
func TestDecodeClaimsFull(t *testing.T) {
	text := strings.Clone(dcFull)
	c, err := decodeClaims([]byte(text), text)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name      string
		got, want any
	}{
		{"iss", c.Issuer, vtIss},
		{"sub", c.Subject, vtSub},
		{"aud", []string(c.Audience), []string{vtAud}},
		{"exp", dcUnix(c.ExpiresAt), int64(1900000900)},
		{"nbf", dcUnix(c.NotBefore), int64(1899999990)},
		{"iat", dcUnix(c.IssuedAt), int64(1899999980)},
		{"jti", c.ID, "jti-0001"},
		{"type", c.Type, "access"},
		{"email", c.Email, "ada@example.test"},
		{"full_name", c.FullName, "Ada Lovelace"},
		{"role", c.Role, "admin"},
		{"is_active", c.IsActive != nil && *c.IsActive, true},
		{"is_superuser", c.IsSuperuser, true},
		{"email_verified", c.EmailVerified, true},
		{"tenant_id", c.TenantID, "tenant-1"},
	} {
		if !reflect.DeepEqual(f.got, f.want) {
			t.Errorf("%s = %#v, want %#v", f.name, f.got, f.want)
		}
	}
	dcWantSameAsJSON(t, text, c)
	for _, s := range []string{c.Issuer, c.Subject, c.Audience[0], c.ID, c.Type, c.Email, c.FullName, c.Role, c.TenantID} {
		if !dcShares(text, s) {
			t.Errorf("%q is a copy, not a substring of the payload", s)
		}
	}

	// Escaped values are decoded (so they cannot share the text).
	esc := `{"sub":"\u00e9t\u00e9","full_name":"Ada \"The Countess\" Lovelace","email":"a\/b@x","aud":"\u0069tem"}`
	c, err = dcDecode(esc)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "été" || c.FullName != `Ada "The Countess" Lovelace` || c.Email != "a/b@x" || c.Audience[0] != "item" {
		t.Fatalf("escaped values: %+v", c)
	}
	dcWantSameAsJSON(t, esc, c)
}

// TestDecodeClaimsAccepted: the accepted forms of every claim, each compared
// with what encoding/json (and golang-jwt's NumericDate and ClaimStrings)
// decode.
func TestDecodeClaimsAccepted(t *testing.T) {
	for _, tc := range []struct {
		name, payload string
		check         func(*Claims) bool
	}{
		{"empty object", `{}`, func(c *Claims) bool { return reflect.DeepEqual(*c, Claims{}) }},
		{"whitespace around and inside", " \t\r\n{ \"sub\" :\n\"a\" , \"exp\" : 1 }\n ", func(c *Claims) bool {
			return c.Subject == "a" && dcUnix(c.ExpiresAt) == int64(1)
		}},
		{"every claim null", `{"iss":null,"sub":null,"aud":null,"exp":null,"nbf":null,"iat":null,"jti":null,` +
			`"type":null,"email":null,"full_name":null,"role":null,"is_active":null,"is_superuser":null,` +
			`"email_verified":null,"tenant_id":null}`, func(c *Claims) bool { return reflect.DeepEqual(*c, Claims{}) }},
		{"is_active false is not absent", `{"is_active":false}`, func(c *Claims) bool { return c.IsActive != nil && !*c.IsActive }},
		{"is_active absent", `{"is_superuser":false}`, func(c *Claims) bool { return c.IsActive == nil }},

		{"aud string", `{"aud":"a"}`, func(c *Claims) bool { return reflect.DeepEqual([]string(c.Audience), []string{"a"}) }},
		{"aud empty string", `{"aud":""}`, func(c *Claims) bool { return reflect.DeepEqual([]string(c.Audience), []string{""}) }},
		{"aud array", `{"aud":["a","b","a"]}`, func(c *Claims) bool {
			return reflect.DeepEqual([]string(c.Audience), []string{"a", "b", "a"})
		}},
		{"aud array of one", `{"aud":["a"]}`, func(c *Claims) bool { return reflect.DeepEqual([]string(c.Audience), []string{"a"}) }},
		{"aud empty array", `{"aud":[]}`, func(c *Claims) bool { return len(c.Audience) == 0 }},
		{"aud array with escapes", `{"aud":["\u00e9", "b" ]}`, func(c *Claims) bool {
			return reflect.DeepEqual([]string(c.Audience), []string{"é", "b"})
		}},
		{"aud escaped string", `{"aud":"\u00e9"}`, func(c *Claims) bool { return reflect.DeepEqual([]string(c.Audience), []string{"é"}) }},

		{"exp integer", `{"exp":1700000000}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(1700000000) }},
		{"exp zero", `{"exp":0}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(0) }},
		{"exp minus zero", `{"exp":-0}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(0) }},
		{"exp negative", `{"exp":-1}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(-1) }},
		{"exp float exponent", `{"exp":1.5e9}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(1500000000) }},
		{"exp float fraction", `{"exp":1700000000.75}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(1700000000) }},
		{"exp integer with exponent", `{"exp":17E8}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(1700000000) }},
		{"exp numeric string", `{"exp":"1700000000"}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(1700000000) }},
		{"exp numeric string float", `{"exp":"1.5e9"}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(1500000000) }},
		{"exp escaped numeric string", `{"exp":"\u0031700000000"}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(1700000000) }},
		{"exp 15 digits (fast path)", `{"exp":999999999999999}`, func(c *Claims) bool { return dcUnix(c.ExpiresAt) == int64(999999999999999) }},
		{"exp 16 digits (golang-jwt path)", `{"exp":1000000000000000}`, func(c *Claims) bool {
			return dcUnix(c.ExpiresAt) == int64(1000000000000000)
		}},
		{"iat and nbf floats", `{"iat":1.7e9,"nbf":1700000000.5}`, func(c *Claims) bool {
			return dcUnix(c.IssuedAt) == int64(1700000000) && dcUnix(c.NotBefore) == int64(1700000000)
		}},
		{"dates are separate values", `{"exp":3,"nbf":2,"iat":1}`, func(c *Claims) bool {
			return dcUnix(c.ExpiresAt) == int64(3) && dcUnix(c.NotBefore) == int64(2) && dcUnix(c.IssuedAt) == int64(1)
		}},

		{"raw UTF-8 values", `{"full_name":"Zoë 😀","tenant_id":"ünï"}`, func(c *Claims) bool {
			return c.FullName == "Zoë 😀" && c.TenantID == "ünï"
		}},
		{"escaped control character", `{"jti":"a\u0001b\n"}`, func(c *Claims) bool { return c.ID == "a\x01b\n" }},
		{"escaped surrogate pair", `{"role":"\ud83d\ude00"}`, func(c *Claims) bool { return c.Role == "😀" }},
		{"lone surrogate escape (U+FFFD, as encoding/json)", `{"role":"\ud800"}`, func(c *Claims) bool { return c.Role == "\ufffd" }},

		// Names near a claim that are not a spelling of it are unknown
		// members, skipped.
		{"near misses of claim names", `{"sub ":1,"subs":2,"su":3,"s_ub":4,"typ":5,"expires":6,"aud2":7,"\u0073ubject":8,"":9,"sub":"a"}`,
			func(c *Claims) bool { return c.Subject == "a" }},
		{"valid nested unknown members", `{"x":{"a":[1,{"b":[true,false,null]}],"c":"\u00e9","d":{}},"y":[],` +
			`"z":-1.5e-3,"w":"\ud800","v":"]}\"{[","u":[[[[]]]],"sub":"a"}`, func(c *Claims) bool { return c.Subject == "a" }},
		{"unknown members differ after folding", `{"x":1,"y":2,"é":3,"e":4,"k":5,"\u00e8":6}`, func(c *Claims) bool { return true }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := dcDecode(tc.payload)
			if err != nil {
				t.Fatalf("%s: %v (chain %q)", tc.payload, err, vtChain(err))
			}
			if !tc.check(c) {
				t.Fatalf("%s: claims %+v", tc.payload, c)
			}
			dcWantSameAsJSON(t, tc.payload, c)
		})
	}
}

// TestDecodeClaimsRefused: everything refused is a malformed invalid-token
// error, wrapping the specific cause.
func TestDecodeClaimsRefused(t *testing.T) {
	var (
		errString = errNotString
		errBool   = errNotBool
		errDate   = errNotDate
		errAud    = errNotAud
		dup       = strictjson.ErrDuplicateMember
		notObject = strictjson.ErrNotObject
	)
	for _, tc := range []struct {
		name, payload string
		want          error
	}{
		// Not one JSON object.
		{"array", `[]`, notObject},
		{"null", `null`, notObject},
		{"string", `"sub"`, notObject},
		{"number", `1`, notObject},
		{"empty", ``, notObject},
		{"unterminated", `{"sub":"a"`, notObject},
		{"trailing garbage", `{"sub":"a"}x`, notObject},
		{"two objects", `{"sub":"a"}{}`, notObject},
		{"trailing comma", `{"sub":"a",}`, notObject},
		{"missing colon", `{"sub" "a"}`, notObject},
		{"unquoted name", `{sub:"a"}`, notObject},
		{"value missing", `{"sub":}`, notObject},

		// Claim values of the wrong type, or not valid JSON.
		{"sub number", `{"sub":42}`, errString},
		{"sub bool", `{"sub":true}`, errString},
		{"sub array", `{"sub":["a"]}`, errString},
		{"sub object", `{"sub":{}}`, errString},
		{"iss unterminated escape", `{"iss":"a\"}`, notObject},
		{"jti bad escape", `{"jti":"a\x41"}`, errString},
		{"jti truncated \\u", `{"jti":"\u12"}`, errString},
		{"is_active string", `{"is_active":"true"}`, errBool},
		{"is_active number", `{"is_active":1}`, errBool},
		{"is_superuser tru", `{"is_superuser":tru}`, errBool},
		{"email_verified True", `{"email_verified":True}`, errBool},

		{"aud number", `{"aud":1}`, errAud},
		{"aud bool", `{"aud":true}`, errAud},
		{"aud object", `{"aud":{"a":"b"}}`, errAud},
		{"aud array with a number", `{"aud":["a",1]}`, errAud},
		{"aud array with null", `{"aud":["a",null]}`, errAud},
		{"aud nested array", `{"aud":[["a"]]}`, errAud},
		{"aud array trailing comma", `{"aud":["a",]}`, errAud},
		{"aud array unclosed", `{"aud":["a"}`, errAud},
		{"aud string with a bad escape", `{"aud":"\q"}`, errString},

		{"exp garbage string", `{"exp":"tomorrow"}`, errDate},
		{"exp empty string", `{"exp":""}`, errDate},
		{"exp string with spaces", `{"exp":" 1700000000"}`, errDate},
		{"exp leading zero", `{"exp":0123}`, errDate},
		{"exp 01", `{"exp":01}`, errDate},
		{"exp leading zero in a string", `{"exp":"0123"}`, errDate},
		{"exp plus sign", `{"exp":+1}`, errDate},
		{"exp trailing dot", `{"exp":1.}`, errDate},
		{"exp leading dot", `{"exp":.5}`, errDate},
		{"exp hex", `{"exp":0x10}`, errDate},
		{"exp NaN", `{"exp":NaN}`, errDate},
		{"exp overflows float64", `{"exp":1e999}`, errDate},
		{"exp overflowing numeric string", `{"exp":"1e999"}`, errDate},
		{"exp bool", `{"exp":true}`, errDate},
		{"exp array", `{"exp":[1700000000]}`, errDate},
		{"exp object", `{"exp":{}}`, errDate},
		{"nbf digits then garbage", `{"nbf":1700000000x}`, errDate},
		{"iat negative garbage", `{"iat":-x}`, errDate},

		// Strings are held to the JSON grammar and to UTF-8.
		{"raw control character in sub", "{\"sub\":\"a\x01b\"}", errString},
		{"raw tab in email", "{\"email\":\"a\tb\"}", errString},
		{"raw newline in jti", "{\"jti\":\"a\nb\"}", errString},
		{"raw NUL in role", "{\"role\":\"\x00\"}", errString},
		{"raw control character in aud", "{\"aud\":\"a\x1f\"}", errString},
		{"raw control character in aud array", "{\"aud\":[\"a\x1f\"]}", errAud},
		{"raw control character in an unknown value", "{\"x\":\"a\x01\"}", errClaimJSON},
		{"raw control character in a name", "{\"x\x01\":1}", notObject},
		{"invalid UTF-8 in sub", "{\"sub\":\"\xff\"}", errString},
		{"invalid UTF-8 after an escape", "{\"full_name\":\"\\u00e9\xc3\"}", errString},
		{"truncated UTF-8 in tenant_id", "{\"tenant_id\":\"ab\xc3\"}", errString},
		{"UTF-8-encoded surrogate in type", "{\"type\":\"\xed\xa0\x80\"}", errString},
		{"invalid UTF-8 in aud", "{\"aud\":\"\xff\"}", errString},
		{"invalid UTF-8 in aud array", "{\"aud\":[\"\xff\"]}", errAud},
		{"invalid UTF-8 in a numeric-string date", "{\"exp\":\"1\xff\"}", errDate},
		{"invalid UTF-8 in an unknown value", "{\"x\":\"\xff\"}", errClaimJSON},
		{"invalid UTF-8 nested in an unknown value", "{\"x\":{\"y\":[\"\xfe\"]}}", errClaimJSON},
		{"invalid UTF-8 in a name", "{\"\xff\":1}", notObject},
		{"invalid UTF-8 in a claim-like name", "{\"su\xff\":\"a\"}", notObject},

		// Names that match a claim only the way encoding/json matches names.
		{"SUB", `{"SUB":"a"}`, errClaimSpelling},
		{"Sub", `{"Sub":"a"}`, errClaimSpelling},
		{"sUB", `{"sUB":"a"}`, errClaimSpelling},
		{`\u0073ub`, `{"\u0073ub":"a"}`, errClaimSpelling},
		{`su\u0062`, `{"su\u0062":"a"}`, errClaimSpelling},
		{`\u0053UB`, `{"\u0053UB":"a"}`, errClaimSpelling},
		{`\u017fub`, `{"\u017fub":"a"}`, errClaimSpelling},
		{"raw long s ſub", `{"ſub":"a"}`, errClaimSpelling},
		{"ı\u017f (long s) in is_active", `{"i\u017f_active":true}`, errClaimSpelling},
		{"EXP", `{"EXP":1}`, errClaimSpelling},
		{"Exp", `{"Exp":1}`, errClaimSpelling},
		{`\u0065xp`, `{"\u0065xp":1}`, errClaimSpelling},
		{"ISS", `{"ISS":"x"}`, errClaimSpelling},
		{"Aud", `{"Aud":"x"}`, errClaimSpelling},
		{"JTI", `{"JTI":"x"}`, errClaimSpelling},
		{"Type", `{"Type":"access"}`, errClaimSpelling},
		{"IS_ACTIVE", `{"IS_ACTIVE":true}`, errClaimSpelling},
		{"Is_Superuser", `{"Is_Superuser":true}`, errClaimSpelling},
		{"Email_Verified", `{"Email_Verified":true}`, errClaimSpelling},
		{"TENANT_ID", `{"TENANT_ID":"t"}`, errClaimSpelling},
		{"Full_Name", `{"Full_Name":"x"}`, errClaimSpelling},
		{"NBF", `{"NBF":1}`, errClaimSpelling},
		{"IAT", `{"IAT":1}`, errClaimSpelling},
		{"EMAIL", `{"EMAIL":"x"}`, errClaimSpelling},
		{"Role", `{"Role":"admin"}`, errClaimSpelling},
		{"variant after the exact claim", `{"sub":"a","SUB":"b"}`, errClaimSpelling},
		{"variant before the exact claim", `{"Sub":"b","sub":"a"}`, errClaimSpelling},
		{"variant with a null value", `{"SUB":null}`, errClaimSpelling},
		{"variant with an invalid value", `{"SUB":tru}`, errClaimSpelling},

		// Duplicates.
		{"exact duplicate sub", `{"sub":"a","sub":"b"}`, dup},
		{"exact duplicate exp", `{"exp":1,"exp":2}`, dup},
		{"exact duplicate aud", `{"aud":"a","aud":["b"]}`, dup},
		{"duplicate after null", `{"is_active":null,"is_active":true}`, dup},
		{"duplicate with the same value", `{"role":"admin","role":"admin"}`, dup},
		{"duplicate unknown", `{"x":1,"x":1}`, dup},
		{"duplicate unknown under case folding", `{"x":1,"X":2}`, dup},
		{"duplicate unknown escaped", `{"x":1,"\u0078":2}`, dup},
		{"duplicate unknown under Unicode folding", `{"é":1,"É":2}`, dup},
		{"duplicate unknown Kelvin sign", `{"k":1,"\u212a":2}`, dup},
		{"duplicate unknown empty name", `{"":1,"":2}`, dup},

		// Unknown members must be valid JSON.
		{"unknown tru", `{"x":tru}`, errClaimJSON},
		{"unknown nul", `{"x":nul}`, errClaimJSON},
		{"unknown [1,]", `{"x":[1,]}`, errClaimJSON},
		{`unknown {"a":}`, `{"x":{"a":}}`, errClaimJSON},
		{`unknown {"a":1,}`, `{"x":{"a":1,}}`, errClaimJSON},
		{"unknown 01", `{"x":01}`, errClaimJSON},
		{"unknown 1.", `{"x":1.}`, errClaimJSON},
		{"unknown mismatched brackets", `{"x":[}}`, errClaimJSON},
		{"unknown single quotes", `{"x":'a'}`, errClaimJSON},
		{"unknown bad escape", `{"x":"\x"}`, errClaimJSON},
		{"unknown invalid value after valid claims", `{"sub":"a","exp":1,"x":[1,2,]}`, errClaimJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := dcDecode(tc.payload)
			dcWantMalformed(t, tc.payload, c, err, tc.want)
		})
	}
}

// TestDecodeClaimsManyMembers: duplicates among unknown members are found
// also past the NameSet's fixed array, and many distinct members are fine.
func TestDecodeClaimsManyMembers(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"sub":"a"`)
	for i := range 100 {
		b.WriteString(`,"m` + strconv.Itoa(i) + `":` + strconv.Itoa(i))
	}
	c, err := dcDecode(b.String() + `}`)
	if err != nil || c.Subject != "a" {
		t.Fatalf("distinct members: %+v, %v", c, err)
	}
	c, err = dcDecode(b.String() + `,"M7":0}`)
	dcWantMalformed(t, "duplicate M7", c, err, strictjson.ErrDuplicateMember)
	c, err = dcDecode(b.String() + `,"EXP":0}`)
	dcWantMalformed(t, "EXP after 100 members", c, err, errClaimSpelling)
}

// TestDecodeClaimsThroughValidator: edge cases of the decoder on correctly
// signed tokens, so that the full path (segments, header, decoder,
// signature, rules) sees them.
func TestDecodeClaimsThroughValidator(t *testing.T) {
	// base is the fixture claims without the members a case sets itself.
	base := func(without ...string) string {
		c := vtClaims()
		for _, k := range without {
			delete(c, k)
		}
		s := vtJSON(c)
		return s[:len(s)-1]
	}
	exp := vtNow.Add(15 * time.Minute).Unix()
	for _, tc := range []struct {
		name, payload string
		reason        Reason
		check         func(*Claims) bool
	}{
		{name: "exp as a numeric string", payload: base("exp") + `,"exp":"` + strconv.FormatInt(exp, 10) + `"}`,
			check: func(c *Claims) bool { return c.ExpiresAt.Unix() == exp }},
		{name: "exp as a float with an exponent", payload: base("exp") + `,"exp":1.9000009e9}`,
			check: func(c *Claims) bool { return c.ExpiresAt.Unix() == 1900000900 }},
		{name: "escaped string values", payload: base("full_name", "email") + `,"full_name":"\u00c9mile \"E\"","email":"e\u0040example.test"}`,
			check: func(c *Claims) bool { return c.FullName == `Émile "E"` && c.Email == "e@example.test" }},
		{name: "valid nested unknown member", payload: base() + `,"ext":{"a":[1,{"b":null}],"c":"]}"}}`,
			check: func(c *Claims) bool { return c.Subject == vtSub }},
		// encoding/json would decode each of these into the claim.
		{name: "sub spelled \\u0073ub (no other sub)", payload: base("sub") + `,"\u0073ub":"` + vtSub + `"}`, reason: ReasonMalformed},
		{name: "sub spelled \\u017fub (no other sub)", payload: base("sub") + `,"\u017fub":"` + vtSub + `"}`, reason: ReasonMalformed},
		{name: "exp spelled EXP (no other exp)", payload: base("exp") + `,"EXP":` + strconv.FormatInt(exp, 10) + `}`, reason: ReasonMalformed},
		{name: "unknown member with invalid JSON", payload: base() + `,"x":tru}`, reason: ReasonMalformed},
		{name: "unknown members duplicated under folding", payload: base() + `,"x":1,"X":2}`, reason: ReasonMalformed},
		{name: "invalid UTF-8 in a claim", payload: base("full_name") + ",\"full_name\":\"Ada \xff\"}", reason: ReasonMalformed},
		{name: "raw control character in a claim", payload: base("role") + ",\"role\":\"ad\x01min\"}", reason: ReasonMalformed},
		{name: "exp with a leading zero", payload: base("exp") + `,"exp":0` + strconv.FormatInt(exp, 10) + `}`, reason: ReasonMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := vtConfig(algRS256)
			cfg.CacheSize = -1
			v := vtNewValidator(t, cfg)
			tok := vtSignRaw(t, vtJSON(vtHeader(algRS256)), tc.payload, jwt.SigningMethodRS256, vtKeys().rsa)
			c := vtCheck(t, v, tok, tc.reason)
			if tc.check != nil && !tc.check(c) {
				t.Fatalf("claims %+v", c)
			}
		})
	}
}

// TestCheckHeaderUnknownMemberJSON: header members the validator does not
// read must still be valid JSON; the ones it reads have their own rules.
func TestCheckHeaderUnknownMemberJSON(t *testing.T) {
	for _, h := range []string{
		`{"alg":"RS256","x":tru}`, `{"alg":"RS256","jwk":{"kty":}}`, `{"alg":"RS256","x5c":["a",]}`,
		`{"alg":"RS256","x":01}`, "{\"alg\":\"RS256\",\"x\":\"\xff\"}", "{\"alg\":\"RS256\",\"x\":\"a\x01\"}",
		`{"x":[}},"alg":"RS256"}`,
	} {
		_, err := checkHeader([]byte(h), algRS256)
		if ReasonOf(err) != ReasonMalformed || !errors.Is(err, ErrInvalidToken) || !errors.Is(err, errHeaderJSON) {
			t.Errorf("%q: %v (reason %q), want malformed wrapping errHeaderJSON", h, err, ReasonOf(err))
		}
	}
	for _, h := range []string{
		`{"alg":"RS256","x":{"a":[1,{"b":null}]},"y":"\u00e9","z":-1e3,"jku":"https://x.test"}`,
	} {
		if _, err := checkHeader([]byte(h), algRS256); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}

	// Through a validator, on a correctly signed token.
	cfg := vtConfig(algRS256)
	cfg.CacheSize = -1
	v := vtNewValidator(t, cfg)
	k := vtKeys()
	claims := vtJSON(vtClaims())
	vtCheck(t, v, vtSignRaw(t, `{"alg":"RS256","typ":"JWT","x":[1,]}`, claims, jwt.SigningMethodRS256, k.rsa), ReasonMalformed)
	vtCheck(t, v, vtSignRaw(t, `{"alg":"RS256","typ":"JWT","x":[1]}`, claims, jwt.SigningMethodRS256, k.rsa), "")
}

// FuzzDecodeClaims checks the decoder against encoding/json: an accepted
// payload decodes exactly as encoding/json decodes it into a Claims; a
// payload encoding/json accepts as an object (valid UTF-8) is refused only
// for a claim-name spelling or a duplicate member; every refusal is a
// malformed invalid-token error.
//
// Explore with `go test -run '^$' -fuzz '^FuzzDecodeClaims$' ./authmod/`.
func FuzzDecodeClaims(f *testing.F) {
	for _, s := range []string{
		dcFull, `{}`, `{"aud":["a","b"]}`, `{"aud":null}`, `{"exp":"1700000000"}`, `{"exp":1.5e9}`, `{"exp":-1}`,
		`{"exp":0123}`, `{"SUB":"a"}`, `{"\u017fub":"a"}`, `{"x":1,"X":2}`, `{"x":[1,]}`, `{"x":{"a":[{}]}}`,
		"{\"sub\":\"\xff\"}", "{\"sub\":\"a\x01\"}", `{"is_active":null}`, `{"sub":"\u00e9"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		got, err := dcDecode(doc)
		var want Claims
		jerr := json.Unmarshal([]byte(doc), &want)
		if err == nil {
			if got == nil {
				t.Fatal("no claims and no error")
			}
			if jerr != nil {
				t.Fatalf("accepted, encoding/json refuses: %v", jerr)
			}
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("got %+v, encoding/json %+v", *got, want)
			}
			return
		}
		dcWantMalformed(t, "refusal", got, err, nil)
		isObject := strings.HasPrefix(strings.TrimLeft(doc, " \t\r\n"), "{")
		if jerr != nil || !isObject || !utf8.ValidString(doc) {
			return
		}
		if !errors.Is(err, errClaimSpelling) && !errors.Is(err, strictjson.ErrDuplicateMember) {
			t.Fatalf("refused (%q), encoding/json accepts %+v", vtChain(err), want)
		}
	})
}
