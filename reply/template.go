package reply

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// Data are the values a reply template may use. They are plain text: Render
// inserts them as they are and never interprets them as template code.
type Data struct {
	Salutation     string // e.g. from [Salutation]: "Sehr geehrte Frau Schulz,"
	Name           string
	FirstName      string
	LastName       string
	OrderNumber    string
	CustomerNumber string
	ContractNumber string
	TicketNumber   string
	Date           string // already formatted for the reader
	Signature      string // may span several lines
	Lang           string
}

// Rendered is the result of [Template.Render].
type Rendered struct {
	Text string `json:"text"`

	// Missing lists the fields the template printed while they were
	// empty ("OrderNumber"), in the order they were first printed. A field
	// only tested ({{if .OrderNumber}}) is not missing.
	Missing []string `json:"missing,omitempty"`
}

// Template is a parsed reply template. It is immutable and safe for
// concurrent use.
//
// Templates use the text/template syntax over the fields of [Data]:
// {{.Name}}, {{if .OrderNumber}}…{{else}}…{{end}}, {{with .Date}}…{{.}}…{{end}}
// ($.Field reaches the data inside with), comments, variables, and the
// functions and, or, not, eq, ne, len and print. Nothing else: no range,
// define, block or template, no other functions, no {{.}} outside with.
type Template struct {
	name   string
	tmpl   *template.Template
	fields []string
	size   int // bytes to reserve for a reply: the body's length and some
	// fast is the template compiled for renderFast; nil when it uses
	// more than renderFast does (text/template runs it then).
	fast []fastOp
}

// usedFunc is the function ParseTemplate appends to every printing action
// to record which fields were printed while empty. Its name cannot be
// used by template authors (it is not in allowedFuncs).
const usedFunc = "_used"

// ParseTemplate parses body as the reply template called name. A body
// that does not parse, references a field Data does not have ({{.Foo}}),
// calls a function that is not allowed or uses a construct that is not
// allowed is an error wrapping [ErrTemplate] that names the position and
// the offending field or construct.
func ParseTemplate(name, body string) (*Template, error) {
	tmpl, err := template.New(name).Funcs(template.FuncMap{usedFunc: recordUsed}).Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrTemplate, name, err)
	}
	for _, t := range tmpl.Templates() {
		if t.Name() != name {
			return nil, fmt.Errorf("%w %q: defines template %q; define and block are not allowed", ErrTemplate, name, t.Name())
		}
	}
	t := &Template{name: name, tmpl: tmpl, size: len(body) + 64}
	if tmpl.Tree == nil || tmpl.Tree.Root == nil {
		return t, nil
	}
	c := checker{tree: tmpl.Tree}
	c.list(tmpl.Tree.Root, false)
	if c.err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrTemplate, name, c.err)
	}
	t.fields = c.fields
	if ops, ok := compileFast(tmpl.Tree.Root); ok {
		t.fast = ops
		if t.fast == nil {
			t.fast = []fastOp{} // nothing to print, but compiled
		}
	}
	if err := instrument(tmpl.Tree.Root); err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrTemplate, name, err)
	}
	return t, nil
}

// Name returns the name the template was parsed with.
func (t *Template) Name() string { return t.name }

// Fields returns the Data fields the template references, printed or
// tested, in order of first appearance.
func (t *Template) Fields() []string { return slices.Clone(t.fields) }

// Render executes the template with d. Values are inserted as plain text:
// "{{.OrderNumber}}" in a customer's name comes out literally. Control
// characters in values are replaced by spaces, except line breaks in
// Signature, so a value cannot add lines to a reply. Empty values render
// as "" and the printed ones are listed in Rendered.Missing. The error
// wraps [ErrTemplate]; with a template from ParseTemplate it does not
// happen in practice.
func (t *Template) Render(d Data) (Rendered, error) {
	return t.RenderMarked(d, nil)
}

// RenderMarked is Render, except that a field printed on its own while
// empty ({{.OrderNumber}}) is replaced by mark(field), so a draft shows an
// agent where something is to be filled in (see Marker). Missing lists
// those fields as with Render. A nil mark means Render.
func (t *Template) RenderMarked(d Data, mark func(field string) string) (Rendered, error) {
	rd := &renderData{Data: cleanData(d), mark: mark}
	var b strings.Builder
	b.Grow(t.size)
	if t.fast != nil {
		renderFast(&b, rd, t.fast, "")
		return Rendered{Text: b.String(), Missing: rd.missing}, nil
	}
	if err := t.tmpl.Execute(&b, rd); err != nil {
		return Rendered{}, fmt.Errorf("%w %q: %w", ErrTemplate, t.name, err)
	}
	return Rendered{Text: b.String(), Missing: rd.missing}, nil
}

