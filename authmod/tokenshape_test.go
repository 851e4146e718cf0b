package authmod

import (
	"errors"
	"strings"
	"testing"

	"github.com/m8fx/kit/internal/strictjson"
)

// TestPrecheckShape: the constant-cost filter finds the two dots and
// refuses what cannot be two encoded JSON objects and a signature.
func TestPrecheckShape(t *testing.T) {
	d1, d2, err := precheckShape("eyA.eyB.sig")
	if err != nil || d1 != 3 || d2 != 7 {
		t.Fatalf("precheckShape = %d, %d, %v", d1, d2, err)
	}
	if _, _, err := precheckShape("eyA.eyB."); err != nil {
		t.Fatalf("empty signature refused by the precheck (the signature check refuses it): %v", err)
	}
	for token, want := range map[string]error{
		"":            strictjson.ErrNotObject,
		"e":           strictjson.ErrNotObject,
		"xyA.eyB.sig": strictjson.ErrNotObject,
		"eyA":         errSegmentCount,
		"eyA.eyB":     errSegmentCount,
		"eyA.eyB.c.d": errSegmentCount,
		"eyA.xyB.sig": strictjson.ErrNotObject,
		"eyA.e.sig":   strictjson.ErrNotObject,
		"eyA..sig":    strictjson.ErrNotObject,
	} {
		if _, _, err := precheckShape(token); !errors.Is(err, want) {
			t.Errorf("precheckShape(%q) = %v, want %v", token, err, want)
		}
	}
}

func TestCheckNoLineBreaks(t *testing.T) {
	for token, bad := range map[string]bool{
		"eyA.eyB.sig": false, "eyA\n.eyB.sig": true, "eyA.eyB.si\rg": true, "ey A": false,
	} {
		if err := checkNoLineBreaks(token); (err != nil) != bad {
			t.Errorf("checkNoLineBreaks(%q) = %v", token, err)
		}
	}
}

func TestDecodeSegmentIsStrict(t *testing.T) {
	if got, err := decodeSegment("e30"); err != nil || string(got) != "{}" {
		t.Fatalf("decodeSegment(e30) = %q, %v", got, err)
	}
	for _, seg := range []string{"e30=", "e31", "e3+", "e3/", "e3 0"} {
		if _, err := decodeSegment(seg); err == nil {
			t.Errorf("decodeSegment(%q) accepted", seg)
		}
	}
}

// TestCheckHeader: every header rule with its reason.
func TestCheckHeader(t *testing.T) {
	cases := []struct {
		header string
		reason Reason
		kid    string
	}{
		{`{"alg":"RS256"}`, "", ""},
		{`{"alg":"RS256","typ":"JWT","kid":"k1"}`, "", "k1"},
		{`{"alg":"RS256","typ":"at+JWT"}`, "", ""},
		{`{"alg":"RS256","kid":"\u006b1"}`, "", "k1"},
		{`{"typ":"JWT"}`, ReasonAlgorithm, ""},
		{`{"alg":"HS256"}`, ReasonAlgorithm, ""},
		{`{"alg":"none"}`, ReasonAlgorithm, ""},
		{`{"alg":["RS256"]}`, ReasonAlgorithm, ""},
		{`{"alg":"RS256","crit":["exp"]}`, ReasonCrit, ""},
		{`{"alg":"RS256","typ":"JWS"}`, ReasonType, ""},
		{`{"alg":"RS256","typ":1}`, ReasonType, ""},
		{`{"alg":"RS256","kid":""}`, ReasonMalformed, ""},
		{`{"alg":"RS256","kid":7}`, ReasonMalformed, ""},
		{`{"alg":"RS256","kid":"` + strings.Repeat("k", maxKIDLength+1) + `"}`, ReasonMalformed, ""},
		{`{"alg":"RS256","ALG":"none"}`, ReasonMalformed, ""},
		{`{"alg":"RS256","\u0061lg":"none"}`, ReasonMalformed, ""},
		{`{"alg":"RS256",}`, ReasonMalformed, ""},
		{`["alg","RS256"]`, ReasonMalformed, ""},
	}
	for _, tc := range cases {
		kid, err := checkHeader([]byte(tc.header), algRS256)
		if tc.reason == "" {
			if err != nil || kid != tc.kid {
				t.Errorf("%s: kid %q, %v; want %q", tc.header, kid, err, tc.kid)
			}
			continue
		}
		if ReasonOf(err) != tc.reason || !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: %v (reason %q), want reason %q", tc.header, err, ReasonOf(err), tc.reason)
		}
	}
	if _, err := checkHeader([]byte(`{"alg":"RS256","ALG":"x"}`), algRS256); !errors.Is(err, strictjson.ErrDuplicateMember) {
		t.Errorf("duplicate alg: %v does not wrap ErrDuplicateMember", err)
	}
	if _, err := checkHeader([]byte(`{"\u0061lg":"RS256"}`), algRS256); !errors.Is(err, errEscapedHeader) {
		t.Errorf("escaped name: %v does not wrap errEscapedHeader", err)
	}
}

// TestCanonicalSegment: canonicalSegment accepts exactly what the strict
// decoder accepts (without line breaks, which checkNoLineBreaks refuses
// first).
func TestCanonicalSegment(t *testing.T) {
	cases := []string{"", "A", "AA", "AB", "AAA", "AAB", "AAAA", "eyJhIjoxfQ", "eyJhIjoxfR", "ab+c", "ab/c", "ab=", "ab-_", "a b", "Zm9v", "Zm9vYg", "Zm9vYh", "Zm9vYmE", "Zm9vYmF"}
	for i := 0; i < 2000; i++ {
		b := make([]byte, i%23)
		for j := range b {
			b[j] = byte((i*31 + j*17) % 256)
		}
		cases = append(cases, b64.EncodeToString(b), b64.EncodeToString(b)+"A", string(b))
	}
	for _, seg := range cases {
		if strings.ContainsAny(seg, "\r\n") {
			continue // refused earlier by checkNoLineBreaks
		}
		_, err := decodeSegment(seg)
		if got, want := canonicalSegment(seg), err == nil; got != want {
			t.Errorf("canonicalSegment(%q) = %v, strict decoding says %v", seg, got, want)
		}
	}
}
