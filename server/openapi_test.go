package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/antwort-dev/antwort/server"
)

const specPath = "../api/openapi.yaml"

// loadSpec loads and validates api/openapi.yaml.
func loadSpec(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specPath)
	if err != nil {
		t.Fatalf("load %s: %v", specPath, err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("%s is OpenAPI %s, want 3.1", specPath, doc.OpenAPI)
	}
	// Examples of bad requests are not valid under the schemas, by
	// design: TestOpenAPIExamples checks the documented examples itself.
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		t.Fatalf("%s is not a valid OpenAPI document: %v", specPath, err)
	}
	router, err := legacy.NewRouter(doc, openapi3.DisableExamplesValidation())
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// TestOpenAPICoversEveryEndpointAndCode compares the spec with the
// server: every endpoint the server serves is documented and nothing
// else, and every error code of errors.go is in the Error schema.
func TestOpenAPICoversEveryEndpointAndCode(t *testing.T) {
	doc, _ := loadSpec(t)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	e := newEnv(t, nil)
	served := server.RoutePatterns(e.srv)
	sort.Strings(documented)
	sort.Strings(served)
	if !slices.Equal(documented, served) {
		t.Errorf("documented endpoints %q\n  differ from served ones %q", documented, served)
	}

	var codes []string
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && strings.HasPrefix(vs.Names[0].Name, "Code") {
			if lit, ok := vs.Values[0].(*ast.BasicLit); ok {
				c, _ := strconv.Unquote(lit.Value)
				codes = append(codes, c)
			}
		}
		return true
	})
	enum := doc.Components.Schemas["Error"].Value.Properties["error"].Value.Properties["code"].Value.Enum
	var inSpec []string
	for _, c := range enum {
		inSpec = append(inSpec, c.(string))
	}
	sort.Strings(codes)
	sort.Strings(inSpec)
	if len(codes) < 15 || !slices.Equal(codes, inSpec) {
		t.Errorf("error codes of errors.go %q\n  differ from the spec's %q", codes, inSpec)
	}
}

// replay is one documented example: a request and the answer it gets.
type replay struct {
	op      *openapi3.Operation
	path    string // the spec's path template
	method  string
	name    string
	status  int
	example *openapi3.Example
	schema  *openapi3.Schema // of the response
}

// examples collects every response example of doc that can be replayed:
// the operation takes no body, or has a request example of that name, or
// the example is about the token (x-token), which is checked first.
func examples(doc *openapi3.T) []replay {
	var out []replay
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, ref := range op.Responses.Map() {
				status, _ := strconv.Atoi(code)
				for _, mt := range ref.Value.Content {
					for name, ex := range mt.Examples {
						_, tokenOnly := ex.Value.Extensions["x-token"]
						if op.RequestBody != nil && requestExample(op, name) == nil && !tokenOnly && !hasParamExample(op, name) {
							continue
						}
						if op.RequestBody == nil && len(op.Parameters) > 0 && name != "ok" && !tokenOnly && !hasParamExample(op, name) {
							continue
						}
						out = append(out, replay{op: op, path: path, method: method, name: name, status: status, example: ex.Value, schema: mt.Schema.Value})
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].op.OperationID+"/"+out[i].name < out[j].op.OperationID+"/"+out[j].name
	})
	return out
}

// requestExample returns the request body example called name, with its
// media type, or nil.
func requestExample(op *openapi3.Operation, name string) *reqExample {
	if op.RequestBody == nil {
		return nil
	}
	for mt, c := range op.RequestBody.Value.Content {
		if ex, ok := c.Examples[name]; ok {
			return &reqExample{mt, ex.Value.Value, c.Schema.Value}
		}
	}
	return nil
}

// reqExample is a request body example.
type reqExample struct {
	mediaType string
	value     any
	schema    *openapi3.Schema
}

func hasParamExample(op *openapi3.Operation, name string) bool {
	for _, p := range op.Parameters {
		if _, ok := p.Value.Examples[name]; ok {
			return true
		}
	}
	return false
}