// renderData is the data one execution sees. Templates reach the promoted
// Data fields only; missing is unexported and so out of their reach.
type renderData struct {
	Data
	missing []string
	mark    func(string) string
}

// recordUsed is appended to printing actions as
// {{… | _used $ "Field" …}}: it records the named fields that are empty
// and passes the pipeline's value through.
func recordUsed(d *renderData, args ...any) any {
	if len(args) == 0 {
		return ""
	}
	names := args[:len(args)-1]
	for _, a := range names {
		name, _ := a.(string)
		if v, ok := d.field(name); ok && v == "" && !slices.Contains(d.missing, name) {
			d.missing = append(d.missing, name)
		}
	}
	val := args[len(args)-1]
	if s, ok := val.(string); ok && s == "" && d.mark != nil && len(names) == 1 {
		if name, _ := names[0].(string); name != "" {
			return d.mark(name)
		}
	}
	return val
}

// field returns the value of the Data field called name, without the
// cost of reflection; ok is false when Data has no such field.
func (d *Data) field(name string) (v string, ok bool) {
	switch name {
	case "Salutation":
		return d.Salutation, true
	case "Name":
		return d.Name, true
	case "FirstName":
		return d.FirstName, true
	case "LastName":
		return d.LastName, true
	case "OrderNumber":
		return d.OrderNumber, true
	case "CustomerNumber":
		return d.CustomerNumber, true
	case "ContractNumber":
		return d.ContractNumber, true
	case "TicketNumber":
		return d.TicketNumber, true
	case "Date":
		return d.Date, true
	case "Signature":
		return d.Signature, true
	case "Lang":
		return d.Lang, true
	}
	return "", false
}

// markerNames are the readable names of the fields in Marker's output.
var markerNames = map[string][2]string{ // field: German, English
	"Salutation":     {"Anrede", "salutation"},
	"Name":           {"Name", "name"},
	"FirstName":      {"Vorname", "first name"},
	"LastName":       {"Nachname", "last name"},
	"OrderNumber":    {"Bestellnummer", "order number"},
	"CustomerNumber": {"Kundennummer", "customer number"},
	"ContractNumber": {"Vertragsnummer", "contract number"},
	"TicketNumber":   {"Vorgangsnummer", "reference number"},
	"Date":           {"Datum", "date"},
	"Signature":      {"Signatur", "signature"},
}

// Marker returns a mark function for RenderMarked that writes a missing
// field as "[Bestellnummer]" (lang "de") or "[order number]" (otherwise).
func Marker(lang string) func(field string) string {
	i := 1
	if nlp.Lang(lang) == nlp.German {
		i = 0
	}
	return func(field string) string {
		if n, ok := markerNames[field]; ok {
			return "[" + n[i] + "]"
		}
		return "[" + field + "]"
	}
}

// cleanData replaces control characters in the values by spaces (keeping
// line breaks and tabs in Signature, with CRLF as LF).
func cleanData(d Data) Data {
	for _, p := range []*string{&d.Salutation, &d.Name, &d.FirstName, &d.LastName, &d.OrderNumber,
		&d.CustomerNumber, &d.ContractNumber, &d.TicketNumber, &d.Date, &d.Lang} {
		*p = oneLine(*p)
	}
	sig := strings.ReplaceAll(d.Signature, "\r\n", "\n")
	d.Signature = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && isControl(r) {
			return ' '
		}
		return r
	}, sig)
	return d
}

// isDataField reports whether name is a field of Data.
func isDataField(name string) bool {
	f, ok := reflect.TypeFor[Data]().FieldByName(name)
	return ok && f.IsExported() && len(f.Index) == 1
}

// allowedFunc reports whether templates may call the function name.
func allowedFunc(name string) bool {
	switch name {
	case "and", "or", "not", "eq", "ne", "len", "print":
		return true
	}
	return false
}

// checker validates a template's parse tree and collects the fields it
// references. The first problem found is kept in err.
type checker struct {
	tree   *parse.Tree
	fields []string
	err    error
}

func (c *checker) fail(n parse.Node, format string, args ...any) {
	if c.err != nil {
		return
	}
	loc, _ := c.tree.ErrorContext(n)
	c.err = fmt.Errorf("%s: %s", loc, fmt.Sprintf(format, args...))
}

// list checks a list of nodes; inWith means dot is the value of an
// enclosing {{with}}, not the data.
func (c *checker) list(l *parse.ListNode, inWith bool) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		c.node(n, inWith)
	}
}

