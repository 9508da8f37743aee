package kb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// problemLines renders problems as "base:line kind" for comparison.
func problemLines(dir string, ps []Problem) []string {
	var out []string
	for _, p := range ps {
		src, _ := filepath.Rel(dir, p.Source)
		if src == "" || strings.HasPrefix(src, "..") {
			src = p.Source
		}
		kind := "other"
		for name, e := range map[string]error{"malformed": ErrMalformed, "missing": ErrMissingField, "lang": ErrUnknownLang,
			"large": ErrTooLarge, "duplicate": ErrDuplicate, "invalid": ErrInvalid, "outside": ErrLinkOutside} {
			if errors.Is(p.Err, e) {
				kind = name
			}
		}
		out = append(out, filepath.ToSlash(src)+":"+strconv.Itoa(p.Line)+" "+kind)
	}
	return out
}

func TestReadMarkdown(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"ok.md":            "---\nid: ok\ntitle: Rückgabe\nlang: de\nintents: refund_request\nquestions:\n  - Wie schicke ich etwas zurück?\ntags: [retoure]\n---\n\n{{.Salutation}}\n\nso geht die Rückgabe.\n",
		"sub/en.md":        "---\nid: en-1\nlang: EN\n---\nHello {{.Name}}\r\n",
		"nolang.md":        "---\nid: nolang\ntitle: x\n---\nbody\n",
		"badlang.md":       "---\nid: badlang\n\nlang: fr\n---\nbody\n",
		"nofront.md":       "Just a body\n",
		"unclosed.md":      "---\nid: u\nlang: de\nbody\n",
		"badyaml.md":       "---\nid: y\nlang: [de\n---\nbody\n",
		"unknownfield.md":  "---\nid: z\nlang: de\nauthor: me\n---\nbody\n",
		"empty.md":         "---\nid: empty\nlang: de\n---\n\n",
		"dup1.md":          "---\nid: dup\nlang: de\n---\nerste\n",
		"dup2.md":          "---\nid: dup\nlang: de\n---\nzweite\n",
		"notes.txt":        "not an article",
		".hidden/x.md":     "---\nid: hidden\nlang: de\n---\nx\n",
		"longshort.md":     "---\nid: ls\nlang: en\nshort: " + strings.Repeat("x", 281) + "\n---\nbody\n",
		"badutf8.md":       "---\nid: bad\nlang: de\n---\n\xff\xfe\n",
		"listasstring.md":  "---\nid: las\nlang: de\ntags: 42\n---\nbody\n",
		"fieldtwice.md":    "---\nid: t1\nid: t2\nlang: de\n---\nbody\n",
		"controlinid.md":   "---\nid: \"a\\u0001b\"\nlang: de\n---\nbody\n",
		"dotsclosing.md":   "---\nid: dots\nlang: en\n...\nbody with dots closing\n",
		"bom.md":           "\uFEFF---\nid: bom\nlang: de\n---\nmit BOM\n",
		"crlf.md":          "---\r\nid: crlf\r\nlang: de\r\n---\r\nZeile 1\r\nZeile 2\r\n",
		"front-is-list.md": "---\n- a\n- b\n---\nbody\n",
	})
	arts, probs, err := ReadArticles(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range arts {
		got = append(got, a.ID)
	}
	want := []string{"bom", "crlf", "dots", "dup", "las", "ok", "en-1"} // walk order: sub/en.md last
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("articles read (-want +got):\n%s", diff)
	}
	wantProbs := []string{
		"badlang.md:4 lang",
		"badutf8.md:5 malformed",
		"badyaml.md:2 malformed",
		"controlinid.md:2 invalid",
		"dup1.md:1 duplicate",
		"empty.md:6 missing",
		"fieldtwice.md:3 malformed",
		"front-is-list.md:2 malformed",
		"longshort.md:4 large",
		"nofront.md:1 malformed",
		"nolang.md:1 missing",
		"unclosed.md:1 malformed",
		"unknownfield.md:4 malformed",
	}
	if diff := cmp.Diff(wantProbs, problemLines(dir, probs)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
		for _, p := range probs {
			t.Log(p)
		}
	}
	byID := map[string]Article{}
	for _, a := range arts {
		byID[a.ID] = a
	}
	ok := byID["ok"]
	if ok.Lang != "de" || ok.Title != "Rückgabe" || !cmp.Equal(ok.Intents, []string{"refund_request"}) ||
		!cmp.Equal(ok.Tags, []string{"retoure"}) || ok.Body != "{{.Salutation}}\n\nso geht die Rückgabe." {
		t.Errorf("ok.md read as %+v", ok)
	}
	if byID["en-1"].Lang != "en" || byID["en-1"].Body != "Hello {{.Name}}" {
		t.Errorf("en.md read as %+v", byID["en-1"])
	}
	if byID["dup"].Body != "zweite" {
		t.Errorf("duplicate id: body %q, want the later file's", byID["dup"].Body)
	}
	if byID["crlf"].Body != "Zeile 1\nZeile 2" {
		t.Errorf("CRLF body %q", byID["crlf"].Body)
	}
	for _, p := range probs {
		if !strings.Contains(p.Error(), filepath.Base(p.Source)) {
			t.Errorf("problem %q does not name its file", p.Error())
		}
	}
}

