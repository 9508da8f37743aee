package ingest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadLabeledJSONLBrokenLines(t *testing.T) {
	const path = "testdata/train.jsonl"
	got, gotProblems, err := ReadLabeled(context.Background(), path, Options{})
	if err != nil {
		t.Fatalf("ReadLabeled(%q) error = %v", path, err)
	}
	want := []Labeled{
		{Text: "Wo bleibt meine Bestellung?", Label: "shipping", Split: "train", Lang: "de", Source: path + ":1"},
		{Text: "I want my money back", Label: "refund", Split: "test", Lang: "en", Source: path + ":2"},
		{Text: "Rechnung doppelt bezahlt", Label: "billing", Source: path + ":4"},
		{Text: "Passwort vergessen", Label: "7", Source: path + ":12"},
		{Text: "Lieferadresse ändern", Label: "shipping", Split: "dev", Source: path + ":14"},
		{Text: "last one", Label: "other", Source: path + ":16"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadLabeled(%q) examples mismatch (-want +got):\n%s", path, diff)
	}
	wantProblems := []prob{
		{path, 5, "ErrMissingField"},
		{path, 6, "ErrMalformed"},
		{path, 7, "ErrMalformed"},
		{path, 8, "ErrNoText"},
		{path, 9, "ErrMalformed"},
		{path, 10, "ErrMalformed"},
		{path, 13, "ErrMalformed"},
		{path, 15, "ErrInvalidUTF8"},
	}
	if diff := cmp.Diff(wantProblems, probs(gotProblems)); diff != "" {
		t.Errorf("ReadLabeled(%q) problems mismatch (-want +got):\n%s", path, diff)
	}
	if got, want := gotProblems[0].Error(), `testdata/train.jsonl:5: label field "label" missing`; got != want {
		t.Errorf("Problem.Error() = %q, want %q", got, want)
	}
}

func TestReadLabeledFixtures(t *testing.T) {
	tests := []struct {
		path         string
		opts         Options
		want         []Labeled
		wantProblems []prob
	}{
		{
			path: "testdata/crlf_bom.jsonl",
			want: []Labeled{
				{Text: "erste Zeile", Label: "a", Source: "testdata/crlf_bom.jsonl:1"},
				{Text: "zweite Zeile", Label: "b", Source: "testdata/crlf_bom.jsonl:3"},
			},
		},
		{
			path: "testdata/train.csv", // BOM, CRLF, quotes, multi-line field
			want: []Labeled{
				{Text: "Hello, where is my parcel?", Label: "shipping", Split: "train", Source: "testdata/train.csv:2"},
				{Text: "Zeile eins\nZeile zwei", Label: "refund", Split: "test", Source: "testdata/train.csv:3"},
				{Text: `Rechnung "falsch"`, Label: "billing", Split: "train", Source: "testdata/train.csv:6"},
				{Text: "Danke", Label: "other", Source: "testdata/train.csv:9"},
			},
			wantProblems: []prob{
				{"testdata/train.csv", 5, "ErrMalformed"}, // short record
				{"testdata/train.csv", 7, "ErrMalformed"}, // too many fields
				{"testdata/train.csv", 8, "ErrNoText"},
			},
		},
		{
			path: "testdata/train.tsv",
			want: []Labeled{
				{Text: "Wo ist mein Paket?", Label: "shipping", Lang: "de", Source: "testdata/train.tsv:2"},
				{Text: `He said "hi"`, Label: "other", Lang: "en", Source: "testdata/train.tsv:3"},
			},
			wantProblems: []prob{{"testdata/train.tsv", 4, "ErrMalformed"}},
		},
		{
			path: "testdata/missing_label.csv",
			opts: Options{LabelField: "intent"},
			want: []Labeled{{Text: "hello", Label: "greeting", Lang: "en", Source: "testdata/missing_label.csv:2"}},
		},
		{
			path: "testdata/train.txt",
			opts: Options{Format: "text"},
			want: []Labeled{
				{Text: "I want my money back", Label: "refund", Source: "testdata/train.txt:1"},
				{Text: "Where is my parcel?", Label: "shipping", Source: "testdata/train.txt:3"},
			},
			wantProblems: []prob{
				{"testdata/train.txt", 4, "ErrMissingField"},
				{"testdata/train.txt", 5, "ErrMalformed"},
				{"testdata/train.txt", 6, "ErrNoText"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			got, gotProblems, err := ReadLabeled(context.Background(), tt.path, tt.opts)
			if err != nil {
				t.Fatalf("ReadLabeled(%q) error = %v", tt.path, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadLabeled(%q) examples mismatch (-want +got):\n%s", tt.path, diff)
			}
			if diff := cmp.Diff(tt.wantProblems, probs(gotProblems)); diff != "" {
				t.Errorf("ReadLabeled(%q) problems mismatch (-want +got):\n%s", tt.path, diff)
			}
		})
	}
}

// TestReadLabeledInline covers single rules with small files written to a
// temporary directory. Sources are left out of the comparison.
func TestReadLabeledInline(t *testing.T) {
	type item struct{ Text, Label, Split, Lang string }
	tests := []struct {
		name      string
		file      string
		content   string
		opts      Options
		want      []item
		wantLines []int    // lines of the problems
		wantKinds []string // sentinels of the problems
	}{
		{
			name:      "numeric labels",
			file:      "n.jsonl",
			content:   `{"text":"a","label":3}` + "\n" + `{"text":"b","label":2.50}` + "\n" + `{"text":"c","label":1e2}` + "\n" + `{"text":"d","label":12345678901234567890}` + "\n" + `{"text":"e","label":1e999}`,
			want:      []item{{"a", "3", "", ""}, {"b", "2.5", "", ""}, {"c", "100", "", ""}, {"d", "12345678901234567890", "", ""}},
			wantLines: []int{5}, wantKinds: []string{"ErrMalformed"},
		},
		{
			name:    "intent fallback only with the default label field",
			file:    "f.jsonl",
			content: `{"text":"a","intent":"x"}` + "\n" + `{"text":"b","label":"y","intent":"x"}` + "\n" + `{"text":"c","label":null,"intent":"z"}`,
			want:    []item{{"a", "x", "", ""}, {"b", "y", "", ""}, {"c", "z", "", ""}},
		},
		{
			name:      "custom fields, no fallback",
			file:      "c.ndjson",
			content:   `{"body":"a","category":"x","set":"test"}` + "\n" + `{"body":"b","intent":"x"}`,
			opts:      Options{TextField: "body", LabelField: "category", SplitField: "set"},
			want:      []item{{"a", "x", "test", ""}},
			wantLines: []int{2}, wantKinds: []string{"ErrMissingField"},
		},
		{
			name: "bad fields",
			file: "b.json",
			content: strings.Join([]string{
				`{"text":"a","label":"  "}`,           // 1 empty label
				`{"text":"   ","label":"x"}`,          // 2 blank text
				`{"label":"x"}`,                       // 3 no text
				`{"text":"a","label":"x","lang":1}`,   // 4 lang not a string
				`{"text":"a","label":"x","split":[]}`, // 5 split not a string
				`{"text":"a","label":"x"} {"x":1}`,    // 6 trailing data
				`{"text":"a","label":{"x":1}}`,        // 7 label object
				`{"text":"ok","label":" x ","lang":" de "}`,
			}, "\n"),
			want:      []item{{"ok", "x", "", "de"}},
			wantLines: []int{1, 2, 3, 4, 5, 6, 7},
			wantKinds: []string{"ErrMissingField", "ErrNoText", "ErrMissingField", "ErrMalformed", "ErrMalformed", "ErrMalformed", "ErrMalformed"},
		},
		{
			name:      "JSONL invalid UTF-8 is reported, not repaired",
			file:      "u.jsonl",
			content:   "{\"text\":\"caf\xe9\",\"label\":\"x\"}\n{\"text\":\"café\",\"label\":\"x\"}\n",
			want:      []item{{"café", "x", "", ""}},
			wantLines: []int{1}, wantKinds: []string{"ErrInvalidUTF8"},
		},
		{
			name:    "empty JSONL",
			file:    "e.jsonl",
			content: "\n\n",
		},
		{
			name:    "CSV header case and spaces, no final newline",
			file:    "h.CSV",
			content: " Text ,LABEL\nhallo,greeting",
			want:    []item{{"hallo", "greeting", "", ""}},
		},
		{
			name:      "CSV invalid UTF-8 field",
			file:      "u.csv",
			content:   "text,label\n\"caf\xe9\",x\nok,y\n",
			want:      []item{{"ok", "y", "", ""}},
			wantLines: []int{2}, wantKinds: []string{"ErrInvalidUTF8"},
		},
		{
			name:    "explicit format wins over extension",
			file:    "data.txt",
			content: `{"text":"a","label":"x"}`,
			opts:    Options{Format: "JSONL"},
			want:    []item{{"a", "x", "", ""}},
		},
		{
			name:      "over-long JSONL line with a small limit",
			file:      "l.jsonl",
			content:   `{"text":"short","label":"x"}` + "\n" + `{"text":"` + strings.Repeat("a", 100) + `","label":"x"}` + "\n" + `{"text":"again","label":"x"}`,
			opts:      Options{MaxBytes: 50},
			want:      []item{{"short", "x", "", ""}, {"again", "x", "", ""}},
			wantLines: []int{2}, wantKinds: []string{"ErrTooLarge"},
		},
		{
			name:      "over-long CSV line with a small limit",
			file:      "l.csv",
			content:   "text,label\nshort,x\n\"" + strings.Repeat("a", 100) + "\",x\nagain,x\n",
			opts:      Options{MaxBytes: 50},
			want:      []item{{"short", "x", "", ""}, {"again", "x", "", ""}},
			wantLines: []int{3}, wantKinds: []string{"ErrTooLarge"},
		},
		{
			name:      "CSV multi-line record over the limit",
			file:      "m.csv",
			content:   "text,label\n\"" + strings.Repeat("aaaaaaaaa\n", 10) + "\",x\nagain,x\n",
			opts:      Options{MaxBytes: 50},
			want:      []item{{"again", "x", "", ""}},
			wantLines: []int{2}, wantKinds: []string{"ErrTooLarge"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			got, problems, err := ReadLabeled(context.Background(), path, tt.opts)
			if err != nil {
				t.Fatalf("ReadLabeled() error = %v", err)
			}
			var items []item
			for _, l := range got {
				items = append(items, item{l.Text, l.Label, l.Split, l.Lang})
			}
			if diff := cmp.Diff(tt.want, items); diff != "" {
				t.Errorf("ReadLabeled() examples mismatch (-want +got):\n%s", diff)
			}
			var lines []int
			var kinds []string
			for _, p := range problems {
				lines = append(lines, p.Line)
				kinds = append(kinds, kindOf(p))
			}
			if diff := cmp.Diff(tt.wantLines, lines); diff != "" {
				t.Errorf("ReadLabeled() problem lines mismatch (-want +got):\n%s\nproblems: %v", diff, problems)
			}
			if diff := cmp.Diff(tt.wantKinds, kinds); diff != "" {
				t.Errorf("ReadLabeled() problem kinds mismatch (-want +got):\n%s\nproblems: %v", diff, problems)
			}
		})
	}
}

func TestReadLabeledCSVMissingColumn(t *testing.T) {
	const path = "testdata/missing_label.csv"
	got, problems, err := ReadLabeled(context.Background(), path, Options{})
	if !errors.Is(err, ErrMissingField) {
		t.Fatalf("ReadLabeled(%q) error = %v, want ErrMissingField", path, err)
	}
	if got != nil || problems != nil {
		t.Errorf("ReadLabeled(%q) = %v, %v, want nil results with the error", path, got, problems)
	}
	for _, s := range []string{path, `"label"`, `"text", "intent", "lang"`} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
}

func TestReadLabeledErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts Options
		is   error // nil: only check that there is an error
	}{
		{"missing file", filepath.Join(dir, "nope.jsonl"), Options{}, fs.ErrNotExist},
		{"unknown extension", writeFile(t, "x.xml", "<x/>"), Options{}, ErrUnknownFormat},
		{"unknown format", writeFile(t, "x.jsonl", ""), Options{Format: "yaml"}, ErrUnknownFormat},
		{"JSON array", writeFile(t, "a.json", "[{\"text\":\"a\",\"label\":\"b\"},\n {\"text\":\"c\",\"label\":\"d\"}]\n"), Options{}, ErrUnknownFormat},
		{"empty CSV", writeFile(t, "e.csv", ""), Options{}, ErrMissingField},
		{"CSV without text column", writeFile(t, "t.csv", "body,label\nx,y\n"), Options{}, ErrMissingField},
		{"directory as JSONL", dir, Options{Format: "jsonl"}, nil},
		{"file as directory", writeFile(t, "f.txt", "x"), Options{Format: "dir"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadLabeled(context.Background(), tt.path, tt.opts)
			if err == nil {
				t.Fatalf("ReadLabeled(%q) error = nil, want one", tt.path)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("ReadLabeled(%q) error = %v, want errors.Is %v", tt.path, err, tt.is)
			}
			if !strings.HasPrefix(err.Error(), "ingest: ") {
				t.Errorf("error %q lacks the \"ingest: \" prefix", err)
			}
		})
	}
}

// ignoreMessage leaves the parsed mail of mail examples out of
// comparisons of their text and label.
var ignoreMessage = cmpopts.IgnoreFields(Labeled{}, "Message")

func TestReadLabeledDir(t *testing.T) {
	const root = "testdata/corpus"
	got, gotProblems, err := ReadLabeled(context.Background(), root, Options{})
	if err != nil {
		t.Fatalf("ReadLabeled(%q) error = %v", root, err)
	}
	want := []Labeled{
		{Text: "Why was I charged twice?", Label: "billing/sub", Source: "testdata/corpus/billing/sub/nested.txt"},
		{Text: "Refund please\n\nHi, I’d like a refund – order #98765.", Label: "refund", Source: "testdata/corpus/refund/html-only.eml"},
		{Text: "Ich möchte mein Geld zurück – bitte schnell.", Label: "refund", Source: "testdata/corpus/refund/note.txt"},
		{
			Text:   "Rücksendung\n\nGuten Tag,\n\nich möchte die Schuhe zurückschicken. Sie sind zu groß und die Farbe gefällt mir nicht.",
			Label:  "refund",
			Source: "testdata/corpus/refund/ruecksendung.eml",
		},
		{Text: "Where is my parcel? Tracking says nothing since Monday.", Label: "shipping", Source: "testdata/corpus/shipping/WHERE.TXT"},
		{Text: "Parcel not arrived\n\nMy parcel has not arrived yet.\nOrder 12345.", Label: "shipping", Source: "testdata/corpus/shipping/alternative.eml"},
	}
	for i := range want {
		want[i].Source = filepath.FromSlash(want[i].Source)
	}
	if diff := cmp.Diff(want, got, ignoreMessage); diff != "" {
		t.Errorf("ReadLabeled(%q) examples mismatch (-want +got):\n%s", root, diff)
	}
	// Mail examples keep their parsed mail; text files have none.
	for _, l := range got {
		isMail := strings.HasSuffix(strings.ToLower(l.Source), ".eml")
		switch {
		case isMail != (l.Message != nil):
			t.Errorf("%s: Message %v", l.Source, l.Message != nil)
		case isMail:
			if text, _ := labeledText(l.Message); text != l.Text {
				t.Errorf("%s: the example's text %q is not its mail's %q", l.Source, l.Text, text)
			}
		}
	}
	wantProblems := []prob{
		{"testdata/corpus/broken/empty.eml", 0, "ErrNoText"},
		{"testdata/corpus/broken/empty.txt", 0, "ErrNoText"},
		{"testdata/corpus/broken/garbage.eml", 0, "ErrBinary"},
		{"testdata/corpus/broken/noheader.eml", 0, "ErrNotMail"},
		{"testdata/corpus/stray.txt", 0, "ErrNoLabel"},
	}
	for i := range wantProblems {
		wantProblems[i].Source = filepath.FromSlash(wantProblems[i].Source)
	}
	if diff := cmp.Diff(wantProblems, probs(gotProblems)); diff != "" {
		t.Errorf("ReadLabeled(%q) problems mismatch (-want +got):\n%s", root, diff)
	}
	for _, p := range gotProblems {
		if !strings.HasPrefix(p.Error(), p.Source+": ") {
			t.Errorf("Problem.Error() = %q, want it to start with the path", p.Error())
		}
	}
}

func TestReadLabeledDirLimitsAndLinks(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"a/small.txt":      "short text",
		"a/big.txt":        strings.Repeat("x", 200),
		"a/sub/.hid/x.txt": "hidden",
		"a/README.md":      "not an example",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "a", "small.txt"), filepath.Join(root, "a", "link.txt")); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	got, problems, err := ReadLabeled(context.Background(), root, Options{MaxBytes: 100})
	if err != nil {
		t.Fatalf("ReadLabeled() error = %v", err)
	}
	want := []Labeled{
		{Text: "short text", Label: "a", Source: filepath.Join(root, "a", "link.txt")},
		{Text: "short text", Label: "a", Source: filepath.Join(root, "a", "small.txt")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadLabeled() mismatch (-want +got):\n%s", diff)
	}
	wantProblems := []prob{{filepath.Join(root, "a", "big.txt"), 0, "ErrTooLarge"}}
	if diff := cmp.Diff(wantProblems, probs(problems)); diff != "" {
		t.Errorf("ReadLabeled() problems mismatch (-want +got):\n%s", diff)
	}
}

