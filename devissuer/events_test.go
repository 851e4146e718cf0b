package devissuer

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/m8fx/kit/authevent"
)

// sseFrame is one dispatched frame (a comment line is a frame with only
// comment set).
type sseFrame struct {
	id, event, data, comment string
}

// openStream connects to the event stream and returns a channel of its
// frames; the stream closes with the test.
func (ti *testIssuer) openStream(t *testing.T, lastID string) (<-chan sseFrame, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ti.URL(PathEventStream), nil)
	bs := ti.bootstrap()
	req.Header.Set(bs[0], bs[1])
	req.Header.Set(bs[2], bs[3])
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := ti.http.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	frames := make(chan sseFrame, 64)
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); resp.Body.Close(); <-done })
	go func() {
		defer close(done)
		defer close(frames)
		sc := bufio.NewScanner(resp.Body)
		var f sseFrame
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, ":"):
				frames <- sseFrame{comment: strings.TrimSpace(line[1:])}
			case strings.HasPrefix(line, "id: "):
				f.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				f.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				f.data = line[6:]
			case line == "" && f.data != "":
				frames <- f
				f = sseFrame{}
			}
		}
	}()
	return frames, resp
}

// next returns the next non-comment frame.
func next(t *testing.T, frames <-chan sseFrame) sseFrame {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				t.Fatal("stream ended")
			}
			if f.comment == "" {
				return f
			}
		case <-timeout:
			t.Fatal("no frame within 5s")
		}
	}
}

func TestEventStream(t *testing.T) {
	ti := startIssuer(t, "", nil)
	frames, resp := ti.openStream(t, "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %v", resp.StatusCode, resp.Header)
	}
	signer, err := authevent.NewSigner([]byte(envMap(ti.ConsumerEnv())["EVENT_SIGNING_KEY"]))
	if err != nil {
		t.Fatal(err)
	}
	// A heartbeat arrives (50 ms in tests).
	select {
	case f := <-frames:
		if f.comment != "ping" {
			t.Fatalf("first frame %+v, want the heartbeat", f)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no heartbeat")
	}

	sub := uuid.NewString()
	m, err := ti.Mint(TokenSpec{Sub: sub})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ti.RevokeJTI(m.JTI); err != nil {
		t.Fatal(err)
	}
	rev, err := ti.RevokeUser(sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ti.DeleteUser(sub); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		event   string
		payload map[string]any
	}{
		{"session-revoked", map[string]any{"event_type": "session.revoked", "version": "v2", "user_id": sub, "jti": m.JTI,
			"auth_generation": float64(1), "event_id": sub + ":1:revoke:" + m.JTI}},
		{"session-revoked", map[string]any{"event_type": "session.revoked", "version": "v2", "user_id": sub, "jti": nil,
			"auth_generation": float64(2), "event_id": sub + ":2:revoke:all"}},
		{"user-deleted", map[string]any{"event_type": "user.deleted", "version": "v1", "user_id": sub}},
	}
	var ids []string
	for i, w := range want {
		f := next(t, frames)
		var env struct {
			Payload json.RawMessage `json:"payload"`
			Sig     string          `json:"sig"`
		}
		if err := json.Unmarshal([]byte(f.data), &env); err != nil || f.event != w.event {
			t.Fatalf("frame %d = %+v (%v)", i, f, err)
		}
		if err := signer.VerifyJSON(env.Payload, env.Sig); err != nil {
			t.Errorf("frame %d: signature: %v", i, err)
		}
		var p map[string]any
		_ = json.Unmarshal(env.Payload, &p)
		if len(p) != len(w.payload) {
			t.Errorf("frame %d payload = %v, want %v", i, p, w.payload)
		}
		for k, v := range w.payload {
			if p[k] != v {
				t.Errorf("frame %d: %s = %v, want %v", i, k, p[k], v)
			}
		}
		ids = append(ids, f.id)
	}
	if rev.EventID != ids[1] {
		t.Errorf("RevokeUser's event id %s, frame id %s", rev.EventID, ids[1])
	}

	t.Run("resume replays after Last-Event-ID", func(t *testing.T) {
		again, _ := ti.openStream(t, ids[0])
		if f := next(t, again); f.id != ids[1] {
			t.Errorf("first replayed id %s, want %s", f.id, ids[1])
		}
		if f := next(t, again); f.id != ids[2] {
			t.Errorf("second replayed id %s, want %s", f.id, ids[2])
		}
	})
	for _, last := range []string{"garbage", "123-1", ids[0] + "0"} {
		t.Run("gap for Last-Event-ID "+last, func(t *testing.T) {
			gapped, _ := ti.openStream(t, last)
			if f := next(t, gapped); f.event != "gap" || f.data != "{}" {
				t.Errorf("first frame %+v, want the gap", f)
			}
		})
	}
	t.Run("a restarted issuer answers an old id with a gap", func(t *testing.T) {
		restarted := startIssuer(t, ti.dir, func(c *Config) { c.Heartbeat = time.Hour })
		gapped, _ := restarted.openStream(t, ids[2])
		if f := next(t, gapped); f.event != "gap" {
			t.Errorf("first frame %+v, want the gap", f)
		}
	})
	t.Run("stream drop fault cuts and refuses", func(t *testing.T) {
		if _, err := ti.InjectFault(Fault{Kind: FaultStreamDrop}); err != nil {
			t.Fatal(err)
		}
		defer ti.ClearFaults()
		for range frames { // the open stream ends
		}
		code, _, _ := ti.do(t, http.MethodGet, PathEventStream, nil, ti.bootstrap()...)
		if code != http.StatusServiceUnavailable {
			t.Errorf("new stream during the fault: %d, want 503", code)
		}
	})
}

func TestEventStreamNeedsScope(t *testing.T) {
	ti := startIssuer(t, "", nil)
	env := envMap(ti.ConsumerEnv())
	if code, _, _ := ti.do(t, http.MethodGet, PathEventStream, nil, "X-Internal-Token", env["PRIVATE_API_SECRET"]); code != http.StatusUnauthorized {
		t.Errorf("legacy stream call: %d, want 401", code)
	}
}
