package authmod

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"golang.org/x/time/rate"
)

// ---- fixtures of the JWKS storage tests (prefix js) ----

// jsStorage is the storage keyfunc reads in v.
func jsStorage(t testing.TB, v *Validator) *jwksStorage {
	t.Helper()
	s, ok := v.keyfunc.Storage().(*jwksStorage)
	if !ok {
		t.Fatalf("keyfunc storage is %T", v.keyfunc.Storage())
	}
	return s
}

func jsKIDs(keys []jwkset.JWK) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k.Marshal().KID)
	}
	return out
}

// jsJWKS starts a JWKS validator (RS256) over srv with at most one
// on-demand refresh.
func jsJWKS(t testing.TB, srv *vtJWKSServer) *Validator {
	t.Helper()
	cfg := vtJWKSConfig(algRS256, srv.url())
	cfg.CacheSize = -1
	v := vtNewValidator(t, cfg)
	v.jwks.limiter = rate.NewLimiter(rate.Every(time.Hour), 1)
	vtStart(t, v)
	return v
}

// ---- jwksStorage ----

// TestJWKSStorageKeyRead: a loaded kid is read without a fetch; an unknown
// kid triggers one on-demand refresh, which finds a key added to the server;
// once the refresh budget is spent an unknown kid costs no fetch.
func TestJWKSStorageKeyRead(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	v := jsJWKS(t, srv)
	s := jsStorage(t, v)
	ctx := context.Background()
	if n := v.jwks.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches after Start, want 1", n)
	}

	jwk, err := s.KeyRead(ctx, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if jwk.Marshal().KID != "k1" || !keysEqual(&k.rsa.PublicKey, jwk.Key()) {
		t.Fatalf("KeyRead(k1) = %+v", jwk.Marshal())
	}
	if n := v.jwks.fetches.Load(); n != 1 {
		t.Fatalf("reading a loaded kid fetched (%d fetches)", n)
	}

	srv.set(vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey), vtRSAJWK(t, "k2", &k.rsaNext.PublicKey)))
	jwk, err = s.KeyRead(ctx, "k2")
	if err != nil {
		t.Fatalf("KeyRead(k2) after the server added it: %v", err)
	}
	if jwk.Marshal().KID != "k2" || !keysEqual(&k.rsaNext.PublicKey, jwk.Key()) {
		t.Fatalf("KeyRead(k2) = %+v", jwk.Marshal())
	}
	if n := v.jwks.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want exactly one on-demand refresh", n)
	}

	// The limiter allowed one refresh: an unknown kid now answers at once.
	_, err = s.KeyRead(ctx, "k3")
	if ReasonOf(err) != ReasonUnknownKID || !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("KeyRead(k3): %v", err)
	}
	if n, hits := v.jwks.fetches.Load(), srv.hits.Load(); n != 2 || hits != 2 {
		t.Fatalf("%d fetches, %d server hits, want 2 (rate-limited)", n, hits)
	}
	// kid "" with two keys is ambiguous, without a refresh.
	if _, err := s.KeyRead(ctx, ""); ReasonOf(err) != ReasonUnknownKID {
		t.Fatalf("KeyRead(\"\") with two keys: %v", err)
	}
}

// TestJWKSStorageKeyReadNoKeys: without any loaded key, KeyRead and
// KeyReadAll refresh on demand; when that fails too they answer
// keys-unavailable.
func TestJWKSStorageKeyReadNoKeys(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	cfg := vtJWKSConfig(algRS256, srv.url())
	v := vtNewValidator(t, cfg) // not started: nothing loaded
	s := jsStorage(t, v)
	ctx := context.Background()

	all, err := s.KeyReadAll(ctx)
	if err != nil || !reflect.DeepEqual(jsKIDs(all), []string{"k1"}) {
		t.Fatalf("KeyReadAll with nothing loaded: %v, %v", jsKIDs(all), err)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}

	down := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	srv.status.Store(500)
	ds := jsStorage(t, down)
	if _, err := ds.KeyRead(ctx, "k1"); ReasonOf(err) != ReasonKeysUnavailable || !errors.Is(err, ErrKeysUnavailable) {
		t.Fatalf("KeyRead without keys: %v", err)
	}
	if _, err := ds.KeyReadAll(ctx); ReasonOf(err) != ReasonKeysUnavailable || !errors.Is(err, ErrKeysUnavailable) {
		t.Fatalf("KeyReadAll without keys: %v", err)
	}
}

