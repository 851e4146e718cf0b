package httpmod

import (
	"context"
	"reflect"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/openapi"
)

// Guard is a route option that admits or refuses a request before its
// input is bound (authmod's guards are Guards). ConfigureRoute of a guard
// appends it to [RouteConfig.Guards].
type Guard interface {
	RouteOption
	// GuardHandler answers the request itself (401, 403, 503...) or calls
	// c.Next.
	GuardHandler() gin.HandlerFunc
	// GuardDoc is what the guard adds to the route's operation: its
	// security requirement and scheme, the answers it can give (with their
	// headers) and its extensions.
	GuardDoc() openapi.Operation
}

// InputAuthorizer is a [Guard] that also decides with the route's bound and
// validated input (an owner check, say). A typed route calls Authorize after
// validation and before the handler; an error is answered like a handler's
// (use [Error] for a 403 or a 404). InputType is the route's input type it
// accepts (*In); a route with another input fails its declaration.
type InputAuthorizer interface {
	Guard
	InputType() reflect.Type
	Authorize(ctx context.Context, in any) error
}
