package openapitest

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file derives request values from the document's schemas: a valid
// sample of a schema (the baseline) and the boundary mutations of a value.
// Schemas are read from the document's JSON as decoded by encoding/json
// with UseNumber: map[string]any, []any, json.Number, string, bool, nil.

// maxDepth bounds the recursion into nested schemas (and $ref cycles).
const maxDepth = 8

// maxEnumMembers is how many enum members are each sent as a variant.
const maxEnumMembers = 10

// maxPatternLength is the longest padding of the pattern candidates.
const maxPatternLength = 16

// multiByte is the character of the variants that count characters, not
// bytes: one character, two bytes in UTF-8.
const multiByte = "é"

// Variant priorities: when an operation has more variants than the request
// budget, the lower numbers are sent first.
const (
	prioBoundary = iota // a declared bound, on each side; a required value missing
	prioValue           // enum members, wrong types
	prioNull            // null
)

// schemas resolves the local references of one document.
type schemas struct{ root any }

// deref follows s's "$ref" chain (local references only); keywords beside
// a "$ref" (allowed in 3.1) override the referenced schema's. The boolean
// schema true and a missing schema are the empty schema; false is nil.
func (d schemas) deref(s any) map[string]any {
	for range maxDepth {
		switch x := s.(type) {
		case nil:
			return map[string]any{}
		case bool:
			if x {
				return map[string]any{}
			}
			return nil
		case map[string]any:
			ref, ok := x["$ref"].(string)
			if !ok {
				return x
			}
			target := d.pointer(ref)
			if target == nil {
				return map[string]any{} // unresolved: Validate reports it
			}
			if len(x) == 1 {
				s = target
				continue
			}
			t := d.deref(target)
			merged := make(map[string]any, len(t)+len(x))
			for k, v := range t {
				merged[k] = v
			}
			for k, v := range x {
				if k != "$ref" {
					merged[k] = v
				}
			}
			return merged
		default:
			return map[string]any{}
		}
	}
	return map[string]any{}
}

// pointer returns the value at the local reference ref ("#/a/b"), or nil.
func (d schemas) pointer(ref string) any {
	ptr, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil
	}
	cur := d.root
	if ptr == "" {
		return cur
	}
	for tok := range strings.SplitSeq(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
		if cur == nil {
			return nil
		}
	}
	return cur
}

// flat is s resolved and simplified for deriving values: allOf branches are
// merged in, and of anyOf/oneOf the first branch that is not just null is.
// The result must not be modified.
func (d schemas) flat(s any) map[string]any { return d.flatten(s, 0) }

func (d schemas) flatten(s any, depth int) map[string]any {
	m := d.deref(s)
	if m == nil || depth >= maxDepth {
		return m
	}
	all, _ := m["allOf"].([]any)
	var pick any
	for _, key := range []string{"anyOf", "oneOf"} {
		branches, _ := m[key].([]any)
		for _, b := range branches {
			if fb := d.flatten(b, depth+1); fb != nil && !onlyNull(fb) {
				pick = b
				break
			}
		}
		if pick != nil {
			break
		}
	}
	if len(all) == 0 && pick == nil {
		return m
	}
	out := map[string]any{}
	for k, v := range m {
		if k != "allOf" && k != "anyOf" && k != "oneOf" {
			out[k] = v
		}
	}
	if pick != nil {
		all = append(slices.Clone(all), pick)
	}
	for _, b := range all {
		mergeSchema(out, d.flatten(b, depth+1))
	}
	return out
}

// mergeSchema adds the keywords of src that dst lacks; properties and
// required are united.
func mergeSchema(dst, src map[string]any) {
	for k, v := range src {
		switch k {
		case "properties":
			props, _ := dst[k].(map[string]any)
			merged := map[string]any{}
			for pk, pv := range props {
				merged[pk] = pv
			}
			if sp, ok := v.(map[string]any); ok {
				for pk, pv := range sp {
					if _, ok := merged[pk]; !ok {
						merged[pk] = pv
					}
				}
			}
			dst[k] = merged
		case "required":
			req, _ := dst[k].([]any)
			req = slices.Clone(req)
			if sr, ok := v.([]any); ok {
				for _, r := range sr {
					if !slices.Contains(req, r) {
						req = append(req, r)
					}
				}
			}
			dst[k] = req
		default:
			if _, ok := dst[k]; !ok {
				dst[k] = v
			}
		}
	}
}