// TestJWKSStorageKeyReadAll: every usable key, in JWKS order (those
// without a kid included), without a fetch.
func TestJWKSStorageKeyReadAll(t *testing.T) {
	k := vtKeys()
	noKID := vtRSAJWK(t, "", &k.rsaOther.PublicKey)
	delete(noKID, "kid")
	oct := map[string]any{"kty": "oct", "kid": "shared", "k": vtB64(k.hmac)}
	srv := vtNewJWKSServer(t, vtJWKSDoc(
		vtRSAJWK(t, "b", &k.rsaNext.PublicKey), oct, noKID, vtRSAJWK(t, "a", &k.rsa.PublicKey),
	))
	v := jsJWKS(t, srv)
	before := srv.hits.Load()
	all, err := jsStorage(t, v).KeyReadAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := jsKIDs(all); !reflect.DeepEqual(got, []string{"b", "", "a"}) {
		t.Fatalf("KeyReadAll kids %q", got)
	}
	for i, pub := range []any{&k.rsaNext.PublicKey, &k.rsaOther.PublicKey, &k.rsa.PublicKey} {
		if !keysEqual(pub, all[i].Key()) {
			t.Errorf("key %d is not the published one", i)
		}
	}
	if n := srv.hits.Load(); n != before {
		t.Fatalf("KeyReadAll fetched with keys loaded")
	}
}

