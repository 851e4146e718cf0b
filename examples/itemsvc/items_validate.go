package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// Limits of the items API.
const (
	maxPageSize       = 100
	maxNameLen        = 255  // characters
	maxDescriptionLen = 2000 // characters
	maxBodyBytes      = 64 << 10
)

// FieldError is one invalid input: where it is (["body", "name"],
// ["query", "limit"], ["path", "id"]) and what is wrong.
type FieldError struct {
	Loc []string `json:"loc"`
	Msg string   `json:"msg"`
}

// ValidationErrorBody is the 422 answer: the kit's {"detail": "..."} (every
// problem as "field: message"), plus the problems one by one.
type ValidationErrorBody struct {
	Detail string       `json:"detail"`
	Errors []FieldError `json:"errors"`
}

// abortInvalid answers 422 with errs.
func abortInvalid(c *gin.Context, errs ...FieldError) {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Loc[len(e.Loc)-1] + ": " + e.Msg
	}
	c.AbortWithStatusJSON(http.StatusUnprocessableEntity, ValidationErrorBody{Detail: strings.Join(parts, "; "), Errors: errs})
}

// decodeItemCreate reads and checks the body of POST /items/.
func decodeItemCreate(r *http.Request, w http.ResponseWriter) (ItemCreate, []FieldError) {
	var raw struct {
		Name        *string `json:"name"`
		Description *string `json:"description"`
	}
	body := func(msg string) []FieldError { return []FieldError{{Loc: []string{"body"}, Msg: msg}} }
	err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes)).Decode(&raw)
	var typeErr *json.UnmarshalTypeError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return ItemCreate{}, body("field required (a JSON object)")
	case errors.As(err, &tooLarge):
		return ItemCreate{}, body(fmt.Sprintf("larger than %d bytes", maxBodyBytes))
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return ItemCreate{}, []FieldError{{Loc: []string{"body", typeErr.Field}, Msg: "must be a " + jsonType(typeErr.Type.String())}}
	case errors.As(err, &typeErr):
		return ItemCreate{}, body("must be a JSON object")
	case err != nil:
		return ItemCreate{}, body("invalid JSON")
	}

	var errs []FieldError
	var in ItemCreate
	switch {
	case raw.Name == nil:
		errs = append(errs, FieldError{Loc: []string{"body", "name"}, Msg: "field required"})
	case strings.TrimSpace(*raw.Name) == "":
		errs = append(errs, FieldError{Loc: []string{"body", "name"}, Msg: "must not be empty"})
	case utf8.RuneCountInString(strings.TrimSpace(*raw.Name)) > maxNameLen:
		errs = append(errs, FieldError{Loc: []string{"body", "name"}, Msg: fmt.Sprintf("at most %d characters", maxNameLen)})
	case hasControl(*raw.Name, false):
		errs = append(errs, FieldError{Loc: []string{"body", "name"}, Msg: "must not contain control characters"})
	default:
		in.Name = strings.TrimSpace(*raw.Name)
	}
	if raw.Description != nil {
		switch {
		case utf8.RuneCountInString(*raw.Description) > maxDescriptionLen:
			errs = append(errs, FieldError{Loc: []string{"body", "description"}, Msg: fmt.Sprintf("at most %d characters", maxDescriptionLen)})
		case hasControl(*raw.Description, true):
			errs = append(errs, FieldError{Loc: []string{"body", "description"}, Msg: "must not contain control characters other than newlines and tabs"})
		}
		in.Description = *raw.Description
	}
	return in, errs
}

// hasControl reports whether s holds a control character (NUL included: the
// databases refuse or mangle it). multiline allows \n, \r and \t.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// jsonType names the JSON type of a Go type in messages.
func jsonType(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	}
	return "JSON " + goType
}

// paging reads ?limit= (1 to 100, default 100) and ?offset= (at least 0,
// default 0).
func paging(c *gin.Context) (Paging, []FieldError) {
	p := Paging{Limit: maxPageSize}
	var errs []FieldError
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPageSize {
			errs = append(errs, FieldError{Loc: []string{"query", "limit"}, Msg: fmt.Sprintf("must be an integer from 1 to %d", maxPageSize)})
		}
		p.Limit = n
	}
	if v, ok := c.GetQuery("offset"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, FieldError{Loc: []string{"query", "offset"}, Msg: "must be an integer of at least 0"})
		}
		p.Offset = n
	}
	return p, errs
}

// itemID reads the :id path parameter, a positive integer.
func itemID(c *gin.Context) (int64, []FieldError) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, []FieldError{{Loc: []string{"path", "id"}, Msg: "must be a positive integer"}}
	}
	return id, nil
}
