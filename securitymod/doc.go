// Package securitymod hardens the HTTP layer of an m8fx service: constant-time
// credential comparison today; CORS, trusted hosts and security headers fill the
// fixed middleware slots of httpmod as they land.
package securitymod