func TestReadLargeArticle(t *testing.T) {
	body := strings.Repeat("Ein sehr langer Text. ", 5<<20/22) // about 5 MB
	dir := writeFiles(t, map[string]string{
		"big.md":    "---\nid: big\nlang: de\n---\n" + body,
		"small.md":  "---\nid: small\nlang: de\n---\nklein\n",
		"big.jsonl": `{"id":"bigj","lang":"de","body":"` + body + `"}` + "\n" + `{"id":"after","lang":"de","body":"ok"}` + "\n",
	})
	arts, probs, err := ReadArticles(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 1 || arts[0].ID != "small" {
		t.Errorf("read %v, want only small (big is over the limit)", arts)
	}
	if diff := cmp.Diff([]string{"big.md:5 large"}, problemLines(dir, probs)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	arts, probs, err = ReadArticles(context.Background(), filepath.Join(dir, "big.jsonl"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 1 || arts[0].ID != "after" || len(probs) != 1 || !errors.Is(probs[0], ErrTooLarge) || probs[0].Line != 1 {
		t.Errorf("jsonl with a 5 MB line: arts %v problems %v; want the next line read and line 1 reported too large", arts, probs)
	}
	// A raised limit accepts it.
	arts, probs, err = ReadArticles(context.Background(), filepath.Join(dir, "big.md"), ReadOptions{MaxBodyBytes: 8 << 20})
	if err != nil || len(probs) != 0 || len(arts) != 1 {
		t.Errorf("big.md with MaxBodyBytes 8 MiB: %d articles, %v, %v", len(arts), probs, err)
	}
}

func TestReadJSONLAndCSV(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.jsonl": `{"id":"j1","lang":"en","title":"Refunds","body":"We refund within 5 days.","intents":["refund_request"],"questions":["where is my money"]}
not json
{"id":"j2","lang":"de","body":"x","extra":1}
{"id":"j3","lang":"de","body":"x","intents":"not-a-list"}

{"id":"j4","lang":"de"}
{"id":"j1","lang":"en","body":"second j1"}
`,
		"b.csv": "id,lang,title,body,intents,questions,tags\n" +
			"c1,de,Kündigung,\"Sie können online kündigen.\nMit Zeilenumbruch.\",cancel_contract,Wie kündige ich?|Vertrag beenden,vertrag|abo\n" +
			"c2,xx,T,body,,,\n" +
			"c3,en,T,,,,\n",
		"nohead.csv": "id,title\nc1,x\n",
	})
	arts, probs, err := ReadArticles(context.Background(), filepath.Join(dir, "a.jsonl"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 1 || arts[0].ID != "j1" || arts[0].Body != "second j1" {
		t.Errorf("jsonl articles %+v, want j1 (the later one)", arts)
	}
	want := []string{"a.jsonl:2 malformed", "a.jsonl:3 malformed", "a.jsonl:4 malformed", "a.jsonl:6 missing", "a.jsonl:1 duplicate"}
	if diff := cmp.Diff(want, problemLines(dir, probs)); diff != "" {
		t.Errorf("jsonl problems (-want +got):\n%s", diff)
	}
	arts, probs, err = ReadArticles(context.Background(), filepath.Join(dir, "b.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantArt := Article{ID: "c1", Lang: "de", Title: "Kündigung", Body: "Sie können online kündigen.\nMit Zeilenumbruch.",
		Intents: []string{"cancel_contract"}, Questions: []string{"Wie kündige ich?", "Vertrag beenden"}, Tags: []string{"vertrag", "abo"}}
	if len(arts) != 1 {
		t.Fatalf("csv: %d articles, want 1", len(arts))
	}
	arts[0].Source = ""
	if diff := cmp.Diff(wantArt, arts[0]); diff != "" {
		t.Errorf("csv article (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b.csv:4 lang", "b.csv:5 missing"}, problemLines(dir, probs)); diff != "" {
		t.Errorf("csv problems (-want +got):\n%s", diff)
	}
	if _, _, err := ReadArticles(context.Background(), filepath.Join(dir, "nohead.csv"), ReadOptions{}); !errors.Is(err, ErrMissingField) {
		t.Errorf("csv without lang/body columns: %v, want ErrMissingField", err)
	}
	if _, _, err := ReadArticles(context.Background(), filepath.Join(dir, "missing.jsonl"), ReadOptions{}); err == nil {
		t.Error("missing file: no error")
	}
	if _, _, err := ReadArticles(context.Background(), filepath.Join(dir, "b.csv"), ReadOptions{Format: "xml"}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("format xml: %v, want ErrUnknownFormat", err)
	}
}

func TestReadValidate(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.md": "---\nid: a\nlang: de\n---\nHallo {{.Name}}\n",
		"b.md": "---\nid: b\nlang: de\n---\nHallo {{.Unbekannt}}\n",
	})
	reject := func(a Article) error {
		if strings.Contains(a.Body, "Unbekannt") {
			return errors.New("unknown placeholder {{.Unbekannt}}")
		}
		return nil
	}
	arts, probs, err := ReadArticles(context.Background(), dir, ReadOptions{Validate: reject})
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 1 || arts[0].ID != "a" {
		t.Errorf("articles %v, want a", arts)
	}
	if len(probs) != 1 || !errors.Is(probs[0], ErrInvalid) || !strings.Contains(probs[0].Error(), "Unbekannt") ||
		!strings.Contains(probs[0].Error(), "b.md") {
		t.Errorf("problems %v, want b.md rejected naming the placeholder", probs)
	}
}

// TestSymlinkOutOfTreeNotFollowed: a folder of articles is read with the
// rule training data follows: a symbolic link is followed inside the
// folder, and one leading out of it (to a file or a folder) is reported,
// never silently dropped and never followed.
func TestSymlinkOutOfTreeNotFollowed(t *testing.T) {
	const art = "---\nid: %s\nlang: de\n---\nText\n"
	outside := writeFiles(t, map[string]string{"secret.md": strings.ReplaceAll(art, "%s", "secret"), "more/x.md": strings.ReplaceAll(art, "%s", "x")})
	dir := writeFiles(t, map[string]string{"a.md": strings.ReplaceAll(art, "%s", "a"), "sub/b.md": strings.ReplaceAll(art, "%s", "b")})
	for name, target := range map[string]string{
		"in.md":     filepath.Join(dir, "sub", "b.md"),
		"out.md":    filepath.Join(outside, "secret.md"),
		"outdir":    filepath.Join(outside, "more"),
		"passwd.md": "/etc/passwd",
		"notes.txt": "/etc/passwd", // not an article: neither read nor reported
	} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("no symlinks: %v", err)
		}
	}
	arts, probs, err := ReadArticles(context.Background(), dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range arts {
		ids = append(ids, a.ID)
	}
	// in.md is b.md again: the later one wins, reported as a duplicate.
	if diff := cmp.Diff([]string{"a", "b"}, ids); diff != "" {
		t.Errorf("articles (-want +got):\n%s", diff)
	}
	want := []string{"out.md:0 outside", "outdir:0 outside", "passwd.md:0 outside", "in.md:1 duplicate"}
	if diff := cmp.Diff(want, problemLines(dir, probs)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