// types lists the schema's "type" keyword.
func types(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if str, ok := e.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

func onlyNull(s map[string]any) bool {
	t := types(s)
	return len(t) == 1 && t[0] == "null"
}

// kind is the JSON type that values of s are derived as: the first
// non-null type, else the type its keywords imply, else "" (any value).
func kind(s map[string]any) string {
	for _, t := range types(s) {
		if t != "null" {
			return t
		}
	}
	switch {
	case onlyNull(s):
		return "null"
	case s["properties"] != nil || s["required"] != nil:
		return "object"
	case s["items"] != nil || s["minItems"] != nil || s["maxItems"] != nil:
		return "array"
	case s["minLength"] != nil || s["maxLength"] != nil || s["pattern"] != nil || s["format"] != nil:
		return "string"
	case s["minimum"] != nil || s["maximum"] != nil || s["exclusiveMinimum"] != nil || s["exclusiveMaximum"] != nil:
		return "number"
	}
	return ""
}

// num returns the numeric keyword key of s.
func num(s map[string]any, key string) (float64, bool) {
	switch n := s[key].(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	}
	return 0, false
}

// count returns the non-negative integer keyword key of s (minLength, ...).
func count(s map[string]any, key string) (int, bool) {
	f, ok := num(s, key)
	if !ok || f < 0 || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

func stringList(s map[string]any, key string) []string {
	arr, _ := s[key].([]any)
	var out []string
	for _, e := range arr {
		if str, ok := e.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

// properties returns the property names of s, required ones first, each
// group sorted.
func properties(s map[string]any) (names []string, required map[string]bool) {
	props, _ := s["properties"].(map[string]any)
	required = map[string]bool{}
	for _, r := range stringList(s, "required") {
		required[r] = true
	}
	for name := range props {
		names = append(names, name)
	}
	for name := range required {
		if _, ok := props[name]; !ok {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		if required[a] != required[b] {
			if required[a] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return names, required
}

func property(s map[string]any, name string) any {
	props, _ := s["properties"].(map[string]any)
	return props[name]
}

func items(s map[string]any) any {
	if it, ok := s["items"]; ok {
		return it
	}
	return nil
}

func jsonNum(f float64) json.Number { return json.Number(formatNum(f)) }

func formatNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// sample returns a value the schema s accepts, as far as can be told:
// const, default, the first example, the first enum member, else a value
// derived from the type and its bounds (objects with their required
// properties, arrays with minItems items, at least one).
func (d schemas) sample(s any) any { return d.sampleAt(s, 0) }

func (d schemas) sampleAt(raw any, depth int) any {
	s := d.flat(raw)
	if s == nil {
		return nil
	}
	if v, ok := s["const"]; ok {
		return clone(v)
	}
	if v, ok := s["default"]; ok {
		return clone(v)
	}
	if ex, ok := s["examples"].([]any); ok && len(ex) > 0 {
		return clone(ex[0])
	}
	if v, ok := s["example"]; ok {
		return clone(v)
	}
	if en, ok := s["enum"].([]any); ok && len(en) > 0 {
		return clone(en[0])
	}
	switch kind(s) {
	case "string":
		return sampleString(s)
	case "integer":
		return jsonNum(sampleNumber(s, true))
	case "number":
		return jsonNum(sampleNumber(s, false))
	case "boolean":
		return true
	case "null":
		return nil
	case "array":
		n := 1
		if mn, ok := count(s, "minItems"); ok && mn > n {
			n = mn
		}
		if mx, ok := count(s, "maxItems"); ok && mx < n {
			n = mx
		}
		arr := make([]any, 0, n)
		if depth < maxDepth {
			for range n {
				arr = append(arr, d.sampleAt(items(s), depth+1))
			}
		}
		return arr
	case "object":
		obj := map[string]any{}
		if depth < maxDepth {
			names, required := properties(s)
			for _, name := range names {
				if required[name] {
					obj[name] = d.sampleAt(property(s, name), depth+1)
				}
			}
		}
		return obj
	}
	return "a"
}

// formatSamples are valid values of the string formats a server commonly
// checks.
var formatSamples = map[string]string{
	"uuid":      "3fa85f64-5717-4562-b3fc-2c963f66afa6",
	"email":     "user@example.com",
	"date-time": "2024-01-02T03:04:05Z",
	"date":      "2024-01-02",
	"time":      "03:04:05Z",
	"uri":       "https://example.com/",
	"url":       "https://example.com/",
	"hostname":  "example.com",
	"ipv4":      "192.0.2.1",
	"ipv6":      "2001:db8::1",
}

// patternCandidates are tried against a schema's pattern, each padded with
// its last character to the lengths up to maxPatternLength and fitted to the
// length bounds; the first it matches is the sample.
var patternCandidates = []string{"a", "A", "ab1", "a b", "1", "aB1", "a-b", "a_b", "a.b", "abc", "ABC", "Ab1", "a1", "+1", "a@b.c", "_"}

func sampleString(s map[string]any) string {
	if v, ok := formatSamples[fmt.Sprint(s["format"])]; ok {
		return v
	}
	minLen, _ := count(s, "minLength")
	maxLen, hasMax := count(s, "maxLength")
	if !hasMax {
		maxLen = -1
	}
	if p, ok := s["pattern"].(string); ok {
		if re, err := regexp.Compile(p); err == nil {
			for _, c := range patternCandidates {
				for n := range maxPatternLength {
					if c := fitLength(c, max(minLen, n), maxLen); re.MatchString(c) {
						return c
					}
				}
			}
		}
	}
	return fitLength("a", max(minLen, 1), maxLen)
}

// fitLength pads s with its last character to at least minLen characters,
// then cuts it to maxLen characters when maxLen >= 0.
func fitLength(s string, minLen, maxLen int) string {
	r := []rune(s)
	if len(r) == 0 {
		r = []rune{'a'}
	}
	for len(r) < minLen {
		r = append(r, r[len(r)-1])
	}
	if maxLen >= 0 && len(r) > maxLen {
		r = r[:maxLen]
	}
	return string(r)
}

// sampleNumber is the lowest value the bounds allow, else 1 (or the upper
// bound when it is below 1), rounded up to multipleOf.
func sampleNumber(s map[string]any, integer bool) float64 {
	lo, hasLo := num(s, "minimum")
	hi, hasHi := num(s, "maximum")
	bound := hi // the upper bound itself, allowed or not
	if e, ok := num(s, "exclusiveMaximum"); ok && (!hasHi || e <= hi) {
		bound, hi, hasHi = e, e-1, true
		if integer {
			hi = math.Ceil(e) - 1
		}
	}
	if e, ok := num(s, "exclusiveMinimum"); ok && (!hasLo || e >= lo) {
		lo, hasLo = e+1, true
		if integer {
			lo = math.Floor(e) + 1
		} else if hasHi && lo > bound {
			lo = (e + bound) / 2 // between the two bounds
		}
	}
	v := 1.0
	switch {
	case hasLo:
		v = lo
	case hasHi && hi < v:
		v = hi
	}
	if integer {
		v = math.Ceil(v)
	}
	if m, ok := num(s, "multipleOf"); ok && m > 0 {
		v = math.Ceil(v/m) * m
	}
	return v
}

// clone deep-copies a decoded JSON value.
func clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = clone(e)
		}
		return c
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = clone(e)
		}
		return c
	}
	return v
}

// mutation is one changed value: what it is (for the report), the value,
// or absent for "leave it out".
type mutation struct {
	desc   string
	value  any
	absent bool
	prio   int
}

// textual says where a value is sent: in a JSON body (json), or as the text
// of a path, query or header parameter.
type textual int

const (
	inJSON textual = iota
	inPath
	inQuery
	inHeader
)

// mutations lists the boundary values of the scalar (and array length)
// keywords of s, around base (the baseline's value): string lengths on each
// side of minLength/maxLength, numbers on each side of their bounds, every
// enum member (or the const) and a non-member, values of the wrong type,
// and null (JSON only). Texts are strings: integers get "abc" and "1.5".
func mutations(s map[string]any, base any, where textual) []mutation {
	var out []mutation
	add := func(prio int, v any, format string, args ...any) {
		out = append(out, mutation{desc: fmt.Sprintf(format, args...), value: v, prio: prio})
	}
	baseText := textOf(base)
	k := kind(s)
	switch k {
	case "string":
		minLen, hasMin := count(s, "minLength")
		maxLen, hasMax := count(s, "maxLength")
		// Paths cannot carry an empty segment; headers stay ASCII.
		emptyOK := where != inPath
		wide := where != inHeader
		if hasMax {
			add(prioBoundary, ofLength(baseText, maxLen, false), "string of %d characters (maxLength %d)", maxLen, maxLen)
			add(prioBoundary, ofLength(baseText, maxLen+1, false), "string of %d characters (maxLength %d)", maxLen+1, maxLen)
			if wide && maxLen > 0 {
				add(prioBoundary, ofLength(baseText, maxLen, true), "string of %d characters ending in %q (maxLength %d)", maxLen, multiByte, maxLen)
			}
		}
		if hasMin && minLen > 0 {
			if !hasMax || maxLen != minLen {
				add(prioBoundary, ofLength(baseText, minLen, false), "string of %d characters (minLength %d)", minLen, minLen)
			}
			if minLen-1 > 0 || emptyOK {
				add(prioBoundary, ofLength(baseText, minLen-1, false), "string of %d characters (minLength %d)", minLen-1, minLen)
			}
			if wide && minLen > 1 {
				add(prioValue, ofLength(baseText, minLen-1, true), "string of %d characters ending in %q (minLength %d)", minLen-1, multiByte, minLen)
			}
		}
		if where == inJSON {
			add(prioValue, json.Number("1"), "number 1 (type string)")
		}
	case "integer", "number":
		step := 1.0
		for _, b := range []struct {
			key    string
			inside float64 // the direction of the allowed side
		}{{"minimum", +1}, {"exclusiveMinimum", +1}, {"maximum", -1}, {"exclusiveMaximum", -1}} {
			v, ok := num(s, b.key)
			if !ok {
				continue
			}
			other := v - b.inside*step // outside for inclusive bounds
			if strings.HasPrefix(b.key, "exclusive") {
				other = v + b.inside*step // inside for exclusive bounds
			}
			add(prioBoundary, numValue(v, where), "%s (%s %s)", formatNum(v), b.key, formatNum(v))
			add(prioBoundary, numValue(other, where), "%s (%s %s)", formatNum(other), b.key, formatNum(v))
		}
		if where == inJSON {
			add(prioValue, "1", `string "1" (type %s)`, k)
			if k == "integer" {
				add(prioValue, json.Number("1.5"), "1.5 (type integer)")
			}
		} else {
			add(prioBoundary, "abc", `"abc" (type %s)`, k)
			if k == "integer" {
				add(prioBoundary, "1.5", `"1.5" (type integer)`)
			}
		}
	case "boolean":
		if where == inJSON {
			add(prioValue, "true", `string "true" (type boolean)`)
		} else {
			add(prioBoundary, "abc", `"abc" (type boolean)`)
		}
	case "array":
		if where == inJSON {
			item := any("a")
			if arr, ok := base.([]any); ok && len(arr) > 0 {
				item = arr[0]
			}
			for _, key := range []string{"minItems", "maxItems"} {
				n, ok := count(s, key)
				if !ok {
					continue
				}
				other := n + 1
				if key == "minItems" {
					other = n - 1
				}
				add(prioBoundary, repeat(item, n), "%d items (%s %d)", n, key, n)
				if other >= 0 {
					add(prioBoundary, repeat(item, other), "%d items (%s %d)", other, key, n)
				}
			}
			add(prioValue, map[string]any{}, "object (type array)")
		}
	case "object":
		if where == inJSON {
			add(prioValue, []any{}, "array (type object)")
		}
	}
	en, _ := s["enum"].([]any)
	outside := "not in enum"
	if c, ok := s["const"]; ok && len(en) == 0 {
		en, outside = []any{c}, "not the const" // a const is an enum of one
	}
	if len(en) > 0 {
		for i, m := range en {
			if i >= maxEnumMembers {
				break
			}
			if where == inJSON && jsonEqual(m, base) || where != inJSON && textOf(m) == baseText {
				continue // the baseline already sends it
			}
			if where == inJSON {
				add(prioValue, clone(m), "%s (enum member)", short(m))
			} else {
				add(prioValue, textOf(m), "%q (enum member)", textOf(m))
			}
		}
		non := nonMember(en, k)
		if where == inJSON {
			add(prioBoundary, non, "%s (%s)", short(non), outside)
		} else {
			add(prioBoundary, textOf(non), "%q (%s)", textOf(non), outside)
		}
	}
	if where == inJSON && k != "" && k != "null" {
		add(prioNull, nil, "null (type %s)", strings.Join(types(s), ", "))
	}
	return out
}

func numValue(f float64, where textual) any {
	if where == inJSON {
		return jsonNum(f)
	}
	return formatNum(f)
}

// ofLength is a string of n characters made from base (cut, or padded with
// its last character); wide makes its last character multiByte.
func ofLength(base string, n int, wide bool) string {
	if n <= 0 {
		return ""
	}
	s := fitLength(base, n, n)
	if wide {
		r := []rune(s)
		r[len(r)-1] = []rune(multiByte)[0]
		s = string(r)
	}
	return s
}

func repeat(item any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = clone(item)
	}
	return out
}

// nonMember is a value of kind k that is not in the enum.
func nonMember(enum []any, k string) any {
	if k == "integer" || k == "number" {
		hi := 0.0
		for _, m := range enum {
			if f, err := strconv.ParseFloat(textOf(m), 64); err == nil && f > hi {
				hi = f
			}
		}
		return jsonNum(math.Floor(hi) + 1)
	}
	for i := 0; ; i++ {
		c := "zz-not-a-member"
		if i > 0 {
			c += strconv.Itoa(i)
		}
		if !slices.ContainsFunc(enum, func(m any) bool { return m == c }) {
			return c
		}
	}
}

// textOf is the text a scalar is sent as in a parameter.
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return formatNum(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = textOf(e)
		}
		return strings.Join(parts, ",")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// short describes a JSON value for a report: strings quoted, long ones by
// their length.
func short(v any) string {
	if s, ok := v.(string); ok {
		if n := utf8.RuneCountInString(s); n > 20 {
			return fmt.Sprintf("string of %d characters", n)
		}
		return strconv.Quote(s)
	}
	b, _ := json.Marshal(v)
	if len(b) > 40 {
		return string(b[:37]) + "..."
	}
	return string(b)
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// step is one segment of a location in a JSON body: a property name, or an
// array index when it is an int.
type step = any

// set is an assignment of a value at a location in a JSON body.
type set struct {
	at     []step
	value  any
	absent bool
}

// bodyVariant is a change to the baseline body: the assignments of pre
// (putting in optional ancestors), then m at the location at.
type bodyVariant struct {
	at  []step
	pre []set
	m   mutation
}

// location writes at as body.name, body.tags[0].
func location(prefix string, at []step) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, s := range at {
		switch x := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", x)
		default:
			fmt.Fprintf(&b, ".%v", x)
		}
	}
	return b.String()
}

// bodyVariants walks the body schema s along the baseline value base and
// lists the variants of every value in it: its mutations, and for each
// required property its absence. Optional properties absent from the
// baseline are put in (with a sample) for the variants below them.
func (d schemas) bodyVariants(s any, base any) []bodyVariant {
	var out []bodyVariant
	var walk func(raw any, at []step, base any, pre []set, depth int)
	walk = func(raw any, at []step, base any, pre []set, depth int) {
		fs := d.flat(raw)
		if fs == nil || depth > maxDepth {
			return
		}
		for _, m := range mutations(fs, base, inJSON) {
			out = append(out, bodyVariant{at: at, pre: pre, m: m})
		}
		switch kind(fs) {
		case "object":
			obj, _ := base.(map[string]any)
			names, required := properties(fs)
			for _, name := range names {
				child := append(slices.Clone(at), step(name))
				if required[name] {
					out = append(out, bodyVariant{at: child, pre: pre, m: mutation{desc: "missing (required)", absent: true, prio: prioBoundary}})
				}
				cv, present := obj[name]
				childPre := pre
				if !present {
					cv = d.sample(property(fs, name))
					childPre = append(slices.Clone(pre), set{at: child, value: cv})
				}
				walk(property(fs, name), child, cv, childPre, depth+1)
			}
		case "array":
			arr, _ := base.([]any)
			if len(arr) > 0 && items(fs) != nil {
				walk(items(fs), append(slices.Clone(at), step(0)), arr[0], pre, depth+1)
			}
		}
	}
	walk(s, nil, base, nil, 0)
	return out
}

// apply makes the variant's body from a copy of the baseline body.
func (v bodyVariant) apply(body any) any {
	body = clone(body)
	for _, p := range v.pre {
		body = assign(body, p.at, clone(p.value), p.absent)
	}
	return assign(body, v.at, clone(v.m.value), v.m.absent)
}

// assign sets (or with absent, deletes) the value at location at in body
// and returns the body; missing objects on the way are created.
func assign(body any, at []step, value any, absent bool) any {
	if len(at) == 0 {
		return value
	}
	switch key := at[0].(type) {
	case int:
		arr, _ := body.([]any)
		for len(arr) <= key {
			arr = append(arr, nil)
		}
		if absent && len(at) == 1 {
			return append(arr[:key], arr[key+1:]...)
		}
		arr[key] = assign(arr[key], at[1:], value, absent)
		return arr
	default:
		name := fmt.Sprint(key)
		obj, ok := body.(map[string]any)
		if !ok {
			obj = map[string]any{}
		}
		if absent && len(at) == 1 {
			delete(obj, name)
			return obj
		}
		obj[name] = assign(obj[name], at[1:], value, absent)
		return obj
	}
}
