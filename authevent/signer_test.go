package authevent

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/m8fx/kit/settingsmod"
)

// eventVectorKey and eventVectors were produced by CPython 3.11 with
//
//	canon = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
//	sig = hmac.new(key, canon.encode(), hashlib.sha256).hexdigest()
//
// (input is json.dumps(payload, ensure_ascii=False, indent=1)), which is how
// fa-auth-m8 signs events.
const eventVectorKey = "fa-auth-m8-event-signing-key-for-tests-0123"

const eventVectors = `[
 {
  "input": "{\n \"event\": \"user.created\",\n \"user_id\": \"0b7e7f3e-8f43-4a57-9c2e-3f4b8d8e2a11\",\n \"b\": 1,\n \"a\": \"x\"\n}",
  "canonical": "{\"a\":\"x\",\"b\":1,\"event\":\"user.created\",\"user_id\":\"0b7e7f3e-8f43-4a57-9c2e-3f4b8d8e2a11\"}",
  "signature": "565cbcc2e6dab3a8b6572e254e7ab9dc923ff7dfeb15440ad600749b9f1b2c2e"
 },
 {
  "input": "{\n \"name\": \"Zo\u00eb \u65e5\u672c \ud83d\ude00\",\n \"html\": \"<a href='x'>&amp;</a>\",\n \"path\": \"/a/b\",\n \"quote\": \"say \\\"hi\\\" \\\\o/\"\n}",
  "canonical": "{\"html\":\"<a href='x'>&amp;</a>\",\"name\":\"Zo\\u00eb \\u65e5\\u672c \\ud83d\\ude00\",\"path\":\"/a/b\",\"quote\":\"say \\\"hi\\\" \\\\o/\"}",
  "signature": "858e2db69ca6d93daec890b859fee14e00baef0aa1812cb79c49e4fe881aa28e"
 },
 {
  "input": "{\n \"ctl\": \"line\\nbreak\\ttab\\u0001\u007f\\b\\f\\r\"\n}",
  "canonical": "{\"ctl\":\"line\\nbreak\\ttab\\u0001\\u007f\\b\\f\\r\"}",
  "signature": "01c503856bbc694f30da437c082d7ca3e0faeca8754229d14455500c2998476f"
 },
 {
  "input": "{\n \"f\": [\n  1.5,\n  100.0,\n  1e-05,\n  1e+16,\n  0.0001,\n  3.14159,\n  2.5e-10,\n  1e+22,\n  -0.0,\n  1234567890123456.0,\n  0.1,\n  -2.75\n ],\n \"i\": [\n  123456789012345678901234567890,\n  0,\n  -7\n ]\n}",
  "canonical": "{\"f\":[1.5,100.0,1e-05,1e+16,0.0001,3.14159,2.5e-10,1e+22,-0.0,1234567890123456.0,0.1,-2.75],\"i\":[123456789012345678901234567890,0,-7]}",
  "signature": "53ecf328eadb83796f66392ee9dffc63070fd33e918e9b034b23f04849adfae8"
 },
 {
  "input": "{\n \"nested\": {\n  \"z\": [\n   true,\n   false,\n   null\n  ],\n  \"\u00e9\": {\n   \"k\": []\n  },\n  \"A\": {}\n },\n \"empty\": \"\"\n}",
  "canonical": "{\"empty\":\"\",\"nested\":{\"A\":{},\"z\":[true,false,null],\"\\u00e9\":{\"k\":[]}}}",
  "signature": "66457eb177270bf6040fec11516f6c3dcc386f043686d1eaf8c2a5155fa6af1f"
 }
]`

type eventVector struct {
	Input, Canonical, Signature string
}

