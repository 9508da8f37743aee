package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
)

// apiError is an error with its HTTP status and stable code.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Field names the request field at fault; Line, Column (1-based, in
	// bytes) and Offset (0-based) where malformed JSON went wrong.
	Field  string `json:"field,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	Offset *int64 `json:"offset,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func apiErr(status int, code, msg string) *apiError {
	return &apiError{Status: status, Code: code, Message: msg}
}

func fieldErr(field, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Field: field, Message: fmt.Sprintf(format, args...)}
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// writeError renders err as {"error": {...}} with the status its kind
// calls for.
func (s *Server) writeError(w *statusWriter, r *http.Request, err error) {
	if w.code != 0 {
		// The response was already started; nothing sensible can follow.
		s.log.Warn("error after the response started", slog.String("route", r.Pattern), slog.String("err", err.Error()))
		return
	}
	var ae *apiError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, models.ErrInvalidName):
		ae = &apiError{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Field: "name", Message: err.Error()}
	case errors.As(err, &mbe):
		ae = apiErr(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, fmt.Sprintf("request body over the limit of %d bytes", mbe.Limit))
	case errors.Is(err, models.ErrNotFound):
		ae = apiErr(http.StatusNotFound, CodeModelNotFound, err.Error())
	case errors.Is(err, models.ErrActive):
		ae = apiErr(http.StatusConflict, CodeModelActive, err.Error())
	case errors.Is(err, models.ErrNoHistory):
		ae = apiErr(http.StatusConflict, CodeNoHistory, err.Error())
	case errors.Is(err, models.ErrLocked), errors.Is(err, kb.ErrLocked):
		ae = apiErr(http.StatusServiceUnavailable, CodeLocked, err.Error())
	case errors.Is(err, antwort.ErrNoModel), errors.Is(err, antwort.ErrClosed), errors.Is(err, kb.ErrClosed):
		ae = apiErr(http.StatusServiceUnavailable, CodeUnavailable, err.Error())
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		ae = apiErr(http.StatusServiceUnavailable, CodeTimeout, "the request was cancelled or ran out of time")
	default:
		s.log.Error("request failed", slog.String("method", r.Method), slog.String("route", r.Pattern), slog.String("err", err.Error()))
		ae = apiErr(http.StatusInternalServerError, CodeInternal, "internal error; the server log has the details")
	}
	if ae.Status == http.StatusRequestTimeout {
		// The client's problem, not the server's: worth an Info line, and
		// the connection is not reused.
		s.log.Info("client error", slog.String("code", ae.Code), slog.String("method", r.Method), slog.String("route", r.Pattern),
			slog.String("remote", r.RemoteAddr))
		w.Header().Set("Connection", "close")
	}
	if ae.Status == http.StatusUnauthorized || ae.Status >= 500 {
		w.Header().Set("Cache-Control", "no-store")
	}
	_ = writeJSON(w, ae.Status, map[string]*apiError{"error": ae})
}

// readBody reads the whole body, at most limit bytes: a larger one is a
// *http.MaxBytesError (413). A body that does not arrive within the read
// timeout is a 408, one cut off by the client a 400.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var ne net.Error
	switch {
	case err == nil:
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return nil, apiErr(http.StatusRequestTimeout, CodeRequestTimeout, "the request body did not arrive within the read timeout")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, apiErr(http.StatusBadRequest, CodeInvalidRequest, "the request body was cut off before its Content-Length")
	}
	return b, err
}

// mediaType returns the request's media type, "" when none is given.
func mediaType(r *http.Request) (string, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "", nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", apiErr(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, fmt.Sprintf("Content-Type %q: %v", ct, err))
	}
	return strings.ToLower(mt), nil
}

// jsonType reports whether a body of media type mt is read as JSON:
// application/json and +json types, no type at all, and
// application/x-www-form-urlencoded and text/plain, which is what curl -d
// and simple clients send for a JSON body.
func jsonType(mt string) bool {
	switch {
	case mt == "", mt == "application/json", strings.HasSuffix(mt, "+json"),
		mt == "application/x-www-form-urlencoded", mt == "text/plain":
		return true
	}
	return false
}

// decodeJSON decodes body into v, strictly: unknown fields, trailing data
// and type mismatches are errors that say where.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return &apiError{Status: http.StatusBadRequest, Code: CodeInvalidJSON, Message: "empty body: want a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			return jsonPos(body, dec.InputOffset(), CodeInvalidJSON, "", "unexpected data after the JSON object")
		}
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return jsonPos(body, se.Offset-1, CodeInvalidJSON, "", se.Error())
	case errors.As(err, &te):
		field := te.Field
		return jsonPos(body, te.Offset-1, CodeInvalidRequest, field, fmt.Sprintf("field %q: got a JSON %s, want %s", field, te.Value, jsonKind(te.Type.String())))
	case errors.Is(err, ingest.ErrAddress):
		// The only address field of a request body.
		return jsonPos(body, dec.InputOffset(), CodeInvalidRequest, "from", "field \"from\": "+strings.TrimPrefix(err.Error(), ingest.ErrAddress.Error()+": "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return jsonPos(body, int64(len(body)), CodeInvalidJSON, "", "unexpected end of JSON input")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		off := dec.InputOffset() - 1
		// Point at the key: its last occurrence before where decoding stopped.
		re := regexp.MustCompile(`"` + regexp.QuoteMeta(name) + `"\s*:`)
		if locs := re.FindAllIndex(body[:min(max(off+1, 0), int64(len(body)))], -1); len(locs) > 0 {
			off = int64(locs[len(locs)-1][0])
		}
		return jsonPos(body, off, CodeInvalidRequest, name, fmt.Sprintf("unknown field %q", name))
	}
	return jsonPos(body, dec.InputOffset(), CodeInvalidJSON, "", err.Error())
}

// jsonKind names a Go type the way a JSON user thinks of it.
func jsonKind(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case goType == "bool", goType == "*bool":
		return "true or false"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	}
	return "an object"
}

// jsonPos builds a 400 error pointing at byte offset off of body.
func jsonPos(body []byte, off int64, code, field, msg string) *apiError {
	off = min(max(off, 0), int64(len(body)))
	line := 1 + bytes.Count(body[:off], []byte{'\n'})
	col := int(off) - bytes.LastIndexByte(body[:off], '\n')
	o := off
	return &apiError{Status: http.StatusBadRequest, Code: code, Field: field,
		Message: fmt.Sprintf("%s (line %d, column %d)", msg, line, col), Line: line, Column: col, Offset: &o}
}