// TestJWKSStorageReadOnly: writes fail with errStorageReadOnly and change
// nothing; the key a write offered is never used.
func TestJWKSStorageReadOnly(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	v := jsJWKS(t, srv)
	v.jwks.limiter = rate.NewLimiter(0, 0) // no on-demand refresh: the loaded set decides
	s := jsStorage(t, v)
	ctx := context.Background()
	snapshot := v.jwks.keys.Load()

	evil, err := jwkset.NewJWKFromKey(&k.rsaOther.PublicKey, jwkset.JWKOptions{
		Metadata: jwkset.JWKMetadataOptions{KID: "evil", ALG: jwkset.AlgRS256},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.KeyWrite(ctx, evil); !errors.Is(err, errStorageReadOnly) {
		t.Fatalf("KeyWrite: %v", err)
	}
	if ok, err := s.KeyDelete(ctx, "k1"); ok || !errors.Is(err, errStorageReadOnly) {
		t.Fatalf("KeyDelete: %v, %v", ok, err)
	}
	if err := s.KeyReplaceAll(ctx, []jwkset.JWK{evil}); !errors.Is(err, errStorageReadOnly) {
		t.Fatalf("KeyReplaceAll: %v", err)
	}
	if err := s.KeyReplaceAll(ctx, nil); !errors.Is(err, errStorageReadOnly) {
		t.Fatalf("KeyReplaceAll(nil): %v", err)
	}

	if v.jwks.keys.Load() != snapshot {
		t.Fatal("a write replaced the snapshot")
	}
	all, err := s.KeyReadAll(ctx)
	if err != nil || !reflect.DeepEqual(jsKIDs(all), []string{"k1"}) {
		t.Fatalf("keys after the writes: %q, %v", jsKIDs(all), err)
	}
	if _, err := s.KeyRead(ctx, "evil"); ReasonOf(err) != ReasonUnknownKID {
		t.Fatalf("KeyRead(evil): %v", err)
	}
	vtCheck(t, v, vtKidToken(t, algRS256, "k1", k.rsa, "j1"), "")
	vtCheck(t, v, vtKidToken(t, algRS256, "evil", k.rsaOther, "j2"), ReasonUnknownKID)
	vtCheck(t, v, vtKidToken(t, algRS256, "", k.rsaOther, "j3"), ReasonSignature)
}

// TestJWKSStorageMarshal: Marshal and the JSON methods describe exactly the
// loaded keys, public material only (a private member published in the
// JWKS is not repeated, unusable keys are absent).
func TestJWKSStorageMarshal(t *testing.T) {
	k := vtKeys()
	withPrivate := vtRSAJWK(t, "private", &k.rsaNext.PublicKey)
	withPrivate["d"] = vtB64(k.rsaNext.D.Bytes())
	withPrivate["p"] = vtB64(k.rsaNext.Primes[0].Bytes())
	withPrivate["q"] = vtB64(k.rsaNext.Primes[1].Bytes())
	oct := map[string]any{"kty": "oct", "kid": "shared", "k": vtB64(k.hmac)}
	rs384 := vtRSAJWK(t, "rs384", &k.rsaOther.PublicKey)
	rs384["alg"] = "RS384"
	good := vtRSAJWK(t, "good", &k.rsa.PublicKey)
	srv := vtNewJWKSServer(t, vtJWKSDoc(withPrivate, oct, rs384, good))
	ctx := context.Background()

	// Before any fetch: an empty set, not null.
	idle := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	raw, err := jsStorage(t, idle).JSON(ctx)
	if err != nil || string(raw) != `{"keys":[]}` {
		t.Fatalf("JSON with nothing loaded: %s, %v", raw, err)
	}
	m, err := jsStorage(t, idle).MarshalWithOptions(ctx, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{})
	if err != nil || m.Keys == nil || len(m.Keys) != 0 {
		t.Fatalf("MarshalWithOptions with nothing loaded: %+v, %v", m, err)
	}
	if hits := srv.hits.Load(); hits != 0 {
		t.Fatalf("Marshal/JSON fetched (%d)", hits)
	}

	v := jsJWKS(t, srv)
	s := jsStorage(t, v)
	m, err = s.Marshal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Keys) != 2 || m.Keys[0].KID != "private" || m.Keys[1].KID != "good" {
		t.Fatalf("Marshal keys %+v", m.Keys)
	}
	for i, pub := range []*jwkset.JWKMarshal{&m.Keys[0], &m.Keys[1]} {
		if pub.D != "" || pub.P != "" || pub.Q != "" || pub.K != "" || pub.N == "" || pub.E == "" {
			t.Errorf("key %d: %+v", i, *pub)
		}
	}
	if m.Keys[1].N != good["n"] || m.Keys[1].ALG != jwkset.AlgRS256 || m.Keys[1].USE != jwkset.UseSig {
		t.Errorf("good key marshalled as %+v", m.Keys[1])
	}

	json1, err := s.JSON(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(context.Context) (json.RawMessage, error){
		"JSONPublic": s.JSONPublic, "JSONPrivate": s.JSONPrivate,
	} {
		if got, err := f(ctx); err != nil || string(got) != string(json1) {
			t.Errorf("%s = %s, %v; want %s", name, got, err, json1)
		}
	}
	withOpts, err := s.JSONWithOptions(ctx, jwkset.JWKMarshalOptions{Private: true}, jwkset.JWKValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]json.RawMessage{"JSON": json1, "JSONWithOptions(Private)": withOpts} {
		var parsed struct {
			Keys []map[string]any `json:"keys"`
		}
		if err := json.Unmarshal(doc, &parsed); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var kids []string
		for _, key := range parsed.Keys {
			kids = append(kids, key["kid"].(string))
			for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
				if _, ok := key[private]; ok {
					t.Errorf("%s: key %v has the private member %q", name, key["kid"], private)
				}
			}
		}
		if !reflect.DeepEqual(kids, []string{"private", "good"}) {
			t.Errorf("%s lists %q, want the loaded keys", name, kids)
		}
		if strings.Contains(string(doc), vtB64(k.rsaNext.D.Bytes())) || strings.Contains(string(doc), vtB64(k.hmac)) {
			t.Errorf("%s carries secret material", name)
		}
	}
}

// TestJWKSStorageMarshalWithOptions: each key marshalled again keeps its
// kid, alg, use and key_ops (and an absent alg stays absent).
func TestJWKSStorageMarshalWithOptions(t *testing.T) {
	k := vtKeys()
	full := vtRSAJWK(t, "full", &k.rsa.PublicKey)
	full["key_ops"] = []string{"verify"}
	bare := vtRSAJWK(t, "bare", &k.rsaNext.PublicKey)
	delete(bare, "alg")
	delete(bare, "use")
	srv := vtNewJWKSServer(t, vtJWKSDoc(full, bare))
	v := jsJWKS(t, srv)
	s := jsStorage(t, v)
	ctx := context.Background()
	plain, err := s.Marshal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, mo := range []jwkset.JWKMarshalOptions{{}, {Private: true}} {
		m, err := s.MarshalWithOptions(ctx, mo, jwkset.JWKValidateOptions{})
		if err != nil {
			t.Fatalf("%+v: %v", mo, err)
		}
		if len(m.Keys) != 2 {
			t.Fatalf("%+v: %d keys", mo, len(m.Keys))
		}
		want := []struct {
			kid string
			alg jwkset.ALG
			use jwkset.USE
			ops []jwkset.KEYOPS
		}{
			{"full", jwkset.AlgRS256, jwkset.UseSig, []jwkset.KEYOPS{jwkset.KeyOpsVerify}},
			{"bare", "", "", nil},
		}
		for i, w := range want {
			got := m.Keys[i]
			if got.KID != w.kid || got.ALG != w.alg || got.USE != w.use || !reflect.DeepEqual(got.KEYOPS, w.ops) {
				t.Errorf("%+v: key %d = kid %q alg %q use %q key_ops %v, want %+v", mo, i, got.KID, got.ALG, got.USE, got.KEYOPS, w)
			}
			if got.N != plain.Keys[i].N || got.E != plain.Keys[i].E || got.D != "" {
				t.Errorf("%+v: key %d material differs from Marshal", mo, i)
			}
		}
	}
}

// ---- keyfunc edges through a Validator ----

// TestJWKSKeyfuncKidlessNoFetch: a token without kid while two keys are
// loaded is refused at once, without a fetch even though the limiter would
// allow one, whichever of the two keys signed it.
func TestJWKSKeyfuncKidlessNoFetch(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey), vtRSAJWK(t, "k2", &k.rsaNext.PublicKey)))
	cfg := vtJWKSConfig(algRS256, srv.url())
	cfg.CacheSize = -1
	v := vtNewValidator(t, cfg) // default limiter: on-demand refreshes are allowed
	vtStart(t, v)
	before := srv.hits.Load()
	for jti, key := range map[string]any{"j1": k.rsa, "j2": k.rsaNext, "j3": k.rsaOther} {
		vtCheck(t, v, vtKidToken(t, algRS256, "", key, jti), ReasonUnknownKID)
	}
	if n := srv.hits.Load() - before; n != 0 {
		t.Fatalf("%d fetches for kid-less tokens with two keys loaded", n)
	}
	if !v.jwks.limiter.Allow() {
		t.Fatal("the kid-less tokens spent the refresh budget")
	}
	vtCheck(t, v, vtKidToken(t, algRS256, "k2", k.rsaNext, "j-k2"), "")
}

