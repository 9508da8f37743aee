package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
)

// checkRecordJSON fails t unless appendRecordJSON writes exactly what
// json.Marshal does for r (or fails with the same error, leaving the
// buffer as it was).
func checkRecordJSON(t *testing.T, r *batchRecord) {
	t.Helper()
	want, wantErr := json.Marshal(r)
	const prefix = "prefix\n"
	got, err := appendRecordJSON([]byte(prefix), r)
	if !bytes.HasPrefix(got, []byte(prefix)) {
		t.Fatalf("appendRecordJSON overwrote what the buffer held: %q", got)
	}
	got = got[len(prefix):]
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("appendRecordJSON error %v, json.Marshal error %v", err, wantErr)
	case err != nil:
		if err.Error() != wantErr.Error() {
			t.Fatalf("appendRecordJSON error %q, json.Marshal error %q", err, wantErr)
		}
		if len(got) != 0 {
			t.Fatalf("appendRecordJSON wrote %q before failing", got)
		}
	case !bytes.Equal(got, want):
		t.Fatalf("appendRecordJSON differs from json.Marshal (-marshal +append):\n%s", cmp.Diff(string(want), string(got)))
	}
}

// TestBatchRecordJSONShape fails when a type in batchRecord changed:
// appendRecordJSON then leaves everything to encoding/json (correct, but
// slow) until recordWriter and recordShape are brought up to date.
func TestBatchRecordJSONShape(t *testing.T) {
	if diff := cmp.Diff(recordShape, typeShape(reflect.TypeFor[batchRecord]())); diff != "" {
		t.Errorf("batchRecord's types changed; update recordWriter and recordShape (-recordShape +now):\n%s", diff)
	}
	if !recordShapeOK {
		t.Error("recordShapeOK is false")
	}
	// A type with its own marshalling never matches.
	for _, typ := range []reflect.Type{reflect.TypeFor[time.Time](), reflect.TypeFor[*time.Time](), reflect.TypeFor[json.RawMessage](), reflect.TypeFor[json.Number]()} {
		if got := typeShape(typ); typ.Kind() != reflect.String && got != "marshaler" && got != "*marshaler" {
			t.Errorf("typeShape(%v) = %q, want marshaler", typ, got)
		}
	}
}

// TestBatchRecordJSONSample re-encodes decisions of a batch run over
// generated mail (bench/genmail, demo models): each line must come out
// as it was written.
func TestBatchRecordJSONSample(t *testing.T) {
	f, err := os.Open("testdata/batch_records.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var r batchRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		got, err := appendRecordJSON(nil, &r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, sc.Bytes()) {
			t.Fatalf("line %d (-want +got):\n%s", n+1, cmp.Diff(sc.Text(), string(got)))
		}
		checkRecordJSON(t, &r)
		n++
	}
	if err := sc.Err(); err != nil || n == 0 {
		t.Fatalf("%d lines read: %v", n, err)
	}
}

