package devissuer

import (
	"errors"
	"net/http"
	"time"
)

// jtiStatusRequest is the v2 jti-status body.
type jtiStatusRequest struct {
	JTI            *string `json:"jti"`
	ExpectedUserID *string `json:"expected_user_id"`
	SchemaVersion  *string `json:"schema_version"`
}

// serveJTIStatus answers whether a jti minted here is still active: not
// revoked, its user not deleted and not revoked past the generation the
// token was minted at (v2, with the user's auth generation). A jti this
// issuer never minted is inactive.
func (s *Server) serveJTIStatus(w http.ResponseWriter, r *http.Request) {
	data, readErr := readBody(r)
	if _, ref := s.authorize(r, ScopeIntrospection); ref != nil {
		s.refuse(w, r, ref)
		return
	}
	if f, ok := s.fault(FaultJTIStatusSlow); ok {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if _, ok := s.fault(FaultJTIStatusDown); ok {
		dropConnection(w)
		return
	}
	if _, ok := s.fault(FaultJTIStatusError); ok {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"detail": "Internal Server Error"})
		return
	}
	req, err := parseJTIStatus(data, readErr)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": err.Error()})
		return
	}
	s.mu.Lock()
	active, gen := s.st.status(*req.JTI, *req.ExpectedUserID, s.cfg.Now())
	s.mu.Unlock()
	if !active {
		writeJSON(w, http.StatusOK, map[string]any{"schema_version": "2", "active": false})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"schema_version": "2", "active": true, "user_id": *req.ExpectedUserID, "auth_generation": gen,
	})
}

func parseJTIStatus(data []byte, readErr error) (*jtiStatusRequest, error) {
	if readErr != nil {
		return nil, errors.New("unreadable body")
	}
	var req jtiStatusRequest
	if err := decodeStrict(data, &req); err != nil {
		return nil, errors.New(`body must be {"jti": "...", "expected_user_id": "...", "schema_version": "2"}`)
	}
	switch {
	case req.JTI == nil || *req.JTI == "":
		return nil, errors.New(`"jti" is required`)
	case req.ExpectedUserID == nil || *req.ExpectedUserID == "":
		return nil, errors.New(`"expected_user_id" is required`)
	case req.SchemaVersion != nil && *req.SchemaVersion != "2":
		return nil, errors.New(`"schema_version" must be "2"`)
	}
	return &req, nil
}

// status decides a jti's answer.
func (st *state) status(jti, sub string, now time.Time) (active bool, generation int64) {
	t := st.Tokens[jti]
	if t == nil || t.Sub != sub || t.Exp < now.Unix() {
		return false, 0
	}
	if _, revoked := st.Revoked[jti]; revoked {
		return false, 0
	}
	u := st.user(sub)
	if u.Deleted || t.Generation < u.Generation {
		return false, 0
	}
	return true, u.Generation
}

// dropConnection closes the connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