func loadEventVectors(t *testing.T) []eventVector {
	t.Helper()
	var v []eventVector
	if err := json.Unmarshal([]byte(eventVectors), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSignerMatchesPythonVectors(t *testing.T) {
	s, err := NewSigner([]byte(eventVectorKey))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range loadEventVectors(t) {
		canon, err := CanonicalJSON([]byte(v.Input))
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if string(canon) != v.Canonical {
			t.Errorf("vector %d canonical:\n got %s\nwant %s", i, canon, v.Canonical)
		}
		sig, err := s.SignJSON([]byte(v.Input))
		if err != nil || sig != v.Signature {
			t.Errorf("vector %d signature %s (%v), want %s", i, sig, err, v.Signature)
		}
		if err := s.VerifyJSON([]byte(v.Input), v.Signature); err != nil {
			t.Errorf("vector %d verify: %v", i, err)
		}
	}
}

func TestSignerRejectsTampering(t *testing.T) {
	s, _ := NewSigner([]byte(eventVectorKey))
	v := loadEventVectors(t)[0]
	tests := []struct {
		name, payload, sig string
		want               error
	}{
		{"changed payload", strings.Replace(v.Input, "user.created", "user.deleted", 1), v.Signature, ErrBadSignature},
		{"changed signature", v.Input, "0" + v.Signature[1:], ErrBadSignature},
		{"upper-case hex is a different string but same bytes", v.Input, strings.ToUpper(v.Signature), nil},
		{"not hex", v.Input, "zz" + v.Signature[2:], ErrBadSignature},
		{"truncated", v.Input, v.Signature[:10], ErrBadSignature},
		{"empty", v.Input, "", ErrBadSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.VerifyJSON([]byte(tt.payload), tt.sig)
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifyJSON = %v, want %v", err, tt.want)
			}
		})
	}
	other, _ := NewSigner([]byte(strings.Repeat("k", 32)))
	if err := other.VerifyJSON([]byte(v.Input), v.Signature); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("another key verified the event: %v", err)
	}
}

func TestSignerSignGoValue(t *testing.T) {
	s, _ := NewSigner([]byte(eventVectorKey))
	v := loadEventVectors(t)[0]
	payload := map[string]any{"event": "user.created", "user_id": "0b7e7f3e-8f43-4a57-9c2e-3f4b8d8e2a11", "b": 1, "a": "x"}
	sig, err := s.Sign(payload)
	if err != nil || sig != v.Signature {
		t.Fatalf("Sign = %s (%v), want %s", sig, err, v.Signature)
	}
	if _, err := s.Sign(func() {}); err == nil {
		t.Fatal("Sign accepted a value encoding/json cannot marshal")
	}
}

func TestNewSigner(t *testing.T) {
	if _, err := NewSigner([]byte("short")); err == nil {
		t.Fatal("short key accepted")
	}
	if _, err := NewSigner([]byte(strings.Repeat("k", MinKeyBytes))); err != nil {
		t.Fatalf("key of MinKeyBytes refused: %v", err)
	}
	key := []byte(strings.Repeat("k", 40))
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.SignJSON([]byte(`{}`))
	key[0] = 'x'
	if after, _ := s.SignJSON([]byte(`{}`)); after != before {
		t.Fatal("the signer shares the caller's key slice")
	}
}

func TestSigningKeyFromSettings(t *testing.T) {
	if _, err := SigningKeyFromSettings(nil); err == nil {
		t.Fatal("nil settings accepted")
	}
	off := &settingsmod.Settings{EventSigningEnabled: false, EventSigningKey: settingsmod.Secret(strings.Repeat("k", 40))}
	if _, err := SigningKeyFromSettings(off); err == nil {
		t.Fatal("key returned although EVENT_SIGNING_ENABLED=false")
	}
	on := &settingsmod.Settings{EventSigningEnabled: true, EventSigningKey: settingsmod.Secret(strings.Repeat("k", 40))}
	key, err := SigningKeyFromSettings(on)
	if err != nil || string(key) != strings.Repeat("k", 40) {
		t.Fatalf("SigningKeyFromSettings = %q, %v", key, err)
	}
	if _, err := NewSigner(key); err != nil {
		t.Fatal(err)
	}
}
