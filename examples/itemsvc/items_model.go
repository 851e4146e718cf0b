package main

import (
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
)

// Item is one catalogue item, stored in <TABLES_PREFIX>_items (see the
// migrations package for the schema).
type Item struct {
	bun.BaseModel `bun:"table:items,alias:item"`

	ID          int64     `bun:"id,pk,autoincrement" json:"id"`
	Name        string    `bun:"name,notnull" json:"name"`
	Description string    `bun:"description,notnull" json:"description"`
	OwnerID     uuid.UUID `bun:"owner_id,notnull" json:"owner_id" doc:"The creating user (the token's subject)."`
	CreatedAt   time.Time `bun:"created_at,notnull" json:"created_at"`
	UpdatedAt   time.Time `bun:"updated_at,notnull" json:"updated_at"`
}

// utc puts the timestamps in UTC (drivers may scan them in the local zone).
func (it *Item) utc() {
	it.CreatedAt = it.CreatedAt.UTC()
	it.UpdatedAt = it.UpdatedAt.UTC()
}

// The item fields' patterns: a name is not blank (it has a character other
// than a space or a control character) and has no control character; a
// description has no NUL (PostgreSQL text cannot store it), new lines and
// tabs are fine. Both are stored exactly as sent: nothing is trimmed.

// ItemCreate is the body of POST {API_PREFIX}/items/. The description's
// limit is the runtime limit item_description_max (ITEMS_DESCRIPTION_MAX_LEN,
// 2000 characters by default).
type ItemCreate struct {
	Name        string `json:"name" validate:"max=255" pattern:"^[^\\x00-\\x1f\\x7f]*[^\\x00-\\x20\\x7f][^\\x00-\\x1f\\x7f]*$" doc:"The item's name: 1 to 255 characters, not blank, no control characters."`
	Description string `json:"description,omitempty" validate:"max_of=item_description_max" pattern:"^[^\\x00]*$" doc:"A free text description (no NUL character)."`
}

// ItemPatch is the body of PATCH {API_PREFIX}/items/:id: the fields to
// change; absent fields keep their value.
type ItemPatch struct {
	Name        *string `json:"name,omitempty" validate:"omitnil,max=255" pattern:"^[^\\x00-\\x1f\\x7f]*[^\\x00-\\x20\\x7f][^\\x00-\\x1f\\x7f]*$" doc:"The new name."`
	Description *string `json:"description,omitempty" validate:"omitnil,max_of=item_description_max" pattern:"^[^\\x00]*$" doc:"The new description."`
}

// ItemsPage is the answer of GET {API_PREFIX}/items/: one page of items,
// newest first, and the number of items that match.
type ItemsPage struct {
	Data  []Item `json:"data"`
	Count int    `json:"count"`
}

// Deleted is the answer of the delete routes: the deleted item's id, or the
// number of items purged.
type Deleted struct {
	Deleted int64 `json:"deleted"`
}

// ListItems is the input of GET {API_PREFIX}/items/.
type ListItems struct {
	Limit  int     `query:"limit" default:"20" validate:"min=1,max=100" doc:"Page size, 1 to 100."`
	Offset int     `query:"offset" default:"0" validate:"min=0" doc:"Items to skip."`
	Q      *string `query:"q" validate:"omitnil,max=100" doc:"Only items whose name contains this text (ASCII letters match in either case)."`
}

// ItemRef names one item: the input of the single-item routes.
type ItemRef struct {
	ID int64 `path:"id" validate:"min=1" doc:"The item's id."`
}

// CreateItem is the input of POST {API_PREFIX}/items/.
type CreateItem struct {
	Body ItemCreate
}

// PatchItem is the input of PATCH {API_PREFIX}/items/:id.
type PatchItem struct {
	ID   int64 `path:"id" validate:"min=1" doc:"The item's id."`
	Body ItemPatch
}
