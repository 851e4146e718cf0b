package authmod

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// sseAll parses a whole stream.
func sseAll(t *testing.T, in string) ([]sseEvent, error) {
	t.Helper()
	p := newSSEReader(strings.NewReader(in))
	var out []sseEvent
	for {
		ev, err := p.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
		out = append(out, ev)
	}
}

func TestSSEParser(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []sseEvent
	}{
		{"empty", "", nil},
		{"one event", "id: 1-1\nevent: session-revoked\ndata: {}\n\n",
			[]sseEvent{{ID: "1-1", Type: "session.revoked", Data: "{}"}}},
		{"default type", "data: x\n\n", []sseEvent{{Type: "message", Data: "x"}}},
		{"multi-line data joined with LF", "data: a\ndata: b\ndata:c\n\n",
			[]sseEvent{{Type: "message", Data: "a\nb\nc"}}},
		{"values trimmed", "id:   7  \nevent:\tuser-deleted \ndata:   {\"a\": 1}   \n\n",
			[]sseEvent{{ID: "7", Type: "user.deleted", Data: `{"a": 1}`}}},
		{"value keeps inner colons", "data: a:b: c\n\n", []sseEvent{{Type: "message", Data: "a:b: c"}}},
		{"comments ignored", ": ping\n\n: ping\nid: 2\n: inside\ndata: x\n\n",
			[]sseEvent{{ID: "2", Type: "message", Data: "x"}}},
		{"heartbeats only", ": ping\n\n: ping\n\n", nil},
		{"CRLF", "id: 3\r\nevent: gap\r\ndata: {}\r\n\r\n",
			[]sseEvent{{ID: "3", Type: "gap", Data: "{}"}}},
		{"lone CR", "id: 4\revent: gap\rdata: {}\r\rdata: y\r\r",
			[]sseEvent{{ID: "4", Type: "gap", Data: "{}"}, {Type: "message", Data: "y"}}},
		{"no trailing blank line: last event not dispatched", "data: one\n\ndata: two\n",
			[]sseEvent{{Type: "message", Data: "one"}}},
		{"no trailing newline at all", "data: one\n\ndata: two",
			[]sseEvent{{Type: "message", Data: "one"}}},
		{"blank line without data dispatches nothing and resets", "id: 5\nevent: gap\n\ndata: z\n\n",
			[]sseEvent{{Type: "message", Data: "z"}}},
		{"fields reset between events", "id: 6\nevent: gap\ndata: a\n\ndata: b\n\n",
			[]sseEvent{{ID: "6", Type: "gap", Data: "a"}, {Type: "message", Data: "b"}}},
		{"field without colon", "data\ndata\n\n", []sseEvent{{Type: "message", Data: "\n"}}},
		{"unknown fields and retry ignored", "retry: 10\nfoo: bar\nData: no\ndata: yes\n\n",
			[]sseEvent{{Type: "message", Data: "yes"}}},
		{"empty data line counts as data", "data:\n\n", []sseEvent{{Type: "message", Data: ""}}},
		{"id with NUL ignored", "id: a\x00b\ndata: x\n\n", []sseEvent{{Type: "message", Data: "x"}}},
		{"BOM skipped", "\xEF\xBB\xBFdata: x\n\n", []sseEvent{{Type: "message", Data: "x"}}},
		{"several dashes", "event: a-b-c\ndata: x\n\n", []sseEvent{{Type: "a.b.c", Data: "x"}}},
		{"last event field wins", "event: a\nevent: user-deleted\ndata: x\n\n",
			[]sseEvent{{Type: "user.deleted", Data: "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := sseAll(t, tt.in)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("events = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestSSEParserLimits(t *testing.T) {
	long := strings.Repeat("x", maxSSELineBytes)
	// A line of exactly the limit is accepted.
	got, err := sseAll(t, "data:"+long[5:]+"\n\n")
	if err != nil || len(got) != 1 {
		t.Fatalf("line at the limit: %d events, err %v", len(got), err)
	}
	// One byte more is refused, wherever the line ends.
	for _, in := range []string{"data: " + long + "\n\n", ": " + long, "event: " + long} {
		if _, err := sseAll(t, in); !errors.Is(err, errSSELineTooLong) {
			t.Errorf("long line: err = %v, want errSSELineTooLong", err)
		}
	}
	// Many short data lines cannot build an unbounded event.
	many := strings.Repeat("data: "+strings.Repeat("y", 1000)+"\n", maxSSEDataBytes/1000+1)
	p := newSSEReader(strings.NewReader("event: session-revoked\n" + many + "\n"))
	if _, err := p.next(); !errors.Is(err, errSSEDataTooLong) {
		t.Errorf("large event: err = %v, want errSSEDataTooLong", err)
	}
	if got := p.partialType(); got != "session.revoked" {
		t.Errorf("partialType = %q", got)
	}
}

// sseChunkReader returns its input one byte per Read, as a slow network
// would.
type sseChunkReader struct{ s string }

func (r *sseChunkReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	p[0] = r.s[0]
	r.s = r.s[1:]
	return 1, nil
}

func TestSSEParserByteByByte(t *testing.T) {
	p := newSSEReader(&sseChunkReader{s: "id: 9\r\nevent: user-deleted\r\ndata: a\r\ndata: b\r\n\r\n"})
	ev, err := p.next()
	if err != nil {
		t.Fatal(err)
	}
	if want := (sseEvent{ID: "9", Type: "user.deleted", Data: "a\nb"}); ev != want {
		t.Errorf("event = %#v, want %#v", ev, want)
	}
	if _, err := p.next(); !errors.Is(err, io.EOF) {
		t.Errorf("err = %v, want EOF", err)
	}
}

func TestNormalizeEventType(t *testing.T) {
	for in, want := range map[string]string{"": "message", "session-revoked": "session.revoked", "gap": "gap", "user.deleted": "user.deleted"} {
		if got := normalizeEventType(in); got != want {
			t.Errorf("normalizeEventType(%q) = %q, want %q", in, got, want)
		}
	}
}