// TestBatchRecordJSONEngine compares appendRecordJSON with json.Marshal
// on the demo engine's suggestions for the sample mails and inbox, with
// explanations (which batch leaves out) and every batch field set.
func TestBatchRecordJSONEngine(t *testing.T) {
	ctx := context.Background()
	db, kbd := trained(t), kbDir(t)
	store, err := models.Open(db, &models.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := antwort.Load(ctx, store, antwort.LoadOptions{})
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	k, err := kb.Open(kbd, &kb.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if eng, err = eng.WithReplies(antwort.ReplyConfig{KB: k}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, spec := range []string{"dir:" + sampleMail, sampleInbox} {
		src, err := ingest.Open(ctx, spec, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for {
			msg, err := src.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			s, err := eng.Suggest(ctx, msg)
			if err != nil {
				t.Fatal(err)
			}
			r := &batchRecord{Suggestion: s, Source: msg.Source, Auto: msg.Auto}
			checkRecordJSON(t, r)
			r.Outbox, r.Route = "not queued: <no> sender & \u2028", "/tmp/sorted/send/new/"+msg.ID
			checkRecordJSON(t, r)
			n++
		}
		src.Close()
	}
	if n < 20 {
		t.Fatalf("only %d messages", n)
	}
}

func TestBatchRecordJSONValues(t *testing.T) {
	strs := []string{"", "plain", "<script>&amp;</script>", "\"quoted\" \\ back", "\x00\x01\x1f\x7f", "\b\f\n\r\t",
		"\u2028\u2029", "\xff", "a\xc3", "\xe2\x80", "\xe2\x80\xa8x", "é😒\ufffd", "\xed\xa0\x80", "\xf4\x90\x80\x80"}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.999999e-7, -1e-7, 1e-9, 1e-10, 1e20, 1e21, -1e21, 1e100,
		5e-324, math.MaxFloat64, -math.MaxFloat64, 123456789.125, 0.9998047365901506, 7.72420352824461e-06}
	for _, s := range strs {
		for _, f := range floats {
			r := &batchRecord{Suggestion: &antwort.Suggestion{Result: &antwort.Result{ID: s}}, Source: s}
			r.Intent.Label, r.Intent.Confidence, r.Found.Name, r.Missing = s, f, s, []string{s}
			r.Answers = []antwort.Answer{{Title: s, Score: f, Reasons: []string{}}}
			checkRecordJSON(t, r)
		}
	}
	for _, r := range []*batchRecord{nil, {}, {Suggestion: &antwort.Suggestion{}}, {Suggestion: &antwort.Suggestion{Answers: []antwort.Answer{}}}} {
		checkRecordJSON(t, r)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		r := &batchRecord{Suggestion: &antwort.Suggestion{Result: &antwort.Result{}, Answers: []antwort.Answer{{TextScore: f}}}}
		checkRecordJSON(t, r)
		if _, err := appendRecordJSON(nil, r); err == nil {
			t.Errorf("no error for %v", f)
		}
	}
}

// TestJSONStringSafeWord checks safeWord on every byte value at every
// position among safe bytes of either end of the range.
func TestJSONStringSafeWord(t *testing.T) {
	for _, fill := range []byte{' ', '!', 'a', '=', '?', '~', 0x7f} {
		for c := range 256 {
			for p := range 8 {
				w := bytes.Repeat([]byte{fill}, 8)
				w[p] = byte(c)
				want := c < utf8.RuneSelf && jsonSafe[c]
				if got := safeWord(binary.LittleEndian.Uint64(w)); got != want {
					t.Errorf("safeWord(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
}

// recordFiller fills values from fuzz input, by reflection, so that a
// field added to batchRecord's types is filled too.
type recordFiller struct{ data []byte }

func (f *recordFiller) byte() byte {
	if len(f.data) == 0 {
		return 0
	}
	c := f.data[0]
	f.data = f.data[1:]
	return c
}

var fuzzPieces = []string{"<", ">", "&", "\u2028", "\u2029", "\x00", "\x1f", "\x7f", "\b", "\f", "\n", "\r", "\t", "\"", "\\",
	"\xff", "\xc3", "\xe2\x80", "é", "😒", "\ufffd", "</script>", "a&b", "Grüße", "\xed\xa0\x80", "\U0010ffff", " "}

var fuzzFloats = []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.999999999999999e-7, 1e-7, -1e-9, 1e-10, 1e20,
	9.999999999999999e20, 1e21, -1e21, 1e300, 5e-324, math.SmallestNonzeroFloat64, math.MaxFloat64, 123456789.125,
	0.9998047365901506, 7.72420352824461e-06, math.NaN(), math.Inf(1), math.Inf(-1)}

func (f *recordFiller) string() string {
	c := f.byte()
	switch c % 4 {
	case 0:
		return ""
	case 1: // raw bytes
		n := min(int(c>>2), len(f.data))
		s := string(f.data[:n])
		f.data = f.data[n:]
		return s
	default: // pieces and raw bytes
		var sb strings.Builder
		for range int(c>>2)%6 + 1 {
			p := f.byte()
			if p&1 == 0 {
				sb.WriteString(fuzzPieces[int(p>>1)%len(fuzzPieces)])
			} else {
				sb.WriteByte(f.byte())
			}
		}
		return sb.String()
	}
}

func (f *recordFiller) float() float64 {
	c := f.byte()
	switch c % 4 {
	case 0:
		return fuzzFloats[int(c>>2)%len(fuzzFloats)]
	case 1:
		var b [8]byte
		for i := range b {
			b[i] = f.byte()
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b[:]))
	case 2:
		return float64(int8(f.byte())) / float64(int(f.byte())+1)
	default:
		return float64(f.byte()) * math.Pow(10, float64(int(f.byte()%64)-40))
	}
}

func (f *recordFiller) fill(t *testing.T, v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if f.byte()%5 == 0 {
			return // nil
		}
		p := reflect.New(v.Type().Elem())
		f.fill(t, p.Elem())
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(t, v.Field(i))
			}
		}
	case reflect.Slice:
		c := f.byte()
		switch c % 3 {
		case 0: // nil
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, int(c>>2)%2))
		default:
			n := int(c>>2)%4 + 1
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				f.fill(t, s.Index(i))
			}
			v.Set(s)
		}
	case reflect.String:
		v.SetString(f.string())
	case reflect.Float64:
		v.SetFloat(f.float())
	case reflect.Bool:
		v.SetBool(f.byte()&1 == 1)
	case reflect.Int:
		v.SetInt(int64(int16(uint16(f.byte()) | uint16(f.byte())<<8)))
	default:
		t.Fatalf("recordFiller cannot fill a %v", v.Type())
	}
}

