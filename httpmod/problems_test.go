package httpmod_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
)

type ruleInput struct {
	Body struct {
		Name  *string   `json:"name" validate:"omitnil,len=3"`
		Tags  *[]string `json:"tags" validate:"omitnil,gt=1"`
		Score *int      `json:"score" validate:"omitnil,lt=10"`
		Kind  *string   `json:"kind" validate:"omitnil,oneof=a b c"`
		Mail  *string   `json:"mail" validate:"omitnil,email"`
		Ref   *string   `json:"ref" validate:"omitnil,uuid"`
		Site  *string   `json:"site" validate:"omitnil,url"`
		Max   *int      `json:"max" validate:"omitnil,max_of=cap"`
	}
}

// TestProblemsUsePydanticVocabulary: each validation rule becomes the
// problem type, message and context a FastAPI client expects.
func TestProblemsUsePydanticVocabulary(t *testing.T) {
	gin.SetMode(gin.TestMode)
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{Limits: map[string]int64{"cap": 7}})
	e := gin.New()
	r := httpmod.NewRouter(e.Group(""), table)
	httpmod.Route(r, http.MethodPost, "/rules", func(context.Context, *ruleInput) (*httpmod.NoContent, error) { return nil, nil },
		httpmod.Status(http.StatusNoContent))
	if err := table.Err(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		body, typ, msg string
	}{
		{`{"name":"ab"}`, "string_too_short", "String should have at least 3 characters"},
		{`{"name":"abcd"}`, "string_too_long", "String should have at most 3 characters"},
		{`{"tags":["x"]}`, "too_short", "List should have at least 2 items"},
		{`{"score":12}`, "less_than", "Input should be less than 10"},
		{`{"kind":"d"}`, "enum", "Input should be 'a', 'b' or 'c'"},
		{`{"mail":"nope"}`, "value_error", "value is not a valid email address"},
		{`{"ref":"nope"}`, "uuid_parsing", "Input should be a valid UUID"},
		{`{"site":"nope"}`, "url_parsing", "Input should be a valid URL"},
		{`{"max":8}`, "less_than_equal", "Input should be less than or equal to 7"},
	}
	for _, tt := range tests {
		t.Run(tt.typ+" "+tt.body, func(t *testing.T) {
			ps := problems(t, do(e, http.MethodPost, "/rules", "application/json", tt.body))
			if len(ps) != 1 || ps[0].Type != tt.typ || ps[0].Msg != tt.msg {
				t.Fatalf("problems %+v, want one %s %q", ps, tt.typ, tt.msg)
			}
		})
	}
}