// TestSymlinkOutOfTreeNotFollowed: training data read from a folder
// never includes what a symbolic link brings in from outside it (such as
// /etc/passwd); each such link is reported. Links inside are read.
func TestSymlinkOutOfTreeNotFollowed(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "data")
	secret := filepath.Join(base, "secret.txt")
	os.WriteFile(secret, []byte("root:x:0:0:root:/root:/bin/bash"), 0o644)
	os.MkdirAll(filepath.Join(base, "outside-label"), 0o755)
	os.WriteFile(filepath.Join(base, "outside-label", "x.txt"), []byte("Geheimer Text"), 0o644)
	os.MkdirAll(filepath.Join(root, "billing"), 0o755)
	os.WriteFile(filepath.Join(root, "billing", "a.txt"), []byte("Meine Rechnung ist falsch"), 0o644)
	maildir := filepath.Join(root, "tree", "refund")
	for _, sub := range []string{"new", "cur", "tmp"} {
		os.MkdirAll(filepath.Join(maildir, sub), 0o755)
	}
	os.WriteFile(filepath.Join(maildir, "cur", "1.host"), readMail(t, "gmail_de.eml"), 0o644)
	os.WriteFile(filepath.Join(base, "mail.eml"), readMail(t, "apple_en.eml"), 0o644)
	links := map[string]string{
		"billing/passwd.txt": "/etc/passwd",
		"billing/secret.txt": secret,
		"billing/up.txt":     "../../secret.txt",
		"billing/in.txt":     filepath.Join(root, "billing", "a.txt"),
		"outside":            filepath.Join(base, "outside-label"),
		"tree/refund/new/2":  filepath.Join(base, "mail.eml"),
		"tree/elsewhere":     base,
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Skipf("no symlinks: %v", err)
		}
	}
	j := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	got, problems, err := ReadLabeled(context.Background(), root, Options{Format: "dir"})
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, l := range got {
		if strings.Contains(l.Text, "root:") || strings.Contains(l.Text, "Geheim") {
			t.Errorf("%s: text from outside the folder read: %q", l.Source, l.Text)
		}
		sources = append(sources, l.Source)
	}
	if diff := cmp.Diff([]string{j("billing/a.txt"), j("billing/in.txt")}, sources); diff != "" {
		t.Errorf("examples (-want +got):\n%s", diff)
	}
	want := []prob{{j("billing/passwd.txt"), 0, "ErrLinkOutside"}, {j("billing/secret.txt"), 0, "ErrLinkOutside"},
		{j("billing/up.txt"), 0, "ErrLinkOutside"}, {j("outside"), 0, "ErrLinkOutside"}, {j("tree/elsewhere"), 0, "ErrLinkOutside"}}
	if diff := cmp.Diff(want, probs(problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// A tree of Maildirs: the link in new/ to a mail outside is reported.
	got, problems, err = ReadLabeled(context.Background(), filepath.Join(root, "tree"), Options{Format: "maildir"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Source != j("tree/refund/cur/1.host") {
		t.Errorf("Maildir tree examples: %+v, want only cur/1.host", got)
	}
	if diff := cmp.Diff([]prob{{j("tree/elsewhere"), 0, "ErrLinkOutside"}, {j("tree/refund/new/2"), 0, "ErrLinkOutside"}}, probs(problems)); diff != "" {
		t.Errorf("Maildir tree problems (-want +got):\n%s", diff)
	}
}

func TestReadLabeledLongLines(t *testing.T) {
	okText := strings.Repeat("Bestellung ", 90_910)[:1_000_000] // 1 MB, within the 1 MiB default
	long := strings.Repeat("x", 2<<20)                          // 2 MiB, over it
	jsonl := `{"text":"first","label":"a"}` + "\n" +
		`{"text":"` + long + `","label":"a"}` + "\n" +
		`{"text":"` + okText + `","label":"b"}` + "\n" +
		`{"text":"last","label":"c"}` + "\n"
	csv := "text,label\nfirst,a\n" + long + ",a\n" + okText + ",b\nlast,c\n"
	for _, tt := range []struct{ file, content string }{{"long.jsonl", jsonl}, {"long.csv", csv}} {
		t.Run(tt.file, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			got, problems, err := ReadLabeled(context.Background(), path, Options{})
			if err != nil {
				t.Fatalf("ReadLabeled() error = %v", err)
			}
			var labels []string
			for _, l := range got {
				labels = append(labels, l.Label)
			}
			if diff := cmp.Diff([]string{"a", "b", "c"}, labels); diff != "" {
				t.Errorf("labels mismatch (-want +got):\n%s", diff)
			}
			if len(got) == 3 && got[1].Text != okText {
				t.Errorf("1 MB text came back with %d bytes, want %d", len(got[1].Text), len(okText))
			}
			line := 2
			if strings.HasSuffix(tt.file, ".csv") {
				line = 3
			}
			if diff := cmp.Diff([]prob{{path, line, "ErrTooLarge"}}, probs(problems)); diff != "" {
				t.Errorf("problems mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadLabeledCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, path := range []string{"testdata/train.jsonl", "testdata/train.csv", "testdata/corpus"} {
		if _, _, err := ReadLabeled(ctx, path, Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("ReadLabeled(canceled, %q) error = %v, want context.Canceled", path, err)
		}
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
		kind string
	}{
		{"utf-8", []byte("Grüße\r\n"), "Grüße", "<nil>"},
		{"utf-8 BOM", []byte("\xef\xbb\xbfGrüße"), "Grüße", "<nil>"},
		{"utf-8 BOM, invalid", []byte("\xef\xbb\xbfGr\xfc\xdfe"), "", "ErrInvalidUTF8"},
		{"utf-16le BOM", []byte{0xff, 0xfe, 'H', 0, 0xfc, 0, '!', 0}, "Hü!", "<nil>"},
		{"utf-16be BOM", []byte{0xfe, 0xff, 0, 'H', 0, 0xfc}, "Hü", "<nil>"},
		{"windows-1252", []byte("Gr\xfc\xdfe \x80 \x93zitiert\x94"), "Grüße € “zitiert”", "<nil>"},
		{"binary", []byte("PK\x03\x04\x00\x00\x01"), "", "ErrBinary"},
		{"control characters", []byte("\x01\x02\x03\x04abc"), "", "ErrBinary"},
		{"blank", []byte(" \n\t "), "", "ErrNoText"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeText(tt.in)
			if got != tt.want || kindOf(err) != tt.kind {
				t.Errorf("decodeText(%q) = %q, %v; want %q, %s", tt.in, got, err, tt.want, tt.kind)
			}
		})
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Source: "f.jsonl", Line: 12, Err: errorf(ErrMissingField, `label field "label" missing`)}, `f.jsonl:12: label field "label" missing`},
		{Problem{Source: "dir/x.eml", Line: 0, Err: errorf(ErrBinary, "binary data")}, "dir/x.eml: binary data"},
		{Problem{Source: "", Line: 0, Err: ErrNoText}, "ingest: no text"},
		{Problem{}, "unknown problem"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.p, got, tt.want)
		}
	}
	var err error = &Problem{Source: "f", Line: 1, Err: errorf(ErrTooLarge, "x")}
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("errors.Is(%v, ErrTooLarge) = false", err)
	}
	var p *Problem
	if !errors.As(err, &p) || p.Line != 1 {
		t.Errorf("errors.As(%v, *Problem) failed", err)
	}
}

// TestReadLabeledDirSniffsMail trains from label folders of raw mail files
// without .eml (an MH folder, a corpus): a file that starts like a mail is
// an example, other files are not.
func TestReadLabeledDirSniffsMail(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "billing"), 0o755); err != nil {
		t.Fatal(err)
	}
	mail := "From: Priya Raman <priya@example.com>\nSubject: Invoice\n\nCan I pay by PayPal?\n"
	for name, content := range map[string]string{"billing/1": mail, "billing/notes": "Hinweis: no mail\n"} {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(name)), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, problems, err := ReadLabeled(context.Background(), "dir:"+root, Options{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("ReadLabeled: %v, problems %v", err, problems)
	}
	want := []Labeled{{Text: "Invoice\n\nCan I pay by PayPal?", Label: "billing", Source: filepath.Join(root, "billing", "1")}}
	if diff := cmp.Diff(want, got, ignoreMessage); diff != "" {
		t.Errorf("examples mismatch (-want +got):\n%s", diff)
	}
}
