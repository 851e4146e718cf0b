package authmod

import (
	"bufio"
	"errors"
	"io"
	"strings"
)

// Limits of the SSE frame parser.
const (
	// maxSSELineBytes bounds one line of the event stream (without its line
	// ending). A longer line is an error: the connection is dropped.
	maxSSELineBytes = 64 << 10
	// maxSSEDataBytes bounds the data of one event (its data lines joined).
	maxSSEDataBytes = 64 << 10
	// sseDefaultType is the type of an event without an event field.
	sseDefaultType = "message"
)

var (
	errSSELineTooLong = errors.New("event stream line too long")
	errSSEDataTooLong = errors.New("event stream event too large")
)

// sseEvent is one dispatched event of a text/event-stream.
type sseEvent struct {
	// ID is the value of the event's id field ("" when it had none).
	ID string
	// Type is the event type, normalised: "-" replaced with "." (so that
	// fa-auth-m8's "session-revoked" is "session.revoked"), and
	// [sseDefaultType] when the event had no event field.
	Type string
	// Data is the event's data lines joined with "\n".
	Data string
}

// sseReader parses a text/event-stream the way fa-auth-m8's consumers do:
//
//   - lines end with LF, CRLF or a lone CR; a UTF-8 BOM opening the stream
//     is skipped;
//   - a line starting with ":" is a comment (the issuer's ": ping"
//     heartbeat) and is ignored;
//   - "field: value" lines set the id, event and data fields (the value is
//     trimmed of surrounding white space; a line without ":" is a field with
//     an empty value); several data lines are joined with "\n"; other
//     fields (retry included) are ignored;
//   - a blank line dispatches the event when it has data, and starts a new
//     event either way;
//   - an event not ended by a blank line when the stream ends is not
//     dispatched.
//
// Lines over maxLine bytes and events whose data exceeds maxData bytes are
// errors ([errSSELineTooLong], [errSSEDataTooLong]). An sseReader is not safe
// for concurrent use.
type sseReader struct {
	r       *bufio.Reader
	maxLine int
	maxData int

	line    []byte
	skipLF  bool // the previous line ended with CR: a following LF is part of it
	started bool // the BOM check is done

	id      string
	typ     string
	data    strings.Builder
	hasData bool
}

func newSSEReader(r io.Reader) *sseReader {
	return &sseReader{r: bufio.NewReaderSize(r, 4<<10), maxLine: maxSSELineBytes, maxData: maxSSEDataBytes}
}

// next returns the next dispatched event. At the end of the stream it
// returns io.EOF (an unfinished event is discarded); a read error is
// returned as is.
func (p *sseReader) next() (sseEvent, error) {
	for {
		line, err := p.readLine()
		if err != nil {
			return sseEvent{}, err // the reader is done: the partial event stays for partialType
		}
		if len(line) == 0 {
			if !p.hasData {
				p.reset()
				continue
			}
			ev := sseEvent{ID: p.id, Type: normalizeEventType(p.typ), Data: p.data.String()}
			p.reset()
			return ev, nil
		}
		if line[0] == ':' {
			continue
		}
		if err := p.field(line); err != nil {
			return sseEvent{}, err
		}
	}
}

// partialType is the normalised type of the event being parsed ("" when it
// has no event field yet), for counting an event that could not be parsed.
func (p *sseReader) partialType() string {
	if p.typ == "" {
		return ""
	}
	return normalizeEventType(p.typ)
}

// field applies one "name: value" line.
func (p *sseReader) field(line []byte) error {
	name, value := string(line), ""
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name, value = name[:i], strings.TrimSpace(name[i+1:])
	}
	switch name {
	case "id":
		if !strings.ContainsRune(value, 0) {
			p.id = value
		}
	case "event":
		p.typ = value
	case "data":
		n := len(value)
		if p.hasData {
			n++
		}
		if p.data.Len()+n > p.maxData {
			return errSSEDataTooLong
		}
		if p.hasData {
			p.data.WriteByte('\n')
		}
		p.data.WriteString(value)
		p.hasData = true
	}
	return nil
}

// reset starts a new event.
func (p *sseReader) reset() {
	p.id, p.typ, p.hasData = "", "", false
	p.data.Reset()
}

// readLine returns the next line without its line ending. The returned slice
// is valid until the next call.
func (p *sseReader) readLine() ([]byte, error) {
	p.line = p.line[:0]
	for {
		b, err := p.r.ReadByte()
		if err != nil {
			return nil, err
		}
		if !p.started {
			p.started = true
			if b == 0xEF {
				if bom, err := p.r.Peek(2); err == nil && bom[0] == 0xBB && bom[1] == 0xBF {
					_, _ = p.r.Discard(2)
					continue
				}
			}
		}
		if p.skipLF {
			p.skipLF = false
			if b == '\n' {
				continue
			}
		}
		switch b {
		case '\n':
			return p.line, nil
		case '\r':
			p.skipLF = true
			return p.line, nil
		}
		if len(p.line) >= p.maxLine {
			return nil, errSSELineTooLong
		}
		p.line = append(p.line, b)
	}
}

// normalizeEventType replaces "-" with "." and gives an event without a type
// the default type.
func normalizeEventType(t string) string {
	if t == "" {
		return sseDefaultType
	}
	return strings.ReplaceAll(t, "-", ".")
}
