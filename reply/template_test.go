package reply

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// deTemplate is a typical knowledge-base answer.
const deTemplate = `{{.Salutation}}

vielen Dank für Ihre Nachricht{{with .TicketNumber}} (Vorgang {{.}}){{end}}.
{{if .OrderNumber}}Ihre Bestellung {{.OrderNumber}} wurde am {{.Date}} verschickt.{{else}}Bitte nennen Sie uns Ihre Bestellnummer.{{end}}

{{.Signature}}`

func TestParseTemplateFields(t *testing.T) {
	tests := []struct {
		body string
		want []string
	}{
		{deTemplate, []string{"Salutation", "TicketNumber", "OrderNumber", "Date", "Signature"}},
		{"Hallo {{.FirstName}}, {{.FirstName}}!", []string{"FirstName"}},
		{`{{with .Date}}am {{.}} für {{$.Name}}{{end}}`, []string{"Date", "Name"}},
		{`{{if and .OrderNumber (ne .Lang "en")}}{{print .LastName " " .CustomerNumber}}{{end}}`,
			[]string{"OrderNumber", "Lang", "LastName", "CustomerNumber"}},
		{`{{$n := .ContractNumber}}Vertrag {{$n}} {{/* Kommentar */}}`, []string{"ContractNumber"}},
		{"Nur Text, keine Felder.", nil},
		{"", nil},
	}
	for _, tt := range tests {
		tmpl, err := ParseTemplate("t", tt.body)
		if err != nil {
			t.Errorf("ParseTemplate(%q): %v", tt.body, err)
			continue
		}
		if diff := cmp.Diff(tt.want, tmpl.Fields()); diff != "" {
			t.Errorf("ParseTemplate(%q).Fields() mismatch (-want +got):\n%s", tt.body, diff)
		}
	}
}

