package server

import "errors"

// Errors returned by this package. Returned errors wrap them; branch with
// errors.Is.
var (
	// ErrTokenFile is returned by ReadTokens, ParseTokens and Tokens.Add
	// for a bad token line: too short, not printable, unknown role,
	// repeated secret or name, too many fields. The message names the
	// file and line.
	ErrTokenFile = errors.New("server: bad token")

	// ErrNoTokens is returned by New when authentication is on
	// (Options.NoAuth is false) but Options.Tokens holds none.
	ErrNoTokens = errors.New("server: no tokens")
)

// Error codes of the JSON error responses. They are stable: clients may
// branch on them. The HTTP status is given for each.
const (
	CodeUnauthorized     = "unauthorized"           // 401: no bearer token
	CodeInvalidToken     = "invalid_token"          // 401: token not known
	CodeForbidden        = "forbidden"              // 403: the token's role does not allow the endpoint
	CodeBodyTooLarge     = "body_too_large"         // 413: body over the limit
	CodeInvalidJSON      = "invalid_json"           // 400: not JSON; line, column and offset say where
	CodeInvalidRequest   = "invalid_request"        // 400: JSON fine, but a field is missing, unknown or invalid (field names it)
	CodeUnsupportedMedia = "unsupported_media_type" // 415: Content-Type not accepted
	CodeInvalidMail      = "invalid_mail"           // 400: a message/rfc822 body that is not a readable mail
	CodeNotFound         = "not_found"              // 404: no such endpoint
	CodeMethodNotAllowed = "method_not_allowed"     // 405: endpoint exists, other method (Allow header lists them)
	CodeModelNotFound    = "model_not_found"        // 404: no such model name or version
	CodeModelActive      = "model_active"           // 409: cannot delete the active version
	CodeNoHistory        = "no_history"             // 409: nothing to roll back to
	CodeInvalidModel     = "invalid_model"          // 422: the version cannot be decoded or loaded
	CodeUnavailable      = "unavailable"            // 503: no engine, store or knowledge base for this request
	CodeLocked           = "locked"                 // 503: a store or index lock could not be taken
	CodeTimeout          = "timeout"                // 503: the request's time ran out
	CodeRequestTimeout   = "request_timeout"        // 408: the client did not send its body within the read timeout
	CodeInternal         = "internal"               // 500: anything else (logged)
)
