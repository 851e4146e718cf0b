package jsonbody_test

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/m8fx/kit/internal/jsonbody"
)

type CreateItem struct {
	Name        string   `json:"name"`
	Description *string  `json:"description"`
	Price       float64  `json:"price"`
	Quantity    uint8    `json:"quantity,omitempty"`
	Tags        []string `json:"tags,omitempty"`
}

func Example() {
	// Compile once, at startup.
	node, err := jsonbody.Compile(reflect.TypeFor[CreateItem]())
	if err != nil {
		panic(err)
	}

	// Check every request body before decoding it.
	body := []byte(`{"Name":"Lamp","price":"12","quantity":1.5,"tags":["desk",7]}`)
	for _, p := range jsonbody.Check(body, node, jsonbody.Options{}) {
		fmt.Printf("%s %v: %s\n", p.Type, p.Loc, p.Msg)
	}

	body = []byte(`{"name":"Lamp","name":"Desk lamp","price":12}`)
	for _, p := range jsonbody.Check(body, node, jsonbody.Options{}) {
		fmt.Printf("%s %v: %s (%s)\n", p.Type, p.Loc, p.Msg, p.Ctx["error"])
	}

	body = []byte(`{"name":"Lamp","description":null,"price":12}`)
	if problems := jsonbody.Check(body, node, jsonbody.Options{RejectUnknown: true}); problems == nil {
		var item CreateItem
		fmt.Println(json.Unmarshal(body, &item), item.Name, item.Price)
	}
	// Output:
	// extra_forbidden [Name]: Extra inputs are not permitted (member names are case-sensitive)
	// float_type [price]: Input should be a valid number
	// int_from_float [quantity]: Input should be a valid integer, got a number with a fractional part
	// string_type [tags 1]: Input should be a valid string
	// missing [name]: Field required
	// json_invalid [15]: JSON decode error (duplicate member "name")
	// <nil> Lamp 12
}