// TestOpenAPIExamples replays every documented example against the real
// handler: the request gets the documented status, a successful request
// is valid under the spec, and every response is valid under it and has
// the keys of the documented one.
func TestOpenAPIExamples(t *testing.T) {
	doc, router := loadSpec(t)
	openapi3filter.RegisterBodyDecoder("message/rfc822", openapi3filter.PlainBodyDecoder)
	defer openapi3filter.UnregisterBodyDecoder("message/rfc822")
	all := examples(doc)
	byID := map[string]replay{}
	for _, r := range all {
		byID[r.op.OperationID+"/"+r.name] = r
	}
	if len(all) < 30 {
		t.Errorf("only %d examples to replay; is the collection broken?", len(all))
	}
	statuses := map[int]bool{}
	for _, r := range all {
		statuses[r.status] = true
		t.Run(r.op.OperationID+"/"+r.name, func(t *testing.T) {
			if err := r.schema.VisitJSON(r.example.Value, openapi3.EnableJSONSchema2020()); err != nil {
				t.Errorf("the documented response is not valid under its schema: %v", err)
			}
			if rq := requestExample(r.op, r.name); rq != nil && r.status < 300 && strings.HasSuffix(rq.mediaType, "json") {
				if err := rq.schema.VisitJSON(rq.value, openapi3.EnableJSONSchema2020()); err != nil {
					t.Errorf("the documented request is not valid under its schema: %v", err)
				}
			}
			e := newEnv(t, nil)
			ext, _ := r.example.Extensions["x-setup"].([]any)
			for _, s := range ext {
				setup, ok := byID[s.(string)]
				if !ok {
					t.Fatalf("x-setup names %q, which is no example", s)
				}
				if _, got := e.replay(t, router, setup); got.status != setup.status {
					t.Fatalf("setup %s: status %d, want %d: %s", s, got.status, setup.status, got.body)
				}
			}
			req, got := e.replay(t, router, r)
			if got.status != r.status {
				t.Fatalf("status %d, want %d: %s", got.status, r.status, got.body)
			}
			route, params, err := router.FindRoute(req)
			if r.status < 300 && err != nil {
				t.Fatalf("the request matches no route of the spec: %v", err)
			}
			if err != nil { // a request the spec does not describe (another method): check the answer against this operation
				route = &routers.Route{Spec: doc, Path: r.path, Method: r.method, Operation: r.op}
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
				Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			if r.status < 300 {
				if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
					t.Errorf("the documented request is not valid under the spec: %v", err)
				}
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: got.status, Header: got.header,
				Body: io.NopCloser(bytes.NewReader(got.body)), Options: &openapi3filter.Options{IncludeResponseStatus: true}}
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("the response is not valid under the spec: %v\n%s", err, got.body)
			}
			if want, ok := r.example.Value.(map[string]any); ok {
				var have map[string]any
				if err := json.Unmarshal(got.body, &have); err != nil {
					t.Fatalf("response is not a JSON object: %s", got.body)
				}
				for k := range want {
					if _, ok := have[k]; !ok {
						t.Errorf("the response lacks %q, which the documented example has: %s", k, got.body)
					}
				}
				if we, ok := want["error"].(map[string]any); ok {
					if he, _ := have["error"].(map[string]any); he["code"] != we["code"] {
						t.Errorf("error code %v, documented %v", he["code"], we["code"])
					}
				}
			}
		})
	}
	for _, s := range []int{200, 400, 401, 403, 404, 405, 409, 415} {
		if !statuses[s] {
			t.Errorf("no replayed example answers %d", s)
		}
	}
}

// replay sends the request of example r to e's server and returns it
// (rewound, for validation) with the response.
func (e *env) replay(t *testing.T, router routers.Router, r replay) (*http.Request, response) {
	t.Helper()
	path := r.path
	query := url.Values{}
	for _, p := range r.op.Parameters {
		ex, ok := p.Value.Examples[r.name]
		if !ok {
			ex, ok = p.Value.Examples["ok"]
		}
		if !ok {
			continue
		}
		v := ex.Value.Value
		s := strings.TrimSuffix(strings.TrimSuffix(jsonScalar(v), `"`), `"`)
		switch p.Value.In {
		case "path":
			path = strings.ReplaceAll(path, "{"+p.Value.Name+"}", url.PathEscape(s))
		case "query":
			query.Set(p.Value.Name, s)
		}
	}
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	method := r.method
	if m, ok := r.example.Extensions["x-method"].(string); ok {
		method = m
	}
	var body []byte
	ctype := ""
	if rq := requestExample(r.op, r.name); rq != nil {
		ctype = rq.mediaType
		if s, ok := rq.value.(string); ok {
			body = []byte(s)
		} else {
			b, err := json.Marshal(rq.value)
			if err != nil {
				t.Fatal(err)
			}
			body = b
		}
	}
	if ct, ok := r.example.Extensions["x-content-type"].(string); ok {
		ctype = ct
	}
	token := clientToken
	switch {
	case r.op.Security != nil && len(*r.op.Security) == 0:
		token = ""
	case r.op.Extensions["x-role"] == "admin":
		token = adminToken
	}
	switch r.example.Extensions["x-token"] {
	case "none":
		token = ""
	case "client":
		token = clientToken
	case "admin":
		token = adminToken
	case "bad":
		token = "not-a-token-0123456789"
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	// The request again, with its body, for the validator, sent to the
	// server the spec names (the router matches on it).
	check, _ := http.NewRequest(method, "http://127.0.0.1:8080"+path, bytes.NewReader(body))
	check.Header = req.Header.Clone()
	return check, response{status: resp.StatusCode, header: resp.Header, body: data}
}

// jsonScalar writes a parameter example value as text.
func jsonScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