// TestJWKSKeyfuncKidlessBeforeKeys: a token without kid that arrives before
// any key is loaded triggers one refresh, and is verified only when that
// refresh loads exactly one key.
func TestJWKSKeyfuncKidlessBeforeKeys(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	cfg := vtJWKSConfig(algRS256, srv.url())
	cfg.CacheSize = -1
	one := vtNewValidator(t, cfg) // never started
	vtCheck(t, one, vtKidToken(t, algRS256, "", k.rsa, "j1"), "")
	if n := srv.hits.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}

	srv.set(vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey), vtRSAJWK(t, "k2", &k.rsaNext.PublicKey)))
	two := vtNewValidator(t, cfg)
	vtCheck(t, two, vtKidToken(t, algRS256, "", k.rsa, "j2"), ReasonUnknownKID)
	if n := srv.hits.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

// TestJWKSKeyfuncJWKWithoutAlg: a JWK without "alg" (RFC 7517 makes it
// optional) verifies RS256 tokens, with its kid and, as the only key,
// without one.
func TestJWKSKeyfuncJWKWithoutAlg(t *testing.T) {
	k := vtKeys()
	noAlg := vtRSAJWK(t, "na", &k.rsa.PublicKey)
	delete(noAlg, "alg")
	delete(noAlg, "use")
	srv := vtNewJWKSServer(t, vtJWKSDoc(noAlg))
	v := jsJWKS(t, srv)
	if n := v.jwks.size(); n != 1 {
		t.Fatalf("%d usable keys, want 1", n)
	}
	vtCheck(t, v, vtKidToken(t, algRS256, "na", k.rsa, "j1"), "")
	vtCheck(t, v, vtKidToken(t, algRS256, "", k.rsa, "j2"), "")
	vtCheck(t, v, vtKidToken(t, algRS256, "na", k.rsaOther, "j3"), ReasonSignature)
}