func (c *checker) node(n parse.Node, inWith bool) {
	switch n := n.(type) {
	case *parse.TextNode, *parse.CommentNode:
	case *parse.ActionNode:
		c.pipe(n.Pipe, inWith)
	case *parse.IfNode:
		c.pipe(n.Pipe, inWith)
		c.list(n.List, inWith)
		c.list(n.ElseList, inWith)
	case *parse.WithNode:
		c.pipe(n.Pipe, inWith)
		c.list(n.List, true)
		c.list(n.ElseList, inWith)
	case *parse.RangeNode:
		c.fail(n, "range is not allowed")
	case *parse.TemplateNode:
		c.fail(n, "{{template}} is not allowed")
	case *parse.BreakNode, *parse.ContinueNode:
		c.fail(n, "%s is not allowed", n)
	default:
		c.fail(n, "%s is not allowed", n)
	}
}

func (c *checker) pipe(p *parse.PipeNode, inWith bool) {
	if p == nil {
		return
	}
	for _, cmd := range p.Cmds {
		for _, a := range cmd.Args {
			c.arg(a, inWith)
		}
	}
}

func (c *checker) arg(n parse.Node, inWith bool) {
	switch n := n.(type) {
	case *parse.FieldNode:
		switch {
		case inWith:
			c.fail(n, "%s inside {{with}} refers to the with value, not the data; write $%s", n, n)
		case len(n.Ident) != 1:
			c.fail(n, "%s: fields of fields are not allowed", n)
		default:
			c.field(n, n.Ident[0])
		}
	case *parse.VariableNode:
		switch {
		case n.Ident[0] == "$" && len(n.Ident) == 2:
			c.field(n, n.Ident[1])
		case n.Ident[0] == "$" && len(n.Ident) == 1:
			c.fail(n, "$ alone is the whole data; use $.Field")
		case len(n.Ident) > 1:
			c.fail(n, "%s: fields of variables are not allowed", n)
		}
	case *parse.DotNode:
		if !inWith {
			c.fail(n, "{{.}} is the whole data; use a field such as {{.Name}}")
		}
	case *parse.IdentifierNode:
		if !allowedFunc(n.Ident) {
			c.fail(n, "function %q is not allowed", n.Ident)
		}
	case *parse.PipeNode:
		c.pipe(n, inWith)
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
	case *parse.ChainNode:
		c.fail(n, "%s: field chains are not allowed", n)
	default:
		c.fail(n, "%s is not allowed here", n)
	}
}

func (c *checker) field(n parse.Node, name string) {
	if !isDataField(name) {
		c.fail(n, "unknown field .%s", name)
		return
	}
	if !slices.Contains(c.fields, name) {
		c.fields = append(c.fields, name)
	}
}

// instrument appends {{… | _used $ "F1" "F2"}} to every printing action
// that references fields, so that Render can report the empty ones.
func instrument(l *parse.ListNode) error {
	if l == nil {
		return nil
	}
	for _, n := range l.Nodes {
		var err error
		switch n := n.(type) {
		case *parse.ActionNode:
			if len(n.Pipe.Decl) == 0 {
				if names := pipeFields(n.Pipe, nil); len(names) > 0 {
					var cmd *parse.CommandNode
					cmd, err = usedCommand(names)
					if err == nil {
						n.Pipe.Cmds = append(n.Pipe.Cmds, cmd)
					}
				}
			}
		case *parse.IfNode:
			if err = instrument(n.List); err == nil {
				err = instrument(n.ElseList)
			}
		case *parse.WithNode:
			if err = instrument(n.List); err == nil {
				err = instrument(n.ElseList)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pipeFields appends the data fields p references to names.
func pipeFields(p *parse.PipeNode, names []string) []string {
	for _, cmd := range p.Cmds {
		for _, a := range cmd.Args {
			var name string
			switch a := a.(type) {
			case *parse.FieldNode:
				name = a.Ident[0]
			case *parse.VariableNode:
				if a.Ident[0] == "$" && len(a.Ident) == 2 {
					name = a.Ident[1]
				}
			case *parse.PipeNode:
				names = pipeFields(a, names)
			}
			if name != "" && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	return names
}

// usedCommand builds the command node `_used $ "F1" "F2" …` by parsing it.
func usedCommand(names []string) (*parse.CommandNode, error) {
	var b strings.Builder
	b.WriteString("{{" + usedFunc + " $")
	for _, n := range names {
		b.WriteString(" " + strconv.Quote(n))
	}
	b.WriteString("}}")
	trees, err := parse.Parse(usedFunc, b.String(), "", "", map[string]any{usedFunc: recordUsed})
	if err != nil {
		return nil, err
	}
	action, ok := trees[usedFunc].Root.Nodes[0].(*parse.ActionNode)
	if !ok || len(action.Pipe.Cmds) != 1 {
		return nil, fmt.Errorf("internal error building %s", b.String())
	}
	return action.Pipe.Cmds[0], nil
}
