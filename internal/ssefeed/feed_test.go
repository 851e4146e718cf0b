package ssefeed

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestServe(t *testing.T) {
	tests := []struct {
		name  string
		query string
		end   func(cut, done chan struct{})
		want  []string // the first lines, in order
		eof   bool     // the body ends cleanly (else: unexpected EOF)
	}{
		{"gap, replay, live, heartbeat, done", "?gap", func(_, done chan struct{}) { close(done) },
			[]string{"event: gap", "data: {}", "", "id: 1", "data: a", "", "id: 2", "data: b", "", ": ping"}, true},
		{"cut", "", func(cut, _ chan struct{}) { close(cut) }, []string{"id: 1", "data: a", ""}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			frames := make(chan []byte, 4)
			cut, done := make(chan struct{}), make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				Serve(w, r, Feed{Gap: r.URL.Query().Has("gap"), Replay: [][]byte{[]byte("id: 1\ndata: a\n\n")},
					Frames: frames, Cut: cut, Done: done, Heartbeat: 30 * time.Millisecond})
			}))
			defer srv.Close()
			resp, err := http.Get(srv.URL + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-cache" {
				t.Fatalf("headers %v", resp.Header)
			}
			frames <- []byte("id: 2\ndata: b\n\n")
			rd := bufio.NewReader(resp.Body)
			var got []string
			for len(got) < len(tc.want) {
				line, err := rd.ReadString('\n')
				if err != nil {
					t.Fatalf("after %q: %v", got, err)
				}
				got = append(got, strings.TrimSuffix(line, "\n"))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("lines %q, want %q", got, tc.want)
			}
			tc.end(cut, done)
			_, err = io.Copy(io.Discard, rd)
			if tc.eof != (err == nil) {
				t.Fatalf("end of body: %v, want clean end %v", err, tc.eof)
			}
		})
	}
}
