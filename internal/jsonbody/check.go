package jsonbody

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Problem is one problem of a body, in pydantic's vocabulary.
type Problem struct {
	// Type is the pydantic error type, e.g. "missing" or "int_type".
	Type string
	// Loc is the path of the value inside the body: member names (string)
	// and array indices (int); empty for the root. For "json_invalid" it
	// is the byte offset of the error.
	Loc []any
	// Msg is a human message (pydantic's wording where one exists). It
	// never contains the offending input value.
	Msg string
	// Ctx is optional context, e.g. {"error": "duplicate member \"name\""};
	// nil when none.
	Ctx map[string]any
}

// Options tune Check.
type Options struct {
	// RejectUnknown makes members that match no field a problem
	// ("extra_forbidden") instead of being ignored.
	RejectUnknown bool
	// MaxDepth is the nesting limit of arrays and objects; 0 means 64.
	// encoding/json's own limit, 10000, is the largest value honoured.
	MaxDepth int
	// MaxProblems stops collecting problems after this many; 0 means 50.
	MaxProblems int
}

const (
	defaultMaxDepth    = 64
	maxDepthLimit      = 10000 // encoding/json refuses deeper nesting
	defaultMaxProblems = 50
)

// Reasons of json_invalid problems (Ctx["error"]).
const (
	reasonEOF       = "unexpected end of input"
	reasonChar      = "invalid character"
	reasonUTF8      = "invalid UTF-8"
	reasonSurrogate = "unpaired surrogate in \\u escape"
	reasonTrailing  = "trailing data after the JSON value"
	reasonDepth     = "nesting too deep"
	reasonControl   = "control character in string"
	reasonEscape    = "invalid escape in string"
)

// Check scans data as one JSON value of shape n and returns its problems
// (nil when none). A grammar error is reported alone, as one "json_invalid"
// problem located at its byte offset; otherwise every type-level problem is
// reported, up to Options.MaxProblems, in document order (missing members
// after the other problems of their object). A nil n accepts any JSON value.
//
// Check never panics and does not modify data or n. When it returns no
// problems and n was compiled from a Go type T, json.Unmarshal of data into
// a *T succeeds.
func Check(data []byte, n *Node, opt Options) []Problem {
	c := checker{
		data:          data,
		rejectUnknown: opt.RejectUnknown,
		maxDepth:      opt.MaxDepth,
		maxProblems:   opt.MaxProblems,
	}
	if c.maxDepth <= 0 {
		c.maxDepth = defaultMaxDepth
	}
	if c.maxDepth > maxDepthLimit {
		c.maxDepth = maxDepthLimit
	}
	if c.maxProblems <= 0 {
		c.maxProblems = defaultMaxProblems
	}
	var path [16]pathSeg
	c.value(n, path[:0], 0)
	if !c.failed {
		c.skipSpace()
		if c.pos < len(c.data) {
			c.fail(c.pos, reasonTrailing)
		}
	}
	if c.failed {
		return []Problem{{
			Type: "json_invalid",
			Loc:  []any{c.failOff},
			Msg:  "JSON decode error",
			Ctx:  map[string]any{"error": c.failReason},
		}}
	}
	return c.problems
}

type checker struct {
	data          []byte
	pos           int
	maxDepth      int
	maxProblems   int
	rejectUnknown bool

	problems []Problem

	failed     bool
	failOff    int
	failReason string
}

// pathSeg is one step of the path of the value being checked. The path is
// a slice passed down the recursive descent, backed by an array on Check's
// stack for the first levels, and only turned into a Loc when a problem is
// recorded.
type pathSeg struct {
	name []byte // member name, when idx < 0
	idx  int    // array index, or -1
}

func (c *checker) fail(off int, reason string) {
	if !c.failed {
		c.failed, c.failOff, c.failReason = true, off, reason
	}
}

// failChar fails on an unexpected byte at offset i.
func (c *checker) failChar(i int) {
	if i >= len(c.data) {
		c.fail(len(c.data), reasonEOF)
		return
	}
	if c.data[i] >= utf8.RuneSelf {
		if r, size := utf8.DecodeRune(c.data[i:]); r == utf8.RuneError && size <= 1 {
			c.fail(i, reasonUTF8)
			return
		}
	}
	c.fail(i, reasonChar)
}

// add records a problem at path p.
func (c *checker) add(p []pathSeg, typ, msg string, ctx map[string]any) {
	if len(c.problems) >= c.maxProblems {
		return
	}
	loc := make([]any, len(p))
	for i := range p {
		if p[i].idx >= 0 {
			loc[i] = p[i].idx
		} else {
			loc[i] = string(p[i].name)
		}
	}
	c.problems = append(c.problems, Problem{Type: typ, Loc: loc, Msg: msg, Ctx: ctx})
}