// TestJWKSKeyfuncRS384NeverUsed: a JWK with alg RS384 is not loaded, so it
// verifies nothing: not under its kid, not as a kid-less token's key, not
// as the only key of the set.
func TestJWKSKeyfuncRS384NeverUsed(t *testing.T) {
	k := vtKeys()
	rs384 := vtRSAJWK(t, "r384", &k.rsaOther.PublicKey)
	rs384["alg"] = "RS384"
	rs384NoKID := vtRSAJWK(t, "", &k.rsaOther.PublicKey)
	rs384NoKID["alg"] = "RS384"
	delete(rs384NoKID, "kid")

	t.Run("next to a usable key", func(t *testing.T) {
		srv := vtNewJWKSServer(t, vtJWKSDoc(rs384, rs384NoKID, vtRSAJWK(t, "good", &k.rsa.PublicKey)))
		v := jsJWKS(t, srv)
		v.jwks.limiter = rate.NewLimiter(0, 0)
		if got := jsKIDs(v.jwks.keys.Load().all); !reflect.DeepEqual(got, []string{"good"}) {
			t.Fatalf("loaded %q", got)
		}
		vtCheck(t, v, vtKidToken(t, algRS256, "r384", k.rsaOther, "j1"), ReasonUnknownKID)
		// Kid-less: the single usable key is the only one tried.
		vtCheck(t, v, vtKidToken(t, algRS256, "", k.rsaOther, "j2"), ReasonSignature)
		vtCheck(t, v, vtKidToken(t, algRS256, "", k.rsa, "j3"), "")
	})
	t.Run("alone", func(t *testing.T) {
		srv := vtNewJWKSServer(t, vtJWKSDoc(rs384))
		v := jsJWKS(t, srv)
		if n := v.jwks.size(); n != 0 {
			t.Fatalf("%d keys loaded from an RS384-only JWKS", n)
		}
		vtCheck(t, v, vtKidToken(t, algRS256, "r384", k.rsaOther, "j1"), ReasonKeysUnavailable)
		vtCheck(t, v, vtKidToken(t, algRS256, "", k.rsaOther, "j2"), ReasonKeysUnavailable)
	})
}

// TestJWKSOnDemandCancelWhilePending: with keys loaded, a request for an
// unknown kid waits for the on-demand refresh it started; when its context
// is cancelled while the fetch is stalled it returns at once (unknown kid:
// the loaded keys do not have it), and the refresh it started still
// completes for the next request. (TestJWKSOnDemandRespectsRequestContext
// covers a context already done, with no key loaded.)
func TestJWKSOnDemandCancelWhilePending(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	cfg := vtJWKSConfig(algRS256, srv.url())
	cfg.CacheSize = -1
	cfg.JWKSFirstFetchTimeout = time.Minute // only the request context can end the wait early
	v := vtNewValidator(t, cfg)
	vtStart(t, v)

	release := make(chan struct{})
	srv.mu.Lock()
	srv.block = release
	srv.mu.Unlock()
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	srv.set(vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey), vtRSAJWK(t, "k2", &k.rsaNext.PublicKey)))
	before := srv.hits.Load()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tok := vtKidToken(t, algRS256, "k2", k.rsaNext, "j2")
	done := make(chan error, 1)
	go func() {
		_, err := v.Validate(ctx, tok)
		done <- err
	}()
	vtEventually(t, 20*time.Second, "on-demand fetch reaches the server", func() bool { return srv.hits.Load() > before })
	select {
	case err := <-done:
		t.Fatalf("returned before the refresh finished or the context ended: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	cancel()
	start := time.Now()
	select {
	case err := <-done:
		if ReasonOf(err) != ReasonUnknownKID || !errors.Is(err, ErrInvalidToken) {
			t.Fatalf("cancelled request: %v (reason %q)", err, ReasonOf(err))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("a cancelled request kept waiting for the stalled refresh")
	}
	t.Logf("returned %v after the cancellation", time.Since(start))

	// The refresh was not abandoned: released, it loads k2.
	close(release)
	released = true
	vtEventually(t, 20*time.Second, "the pending refresh completes", func() bool { return v.jwks.size() == 2 })
	hits := srv.hits.Load()
	vtCheck(t, v, tok, "")
	if n := srv.hits.Load(); n != hits {
		t.Fatal("a further fetch was needed")
	}
	if n := hits - before; n != 1 {
		t.Fatalf("%d fetches for the unknown kid, want 1", n)
	}
}