func TestParseTemplateErrors(t *testing.T) {
	tests := []struct {
		body string
		want string // in the error message
	}{
		{"Hallo {{.Foo}}", "unknown field .Foo"},
		{"Hallo {{.Name}},\n{{if .Bestellnummer}}x{{end}}", "t:2:5: unknown field .Bestellnummer"},
		{"{{$.Kunde}}", "unknown field .Kunde"},
		{"{{.Name.First}}", "fields of fields"},
		{"{{.}}", "whole data"},
		{"{{$}}", "whole data"},
		{"{{with .Name}}{{.OrderNumber}}{{end}}", "write $.OrderNumber"},
		{`{{range .Name}}x{{end}}`, "range is not allowed"},
		{`{{template "other"}}`, "{{template}} is not allowed"},
		{`{{define "x"}}böse{{end}}Hallo`, `defines template "x"`},
		{`{{block "x" .}}b{{end}}`, `defines template "x"`},
		{`{{printf "%099999999d" 1}}`, `function "printf" is not allowed`},
		{`{{call .Name}}`, `function "call" is not allowed`},
		{`{{index .Name 0}}`, `function "index" is not allowed`},
		{`{{html .Name}}`, `function "html" is not allowed`},
		{`{{_used $ "Name"}}`, `function "_used" is not allowed`},
		{`{{upper .Name}}`, `function "upper" not defined`},
		{"{{.Name", "unclosed action"},
		{"{{end}}", "unexpected {{end}}"},
	}
	for _, tt := range tests {
		_, err := ParseTemplate("t", tt.body)
		if !errors.Is(err, ErrTemplate) {
			t.Errorf("ParseTemplate(%q) error = %v, want ErrTemplate", tt.body, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseTemplate(%q) error = %q, want it to contain %q", tt.body, err, tt.want)
		}
	}
}

func TestRender(t *testing.T) {
	sig := "Mit freundlichen Grüßen\nIhr Kundenservice"
	tests := []struct {
		name string
		body string
		data Data
		want Rendered
	}{
		{
			name: "all values present",
			body: deTemplate,
			data: Data{Salutation: "Sehr geehrte Frau Schulz,", OrderNumber: "4711-2231", Date: "3. März 2026",
				TicketNumber: "88123", Signature: sig},
			want: Rendered{Text: "Sehr geehrte Frau Schulz,\n\nvielen Dank für Ihre Nachricht (Vorgang 88123).\n" +
				"Ihre Bestellung 4711-2231 wurde am 3. März 2026 verschickt.\n\n" + sig},
		},
		{
			name: "tested-only fields are not missing",
			body: deTemplate,
			data: Data{Salutation: "Guten Tag,", Signature: sig},
			want: Rendered{Text: "Guten Tag,\n\nvielen Dank für Ihre Nachricht.\nBitte nennen Sie uns Ihre Bestellnummer.\n\n" + sig},
		},
		{
			name: "printed empty field is missing",
			body: deTemplate,
			data: Data{Salutation: "Guten Tag,", OrderNumber: "4711", Signature: sig},
			want: Rendered{Text: "Guten Tag,\n\nvielen Dank für Ihre Nachricht.\nIhre Bestellung 4711 wurde am  verschickt.\n\n" + sig,
				Missing: []string{"Date"}},
		},
		{
			name: "missing in order of printing, once each",
			body: "{{.Salutation}} Bestellung {{.OrderNumber}}, Kunde {{.CustomerNumber}}, nochmal {{.OrderNumber}}.",
			data: Data{},
			want: Rendered{Text: " Bestellung , Kunde , nochmal .", Missing: []string{"Salutation", "OrderNumber", "CustomerNumber"}},
		},
		{
			name: "print with two fields",
			body: `{{print .FirstName " " .LastName}}`,
			data: Data{LastName: "Schulz"},
			want: Rendered{Text: " Schulz", Missing: []string{"FirstName"}},
		},
		{
			name: "dollar field inside with",
			body: `{{with .Date}}Termin {{.}} für {{$.Name}}{{else}}kein Termin{{end}}`,
			data: Data{Date: "4. Mai"},
			want: Rendered{Text: "Termin 4. Mai für ", Missing: []string{"Name"}},
		},
		{
			name: "English template",
			body: "{{.Salutation}}\n\nYour order {{.OrderNumber}} is on its way.\n\n{{.Signature}}",
			data: Data{Salutation: "Dear Ms Smith,", OrderNumber: "A-77412", Signature: "Kind regards\nCustomer Service"},
			want: Rendered{Text: "Dear Ms Smith,\n\nYour order A-77412 is on its way.\n\nKind regards\nCustomer Service"},
		},
		{
			name: "template code in a name is text",
			body: "Hallo {{.Name}}, Ihre Bestellung {{.OrderNumber}}.",
			data: Data{Name: "{{.OrderNumber}}", OrderNumber: "4711"},
			want: Rendered{Text: "Hallo {{.OrderNumber}}, Ihre Bestellung 4711."},
		},
		{
			name: "template action in values is text",
			body: "{{.Name}} / {{.OrderNumber}} / {{.TicketNumber}}",
			data: Data{Name: "{{ template }}", OrderNumber: `{{define "x"}}{{end}}`, TicketNumber: `{{printf "%s" .}}`},
			want: Rendered{Text: `{{ template }} / {{define "x"}}{{end}} / {{printf "%s" .}}`},
		},
		{
			name: "line breaks in values are flattened, not in the signature",
			body: "{{.Salutation}}\n{{.Name}}\n{{.Signature}}",
			data: Data{Salutation: "Hallo Max,\r\n\r\nIhre Erstattung ist genehmigt.", Name: "Max\tMuster", Signature: "Gruß\r\nTeam\x00"},
			want: Rendered{Text: "Hallo Max,    Ihre Erstattung ist genehmigt.\nMax Muster\nGruß\nTeam "},
		},
		{
			name: "comparison",
			body: `{{if eq .Lang "en"}}Hello{{else}}Hallo{{end}} {{len .OrderNumber}}`,
			data: Data{Lang: "en", OrderNumber: "12345"},
			want: Rendered{Text: "Hello 5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := ParseTemplate(tt.name, tt.body)
			if err != nil {
				t.Fatalf("ParseTemplate: %v", err)
			}
			got, err := tmpl.Render(tt.data)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Render(%+v) mismatch (-want +got):\n%s", tt.data, diff)
			}
		})
	}
}