// FuzzBatchRecordJSON compares appendRecordJSON with json.Marshal on
// records filled from the fuzz input.
func FuzzBatchRecordJSON(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x01\x01\x02\x06<\x08&\x0a\xff\x0b\xe2\x80\xa8\x01\x00\x01\x05\x09\x02\x02\x05\x03\x04"))
	f.Add(bytes.Repeat([]byte{1, 2, 3, 0x8a, 0x0d, 0x45, 0xff, 0x2c, 9, 0x10}, 40))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r batchRecord
		(&recordFiller{data: data}).fill(t, reflect.ValueOf(&r).Elem())
		checkRecordJSON(t, &r)
	})
}

// FuzzJSONString compares appendJSONString with json.Marshal.
func FuzzJSONString(f *testing.F) {
	for _, s := range fuzzPieces {
		f.Add("x" + s + "y")
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, json.Marshal: %s", s, got, want)
		}
	})
}

// BenchmarkBatchRecordJSON writes the sample decisions as decisionOutput
// does, with json.Marshal (as before) and with appendRecordJSON.
func BenchmarkBatchRecordJSON(b *testing.B) {
	data, err := os.ReadFile("testdata/batch_records.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	var recs []*batchRecord
	for line := range bytes.Lines(data) {
		r := new(batchRecord)
		if err := json.Unmarshal(line, r); err != nil {
			b.Fatal(err)
		}
		recs = append(recs, r)
	}
	b.Run("marshal", func(b *testing.B) {
		w := bufio.NewWriterSize(io.Discard, 64<<10)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			j, err := json.Marshal(recs[i%len(recs)])
			if err != nil {
				b.Fatal(err)
			}
			w.Write(j)
			w.WriteByte('\n')
			i++
		}
	})
	b.Run("append", func(b *testing.B) {
		d := &decisionOutput{kind: "jsonl", w: bufio.NewWriterSize(io.Discard, 64<<10)}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if err := d.write(recs[i%len(recs)], ""); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
