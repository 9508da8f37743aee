package kb

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/ngram"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Names inside the index. Changing any of them changes the index format:
// bump indexVersion.
const (
	// indexVersion is stored in the index and checked on Open.
	indexVersion = "kb/1"

	charClean   = "kb_clean" // drops {{...}} template actions and numbers of 4+ digits
	filterNgram = "kb_ngram" // character n-grams of each token
	fieldType   = "type"     // bleve type field: the language
	fieldKind   = "kind"     // "<lang>_article" or "<lang>_short"
	fieldIntent = "intents"  // keyword, on article documents
	fieldSource = "src"      // stored JSON of the article, not indexed
	fieldLens   = "lens"     // stored sizes of a profile's parts, not indexed
	idSep       = "\x1f"     // separates article id and part in a short document id
	ngramMin    = 3          // shortest character n-gram
	ngramMax    = 4          // longest character n-gram
	cleanRegexp = `\{\{[^}]*\}\}|[0-9]{4,}`
)

// langs are the languages the index knows, in a fixed order.
func langs() []string { return []string{German, English} }

// Per-language field names, made once: a search names several per
// language.
type langFields struct{ prof, profNgram, body, kind string }

var (
	germanFields  = fieldsFor(German)
	englishFields = fieldsFor(English)
)

func fieldsFor(lang string) langFields {
	return langFields{profField(lang), profNgramField(lang), bodyField(lang), articleKind(lang)}
}

// fieldsOf returns the field names of lang.
func fieldsOf(lang string) langFields {
	switch lang {
	case German:
		return germanFields
	case English:
		return englishFields
	}
	return fieldsFor(lang)
}

// Per-language analyzer and field names.
func wordAnalyzer(lang string) string   { return "kb_" + lang }
func ngramAnalyzer(lang string) string  { return "kb_" + lang + "_ngram" }
func profField(lang string) string      { return lang + "_prof" }
func profNgramField(lang string) string { return lang + "_prof_ng" }
func bodyField(lang string) string      { return lang + "_body" }
func articleKind(lang string) string    { return lang + "_article" }

// newMapping builds the index mapping. Every analysis component it names
// is one of bleve's built-ins, registered by the packages imported above,
// so an index written by this package can be reopened by it.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	m.TypeField = fieldType
	m.DefaultType = "none"
	m.DefaultAnalyzer = keyword.Name
	m.DefaultMapping = bleve.NewDocumentDisabledMapping()
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	m.ScoringModel = index.BM25Scoring

	if err := m.AddCustomCharFilter(charClean, map[string]any{
		"type": regexp.Name, "regexp": cleanRegexp, "replace": " ",
	}); err != nil {
		return nil, err
	}
	if err := m.AddCustomTokenFilter(filterNgram, map[string]any{
		"type": ngram.Name, "min": float64(ngramMin), "max": float64(ngramMax),
	}); err != nil {
		return nil, err
	}
	analyzers := []struct {
		name    string
		filters []string
	}{
		// German: lower case, stop words, umlaut/ae/ss folding, light stemmer.
		{wordAnalyzer(German), []string{lowercase.Name, de.StopName, de.NormalizeName, de.LightStemmerName}},
		// German compounds: n-grams of the folded words ("lieferadresse" shares "adre", "dres", "ress" with "adresse").
		{ngramAnalyzer(German), []string{lowercase.Name, de.StopName, de.NormalizeName, filterNgram}},
		// English: bleve's "en" chain.
		{wordAnalyzer(English), []string{en.PossessiveName, lowercase.Name, en.StopName, porter.Name}},
		// English n-grams, mainly for typos ("cancfel").
		{ngramAnalyzer(English), []string{en.PossessiveName, lowercase.Name, en.StopName, filterNgram}},
	}
	for _, a := range analyzers {
		if err := m.AddCustomAnalyzer(a.name, map[string]any{
			"type":          custom.Name,
			"char_filters":  []string{charClean},
			"tokenizer":     unicode.Name,
			"token_filters": a.filters,
		}); err != nil {
			return nil, err
		}
	}

	keywordField := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeTermVectors, f.IncludeInAll, f.DocValues = store, false, false, false
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = keyword.Name
		f.Index, f.Store, f.IncludeTermVectors, f.IncludeInAll, f.DocValues = false, true, false, false, false
		return f
	}
	textField := func(analyzer string, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store, f.IncludeTermVectors, f.IncludeInAll, f.DocValues = false, vectors, false, false
		return f
	}
	for _, lang := range langs() {
		dm := bleve.NewDocumentStaticMapping()
		dm.AddFieldMappingsAt(fieldKind, keywordField(false))
		dm.AddFieldMappingsAt(fieldIntent, keywordField(false))
		dm.AddFieldMappingsAt(fieldSource, storedOnly())
		dm.AddFieldMappingsAt(fieldLens, storedOnly())
		dm.AddFieldMappingsAt(profField(lang), textField(wordAnalyzer(lang), true))
		dm.AddFieldMappingsAt(profNgramField(lang), textField(ngramAnalyzer(lang), true))
		dm.AddFieldMappingsAt(bodyField(lang), textField(wordAnalyzer(lang), true))
		m.AddDocumentMapping(lang, dm)
	}
	return m, m.Validate()
}
