package reply

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestRenderFastMatchesTextTemplate renders the knowledge-base templates
// and templates with every construct renderFast compiles, for every
// combination of empty and set fields they use, with and without marks,
// through renderFast and through text/template, and compares the results.
func TestRenderFastMatchesTextTemplate(t *testing.T) {
	var tmpls []*Template
	for _, ts := range kbTemplates(t) {
		for _, tm := range ts {
			if tm.fast == nil {
				t.Errorf("knowledge-base template %s: not compiled for renderFast", tm.name)
			}
		}
		tmpls = append(tmpls, ts...)
	}
	for i, body := range []string{
		"",
		"plain text only",
		"{{.Salutation}}\n\nIhre Bestellung {{.OrderNumber}} vom {{.Date}}.\n\n{{.Signature}}",
		"{{if .OrderNumber}}Nr. {{.OrderNumber}}{{else}}ohne Nummer{{end}}, {{$.Name}}",
		"{{with .TicketNumber}}Vorgang {{.}} ({{$.Name}}){{else}}kein Vorgang{{end}}{{/* comment */}}!",
		"{{if .FirstName}}{{.FirstName}}{{else if .LastName}}{{.LastName}}{{else}}Kunde{{end}}",
		"{{with .Date}}{{if $.OrderNumber}}{{.}}/{{$.OrderNumber}}{{end}}{{end}}",
		"{{- .Name -}}   \n  {{- with .Lang}} [{{.}}] {{- end}}",
		"{{.Name}} {{.Name}} {{.CustomerNumber}} {{.ContractNumber}}",
	} {
		tm, err := ParseTemplate(fmt.Sprint("fast", i), body)
		if err != nil {
			t.Fatal(err)
		}
		if tm.fast == nil && body != "" {
			t.Errorf("%q: not compiled for renderFast", body)
		}
		tmpls = append(tmpls, tm)
	}
	// Templates renderFast does not do run through text/template.
	for _, body := range []string{`{{if eq .Lang "de"}}Hallo{{end}}`, `{{$n := .Name}}{{$n}}`, `{{print .Name "!"}}`, `{{.Name | print}}`} {
		tm, err := ParseTemplate("slow", body)
		if err != nil {
			t.Fatal(err)
		}
		if tm.fast != nil {
			t.Errorf("%q: compiled for renderFast, which does not evaluate it", body)
		}
		tmpls = append(tmpls, tm)
	}
	values := Data{Salutation: "Sehr geehrte Frau Schulz,", Name: "Anna {{.Name}} Schulz\x01", FirstName: "Anna", LastName: "Schulz",
		OrderNumber: "4711-2231", CustomerNumber: "K-100045", ContractNumber: "V 77", TicketNumber: "#123",
		Date: "3. März 2026", Signature: "Ihr Team\r\nKundenservice\x02", Lang: "de"}
	cases := 0
	for _, tm := range tmpls {
		slow := *tm
		slow.fast = nil
		fields := tm.Fields()
		for mask := 0; mask < 1<<min(len(fields), 7); mask++ {
			var d Data
			for j, f := range fields {
				if mask&(1<<j) != 0 {
					v, _ := values.field(f)
					d.set(f, v)
				}
			}
			for _, mark := range []func(string) string{nil, Marker("de"), Marker("en")} {
				want, err := slow.RenderMarked(d, mark)
				if err != nil {
					t.Fatal(err)
				}
				got, err := tm.RenderMarked(d, mark)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s with %+v: renderFast differs from text/template (-text/template +fast):\n%s", tm.name, d, diff)
				}
				cases++
			}
		}
	}
	if cases < 100 {
		t.Errorf("only %d cases compared", cases)
	}
}

// set sets the Data field called name (a test helper for field).
func (d *Data) set(name, v string) {
	for _, f := range []struct {
		name string
		p    *string
	}{{"Salutation", &d.Salutation}, {"Name", &d.Name}, {"FirstName", &d.FirstName}, {"LastName", &d.LastName},
		{"OrderNumber", &d.OrderNumber}, {"CustomerNumber", &d.CustomerNumber}, {"ContractNumber", &d.ContractNumber},
		{"TicketNumber", &d.TicketNumber}, {"Date", &d.Date}, {"Signature", &d.Signature}, {"Lang", &d.Lang}} {
		if f.name == name {
			*f.p = v
		}
	}
}