// TestRenderConcurrent renders one template from many goroutines; run
// with -race.
func TestRenderConcurrent(t *testing.T) {
	tmpl, err := ParseTemplate("de", deTemplate)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			d := Data{Salutation: "Guten Tag,"}
			wantMissing := []string{"Signature"}
			if i%2 == 0 {
				d.OrderNumber = "4711"
				wantMissing = []string{"Date", "Signature"}
			}
			for range 50 {
				r, err := tmpl.Render(d)
				if err != nil {
					t.Error(err)
					return
				}
				if diff := cmp.Diff(wantMissing, r.Missing); diff != "" {
					t.Errorf("Missing mismatch (-want +got):\n%s", diff)
					return
				}
			}
		})
	}
	wg.Wait()
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{
		deTemplate, "{{.Name}}", "{{with .Date}}{{.}}{{end}}", "{{if .X}}", "{{.Name", "{{{{.Name}}}}",
		`{{print .Name "}}"}}`, "{{- .Name -}}", "{{/* c */}}", `{{$x := .Name}}{{$x}}`, "\xff{{.Name}}",
	} {
		f.Add(s, "{{.OrderNumber}}")
		f.Add(s, "Petra\nSchulz {{template}}")
	}
	plain, err := ParseTemplate("plain", "<{{.Name}}>")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, value string) {
		d := Data{Name: value, OrderNumber: value, Signature: value, Salutation: value}
		r, err := plain.Render(d)
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		if want := "<" + oneLine(value) + ">"; r.Text != want {
			t.Errorf("Render(Name=%q) = %q, want %q", value, r.Text, want)
		}
		tmpl, err := ParseTemplate("fuzz", body)
		if err != nil {
			if !errors.Is(err, ErrTemplate) {
				t.Errorf("ParseTemplate(%q) error %v does not wrap ErrTemplate", body, err)
			}
			return
		}
		r, err = tmpl.Render(d)
		if err != nil && !errors.Is(err, ErrTemplate) {
			t.Errorf("Render error %v does not wrap ErrTemplate", err)
		}
		for _, m := range r.Missing {
			if !isDataField(m) {
				t.Errorf("Missing lists %q, not a Data field", m)
			}
		}
	})
}

func TestRenderMarked(t *testing.T) {
	tmpl, err := ParseTemplate("t", "{{.Salutation}} Ihr Vorgang {{.TicketNumber}}, Bestellung {{if .OrderNumber}}{{.OrderNumber}}{{else}}unbekannt{{end}}, {{print .Name \"!\"}}")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		want string
	}{
		{"de", "Guten Tag, Ihr Vorgang [Vorgangsnummer], Bestellung unbekannt, !"},
		{"en", "Guten Tag, Ihr Vorgang [reference number], Bestellung unbekannt, !"},
	}
	for _, tt := range tests {
		got, err := tmpl.RenderMarked(Data{Salutation: "Guten Tag,"}, Marker(tt.lang))
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != tt.want {
			t.Errorf("RenderMarked(%s) = %q, want %q", tt.lang, got.Text, tt.want)
		}
		if diff := cmp.Diff([]string{"TicketNumber", "Name"}, got.Missing); diff != "" {
			t.Errorf("Missing (-want +got):\n%s", diff)
		}
	}
	// Values that look like markers or template code stay literal.
	got, _ := tmpl.RenderMarked(Data{TicketNumber: "{{.Name}}", Name: "[Name]"}, Marker("de"))
	if want := "[Anrede] Ihr Vorgang {{.Name}}, Bestellung unbekannt, [Name]!"; got.Text != want {
		t.Errorf("RenderMarked with code-like values = %q, want %q", got.Text, want)
	}
}
