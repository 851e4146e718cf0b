package devissuer

import (
	"bytes"
	"errors"
	"math"
	"net"
	"net/http"
	"time"
)

// Developer routes under {prefix}/dev (loopback callers only; JSON in and
// out; an invalid body is 422 with a detail naming the problem):
//
//	POST   /dev/tokens       TokenSpec + ttl_seconds      → 201 Minted
//	POST   /dev/revoke       {"jti"}                      → Revoked (404: not minted here)
//	POST   /dev/revoke-user  {"sub"}                      → Revoked (next generation)
//	POST   /dev/delete-user  {"sub"}                      → Revoked
//	POST   /dev/api-keys     APIKeySpec + expires_in_seconds → 201 CreatedAPIKey
//	POST   /dev/faults       Fault + seconds, delay_ms    → the fault with its end
//	GET    /dev/faults                                    → the active faults
//	DELETE /dev/faults                                    → 204, every fault ended
//	POST   /dev/rotate                                    → {"kid","kids"}
func (s *Server) devRoutes(mux *http.ServeMux, base string) {
	mux.Handle("POST "+base+"/tokens", s.dev(s.devMint))
	mux.Handle("POST "+base+"/revoke", s.dev(s.devRevoke))
	mux.Handle("POST "+base+"/revoke-user", s.dev(s.devRevokeUser))
	mux.Handle("POST "+base+"/delete-user", s.dev(s.devDeleteUser))
	mux.Handle("POST "+base+"/api-keys", s.dev(s.devAPIKey))
	mux.Handle("POST "+base+"/faults", s.dev(s.devFault))
	mux.Handle("GET "+base+"/faults", s.dev(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"faults": nonNil(s.Faults())})
	}))
	mux.Handle("DELETE "+base+"/faults", s.dev(func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	}))
	mux.Handle("POST "+base+"/rotate", s.dev(func(w http.ResponseWriter, _ *http.Request) {
		kid, err := s.Rotate()
		switch {
		case errors.Is(err, ErrSharedSecret):
			unprocessable(w, err)
			return
		case err != nil:
			writeJSON(w, http.StatusInternalServerError, map[string]any{"detail": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"kid": kid, "kids": s.KeyIDs()})
	}))
}

func nonNil(f []Fault) []Fault {
	if f == nil {
		return []Fault{}
	}
	return f
}

// dev admits loopback callers only.
func (s *Server) dev(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		if err != nil || ip == nil || !ip.IsLoopback() {
			writeJSON(w, http.StatusForbidden, map[string]any{"detail": "the developer endpoints answer loopback callers only"})
			return
		}
		h(w, r)
	})
}

// decodeBody decodes a JSON body strictly into v (an empty body is {}).
func decodeBody(r *http.Request, v any) error {
	data, err := readBody(r)
	if err != nil {
		return errors.New("unreadable body")
	}
	if len(bytes.TrimSpace(data)) == 0 {
		data = []byte("{}")
	}
	if err := decodeStrict(data, v); err != nil {
		return errors.New("body is not the expected JSON object: " + err.Error())
	}
	return nil
}

// seconds converts a JSON seconds value, refusing NaN, infinities and
// values beyond max.
func seconds(v float64, max time.Duration) (time.Duration, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > max.Seconds() {
		return 0, errors.New("duration out of range")
	}
	return time.Duration(v * float64(time.Second)), nil
}

func unprocessable(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": err.Error()})
}

func (s *Server) devMint(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TokenSpec
		TTLSeconds float64 `json:"ttl_seconds"`
	}
	if err := decodeBody(r, &body); err != nil {
		unprocessable(w, err)
		return
	}
	ttl, err := seconds(body.TTLSeconds, MaxTokenTTL)
	if err != nil {
		unprocessable(w, errors.New("ttl_seconds: "+err.Error()))
		return
	}
	body.TTL = ttl
	m, err := s.Mint(body.TokenSpec)
	if err != nil {
		unprocessable(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

func (s *Server) devRevoke(w http.ResponseWriter, r *http.Request) {
	var body struct {
		JTI string `json:"jti"`
	}
	if err := decodeBody(r, &body); err != nil {
		unprocessable(w, err)
		return
	}
	out, err := s.RevokeJTI(body.JTI)
	s.answerRevoked(w, out, err)
}

func (s *Server) devRevokeUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Sub string `json:"sub"`
	}
	if err := decodeBody(r, &body); err != nil {
		unprocessable(w, err)
		return
	}
	out, err := s.RevokeUser(body.Sub)
	s.answerRevoked(w, out, err)
}

func (s *Server) devDeleteUser(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Sub string `json:"sub"`
	}
	if err := decodeBody(r, &body); err != nil {
		unprocessable(w, err)
		return
	}
	out, err := s.DeleteUser(body.Sub)
	s.answerRevoked(w, out, err)
}

func (s *Server) answerRevoked(w http.ResponseWriter, out Revoked, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": err.Error()})
	case err != nil:
		unprocessable(w, err)
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) devAPIKey(w http.ResponseWriter, r *http.Request) {
	var body struct {
		APIKeySpec
		ExpiresInSeconds float64 `json:"expires_in_seconds"`
	}
	if err := decodeBody(r, &body); err != nil {
		unprocessable(w, err)
		return
	}
	d, err := seconds(body.ExpiresInSeconds, 10*365*24*time.Hour)
	if err != nil {
		unprocessable(w, errors.New("expires_in_seconds: "+err.Error()))
		return
	}
	body.ExpiresIn = d
	k, err := s.CreateAPIKey(body.APIKeySpec)
	if err != nil {
		unprocessable(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, k)
}

func (s *Server) devFault(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Fault
		Seconds float64 `json:"seconds"`
		DelayMS float64 `json:"delay_ms"`
	}
	if err := decodeBody(r, &body); err != nil {
		unprocessable(w, err)
		return
	}
	var err error
	if body.For, err = seconds(body.Seconds, MaxFaultDuration); err != nil {
		unprocessable(w, errors.New("seconds: "+err.Error()))
		return
	}
	if body.Delay, err = seconds(body.DelayMS/1000, time.Minute); err != nil {
		unprocessable(w, errors.New("delay_ms: "+err.Error()))
		return
	}
	f, err := s.InjectFault(body.Fault)
	if err != nil {
		unprocessable(w, err)
		return
	}
	writeJSON(w, http.StatusOK, f)
}
