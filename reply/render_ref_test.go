package reply

import (
	"reflect"
	"slices"
	"testing"
	"text/template"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/antwort-dev/antwort/internal/testmail"
)

// TestDataField: Data.field finds every field of Data, as reflection does,
// and nothing else.
func TestDataField(t *testing.T) {
	var d Data
	v := reflect.ValueOf(&d).Elem()
	for i := range v.NumField() {
		v.Field(i).SetString("value of " + v.Type().Field(i).Name)
	}
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if got, ok := d.field(name); !ok || got != v.Field(i).String() {
			t.Errorf("field(%q) = %q, %v, want %q, true", name, got, ok, v.Field(i).String())
		}
	}
	for _, name := range []string{"", "name", "Missing", "mark", "Data", "ORDERNUMBER"} {
		if got, ok := d.field(name); ok {
			t.Errorf("field(%q) = %q, true, want false", name, got)
		}
	}
}

// TestRenderRefRealistic renders the knowledge-base templates with the
// data of realistic messages, with the field recorder and the one as it
// was, and compares the results.
func TestRenderRefRealistic(t *testing.T) {
	repo, bench := testmail.Load(t, "..")
	cases := renderCases(t, append(append([]testmail.Message{}, repo...), bench...))
	refs := map[*Template]*Template{}
	for i, c := range cases {
		ref, ok := refs[c.t]
		if !ok {
			clone, err := c.t.tmpl.Clone()
			if err != nil {
				t.Fatal(err)
			}
			clone.Funcs(template.FuncMap{usedFunc: recordUsedRef})
			ref = &Template{name: c.t.name, tmpl: clone, fields: c.t.fields}
			refs[c.t] = ref
		}
		for _, mark := range []func(string) string{nil, Marker(c.lang)} {
			c.d.Signature += "\r\n\x01" // control characters to clean
			want, err := ref.RenderMarked(c.d, mark)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.t.RenderMarked(c.d, mark)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("case %d (%s): RenderMarked differs from the reference (-ref +new):\n%s", i, c.t.name, diff)
			}
		}
	}
}

// recordUsedRef is recordUsed as it was before it did without reflection,
// the reference for TestRenderRefRealistic. recordUsed is appended to
// printing actions as {{… | _used $ "Field" …}}: it records the named
// fields that are empty and passes the pipeline's value through.
func recordUsedRef(d *renderData, args ...any) any {
	if len(args) == 0 {
		return ""
	}
	v := reflect.ValueOf(d.Data)
	names := args[:len(args)-1]
	for _, a := range names {
		name, _ := a.(string)
		f := v.FieldByName(name)
		if f.IsValid() && f.Kind() == reflect.String && f.String() == "" && !slices.Contains(d.missing, name) {
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