// typeProblem records that the value at p is not of kind k.
func (c *checker) typeProblem(k Kind, p []pathSeg) {
	switch k {
	case Bool:
		c.add(p, "bool_type", "Input should be a valid boolean", nil)
	case Int, Uint:
		c.add(p, "int_type", "Input should be a valid integer", nil)
	case Float:
		c.add(p, "float_type", "Input should be a valid number", nil)
	case String:
		c.add(p, "string_type", "Input should be a valid string", nil)
	case Object:
		c.add(p, "model_type", "Input should be a valid dictionary or object to extract fields from", nil)
	case Array:
		c.add(p, "list_type", "Input should be a valid list", nil)
	case Map:
		c.add(p, "dict_type", "Input should be a valid dictionary", nil)
	}
}

func (c *checker) skipSpace() {
	for c.pos < len(c.data) {
		switch c.data[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

// kindOf is the kind n expects; nil and unknown kinds are Any.
func kindOf(n *Node) Kind {
	if n == nil || n.Kind > Map {
		return Any
	}
	return n.Kind
}

// value checks the JSON value at c.pos against n (nil: any value, only the
// grammar is checked). depth is the number of enclosing arrays and objects.
func (c *checker) value(n *Node, p []pathSeg, depth int) {
	c.skipSpace()
	if c.pos >= len(c.data) {
		c.fail(len(c.data), reasonEOF)
		return
	}
	k := kindOf(n)
	switch b := c.data[c.pos]; b {
	case '{':
		switch k {
		case Object, Map, Any:
			c.object(n, k, p, depth)
		default:
			c.typeProblem(k, p)
			c.object(nil, Any, p, depth)
		}
	case '[':
		switch k {
		case Array, Any:
			c.array(n, k, p, depth)
		default:
			c.typeProblem(k, p)
			c.array(nil, Any, p, depth)
		}
	case '"':
		c.str(n, k, p)
	case 't', 'f':
		lit := "true"
		if b == 'f' {
			lit = "false"
		}
		if c.literal(lit) && k != Bool && k != Any {
			c.typeProblem(k, p)
		}
	case 'n':
		if c.literal("null") && k != Any && !n.Nullable {
			c.typeProblem(k, p)
		}
	default:
		if b == '-' || isDigit(b) {
			c.number(n, k, p)
			return
		}
		c.failChar(c.pos)
	}
}

// literal consumes the keyword lit at c.pos.
func (c *checker) literal(lit string) bool {
	for j := 0; j < len(lit); j++ {
		i := c.pos + j
		if i >= len(c.data) || c.data[i] != lit[j] {
			c.failChar(i)
			return false
		}
	}
	c.pos += len(lit)
	return true
}

// number checks the number literal at c.pos.
func (c *checker) number(n *Node, k Kind, p []pathSeg) {
	start := c.pos
	isInt := c.scanNumber()
	if c.failed {
		return
	}
	lit := c.data[start:c.pos]
	switch k {
	case Int, Uint:
		switch {
		case !isInt:
			c.add(p, "int_from_float", "Input should be a valid integer, got a number with a fractional part", nil)
		case !intInRange(lit, k == Uint, n.Bits):
			c.add(p, "int_parsing_size", "Input should be a valid integer, the number is out of range", nil)
		}
	case Float:
		if !floatInRange(lit, n.Bits) {
			c.add(p, "float_parsing", "Input should be a finite number", nil)
		}
	case Any:
		if n != nil && n.goAny && !floatInRange(lit, 64) {
			c.add(p, "float_parsing", "Input should be a finite number", nil)
		}
	default:
		c.typeProblem(k, p)
	}
}

// scanNumber consumes the RFC 8259 number at c.pos and reports whether it
// is written as an integer (no fraction, no exponent).
func (c *checker) scanNumber() (isInt bool) {
	d, i := c.data, c.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i >= len(d):
		c.fail(i, reasonEOF)
		return false
	case d[i] == '0':
		i++
	case isDigit(d[i]):
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	default:
		c.failChar(i)
		return false
	}
	isInt = true
	if i < len(d) && d[i] == '.' {
		isInt = false
		i++
		if i >= len(d) || !isDigit(d[i]) {
			c.failChar(i)
			return false
		}
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		isInt = false
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || !isDigit(d[i]) {
			c.failChar(i)
			return false
		}
		for i++; i < len(d) && isDigit(d[i]); i++ {
		}
	}
	c.pos = i
	return isInt
}

// str checks the string at c.pos.
func (c *checker) str(n *Node, k Kind, p []pathSeg) {
	raw, escaped := c.scanString()
	if c.failed {
		return
	}
	switch k {
	case Any:
	case String:
		switch n.Format {
		case "date-time":
			// time.Time's decoder parses the raw bytes without unescaping
			// them, so an escape anywhere makes json.Unmarshal fail.
			if escaped || !validDateTime(raw) {
				c.add(p, "datetime_parsing", "Input should be a valid datetime (RFC 3339)", nil)
			}
		case "uuid":
			if escaped {
				raw = unescape(raw)
			}
			if !validUUID(raw) {
				c.add(p, "uuid_parsing", "Input should be a valid UUID", nil)
			}
		case "byte":
			if escaped {
				raw = unescape(raw)
			}
			if !validBase64(raw) {
				c.add(p, "bytes_invalid_encoding", "Data should be valid base64", nil)
			}
		}
	default:
		c.typeProblem(k, p)
	}
}

// plainByte marks the bytes that stand for themselves inside a string.
var plainByte = func() (t [256]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// scanString consumes the string at c.pos (which holds '"') and returns its
// raw content, between the quotes, and whether it contains escapes.
func (c *checker) scanString() (raw []byte, escaped bool) {
	d := c.data
	start := c.pos + 1
	i := start
	for {
		for i < len(d) && plainByte[d[i]] {
			i++
		}
		if i >= len(d) {
			c.fail(len(d), reasonEOF)
			return nil, false
		}
		switch b := d[i]; {
		case b == '"':
			c.pos = i + 1
			return d[start:i], escaped
		case b == '\\':
			escaped = true
			n := c.escape(i)
			if n == 0 {
				return nil, false
			}
			i += n
		case b < 0x20:
			c.fail(i, reasonControl)
			return nil, false
		default:
			r, size := utf8.DecodeRune(d[i:])
			if r == utf8.RuneError && size <= 1 {
				c.fail(i, reasonUTF8)
				return nil, false
			}
			i += size
		}
	}
}

// escape validates the escape sequence at offset i (a backslash) and
// returns its length, or 0 after failing.
func (c *checker) escape(i int) int {
	d := c.data
	if i+1 >= len(d) {
		c.fail(len(d), reasonEOF)
		return 0
	}
	switch d[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
	default:
		c.fail(i, reasonEscape)
		return 0
	}
	r, ok := hex4(d, i+2)
	if !ok {
		if i+6 > len(d) && allHex(d[i+2:]) {
			c.fail(len(d), reasonEOF)
		} else {
			c.fail(i, reasonEscape)
		}
		return 0
	}
	switch {
	case r < 0xD800 || r > 0xDFFF:
		return 6
	case r >= 0xDC00: // a low surrogate first
		c.fail(i, reasonSurrogate)
		return 0
	}
	// A high surrogate must be followed by an escaped low surrogate.
	j := i + 6
	if j == len(d) {
		c.fail(j, reasonEOF)
		return 0
	}
	if j+1 < len(d) && d[j] == '\\' && d[j+1] == 'u' {
		if r2, ok := hex4(d, j+2); ok && 0xDC00 <= r2 && r2 <= 0xDFFF {
			return 12
		}
	}
	c.fail(i, reasonSurrogate)
	return 0
}

func allHex(s []byte) bool {
	for _, b := range s {
		if !isHex(b) {
			return false
		}
	}
	return true
}

// nameSet detects duplicate member names of one object without allocating
// for the first few names.
type nameSet struct {
	n     int
	small [8][]byte
	big   map[string]struct{}
}

// add adds name and reports whether it was already present.
func (s *nameSet) add(name []byte) (dup bool) {
	if s.big != nil {
		if _, ok := s.big[string(name)]; ok {
			return true
		}
		s.big[string(name)] = struct{}{}
		return false
	}
	for _, x := range s.small[:s.n] {
		if bytes.Equal(x, name) {
			return true
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = name
		s.n++
		return false
	}
	s.big = make(map[string]struct{}, 2*len(s.small))
	for _, x := range s.small {
		s.big[string(x)] = struct{}{}
	}
	s.big[string(name)] = struct{}{}
	return false
}

func duplicate(name []byte) string {
	return "duplicate member " + strconv.Quote(string(name))
}

// fieldIndex returns the index of the field named name, or -1.
func fieldIndex(n *Node, name []byte) int {
	if n.index != nil {
		if i, ok := n.index[string(name)]; ok {
			return i
		}
		return -1
	}
	for i := range n.Fields {
		if n.Fields[i].Name == string(name) {
			return i
		}
	}
	return -1
}

// foldedField reports whether name matches a field only under case folding,
// which encoding/json would silently accept.
func foldedField(fields []Field, name []byte) bool {
	for i := range fields {
		if equalFold(name, fields[i].Name) {
			return true
		}
	}
	return false
}

// object checks the object at c.pos; k is Object, Map or Any.
func (c *checker) object(n *Node, k Kind, p []pathSeg, depth int) {
	if depth >= c.maxDepth {
		c.fail(c.pos, reasonDepth)
		return
	}
	c.pos++
	var (
		fields   []Field
		seen     uint64   // fields present, when at most 64
		seenMore []uint64 // fields present, beyond 64
		names    nameSet  // names matching no field
		elem     = n      // node of the member values (Any: itself)
	)
	switch k {
	case Object:
		fields = n.Fields
		if len(fields) > 64 {
			seenMore = make([]uint64, (len(fields)+63)/64)
		}
	case Map:
		elem = n.Elem
	}
	sub := append(p, pathSeg{}) // sub[len(p)] is the current member
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == '}' {
		c.pos++
	} else {
		for {
			if c.pos >= len(c.data) || c.data[c.pos] != '"' {
				c.failChar(c.pos)
				return
			}
			nameOff := c.pos
			raw, escaped := c.scanString()
			if c.failed {
				return
			}
			name := raw
			if escaped {
				name = unescape(raw)
			}
			c.skipSpace()
			if c.pos >= len(c.data) || c.data[c.pos] != ':' {
				c.failChar(c.pos)
				return
			}
			c.pos++
			sub[len(p)] = pathSeg{name: name, idx: -1}
			child := elem
			if k == Object {
				child = nil
				if i := fieldIndex(n, name); i >= 0 {
					var dup bool
					if seenMore != nil {
						dup = seenMore[i/64]&(1<<(i%64)) != 0
						seenMore[i/64] |= 1 << (i % 64)
					} else {
						dup = seen&(1<<i) != 0
						seen |= 1 << i
					}
					if dup {
						c.fail(nameOff, duplicate(name))
						return
					}
					child = fields[i].Node
				} else {
					if names.add(name) {
						c.fail(nameOff, duplicate(name))
						return
					}
					switch {
					case foldedField(fields, name):
						c.add(sub, "extra_forbidden", "Extra inputs are not permitted (member names are case-sensitive)", nil)
					case c.rejectUnknown:
						c.add(sub, "extra_forbidden", "Extra inputs are not permitted", nil)
					}
				}
			} else if names.add(name) {
				c.fail(nameOff, duplicate(name))
				return
			}
			c.value(child, sub, depth+1)
			if c.failed || c.next('}') {
				break
			}
			c.skipSpace()
		}
		if c.failed {
			return
		}
	}
	for i := range fields {
		if !fields[i].Required {
			continue
		}
		var present bool
		if seenMore != nil {
			present = seenMore[i/64]&(1<<(i%64)) != 0
		} else {
			present = seen&(1<<i) != 0
		}
		if !present {
			sub[len(p)] = pathSeg{name: []byte(fields[i].Name), idx: -1}
			c.add(sub, "missing", "Field required", nil)
		}
	}
}

// array checks the array at c.pos; k is Array or Any.
func (c *checker) array(n *Node, k Kind, p []pathSeg, depth int) {
	if depth >= c.maxDepth {
		c.fail(c.pos, reasonDepth)
		return
	}
	c.pos++
	elem, fixed := n, -1
	if k == Array {
		elem = n.Elem
		if n.Len >= 0 {
			fixed = n.Len
		}
	}
	count := 0
	sub := append(p, pathSeg{}) // sub[len(p)] is the current item
	c.skipSpace()
	if c.pos < len(c.data) && c.data[c.pos] == ']' {
		c.pos++
	} else {
		for {
			child := elem
			if fixed >= 0 && count >= fixed {
				child = nil // dropped by encoding/json; reported as too_long
			}
			sub[len(p)].idx = count
			c.value(child, sub, depth+1)
			if c.failed {
				return
			}
			count++
			if c.next(']') {
				break
			}
		}
		if c.failed {
			return
		}
	}
	switch {
	case fixed < 0 || count == fixed:
	case count < fixed:
		c.add(p, "too_short", "List should have at least "+items(fixed), map[string]any{"min_length": fixed})
	default:
		c.add(p, "too_long", "List should have at most "+items(fixed), map[string]any{"max_length": fixed})
	}
}

// next moves past what follows a member or an item: the closing byte (it
// reports true: the container ends) or a comma (false: another follows).
// Anything else fails the check (and reports true).
func (c *checker) next(closing byte) bool {
	c.skipSpace()
	switch {
	case c.pos >= len(c.data):
		c.fail(len(c.data), reasonEOF)
		return true
	case c.data[c.pos] == closing:
		c.pos++
		return true
	case c.data[c.pos] != ',':
		c.failChar(c.pos)
		return true
	}
	c.pos++
	return false
}

func items(n int) string {
	if n == 1 {
		return "1 item"
	}
	return strconv.Itoa(n) + " items"
}
