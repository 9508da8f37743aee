package lines

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// next is one result of Reader.Next: the line and its number, or the
// error.
type next struct {
	Line string
	N    int
	Err  string
}

func readAll(t *testing.T, in string, max int64, bufSize int) []next {
	t.Helper()
	br := bufio.NewReaderSize(strings.NewReader(in), bufSize)
	if err := SkipBOM(br); err != nil {
		t.Fatal(err)
	}
	r := NewReader(br, max)
	var out []next
	for range 100 {
		b, err := r.Next()
		switch {
		case err == io.EOF:
			return out
		case err != nil:
			out = append(out, next{N: r.Line(), Err: err.Error()})
		default:
			out = append(out, next{Line: string(b), N: r.Line()})
		}
	}
	t.Fatal("no io.EOF after 100 lines")
	return nil
}

func TestReader(t *testing.T) {
	tooLong := ErrTooLong.Error()
	tests := []struct {
		name string
		in   string
		max  int64
		want []next
	}{
		{"empty", "", 10, nil},
		{"lines", "a\nbb\n\nccc", 10, []next{{"a", 1, ""}, {"bb", 2, ""}, {"", 3, ""}, {"ccc", 4, ""}}},
		{"CRLF and a lone CR", "a\r\nb\rc\r\n", 10, []next{{"a", 1, ""}, {"b\rc", 2, ""}}},
		{"byte order mark", "\uFEFFa\nb", 10, []next{{"a", 1, ""}, {"b", 2, ""}}},
		{"not a byte order mark", "\xEFa\n", 10, []next{{"\xEFa", 1, ""}}},
		{"max bytes with each ending", "12345\n12345\r\n12345", 5,
			[]next{{"12345", 1, ""}, {"12345", 2, ""}, {"12345", 3, ""}}},
		{"one byte more, with each ending", "123456\n123456\r\n123456", 5,
			[]next{{"", 1, tooLong}, {"", 2, tooLong}, {"", 3, tooLong}}},
		{"a long line is skipped, the next is read", strings.Repeat("x", 100) + "\nok\n", 5,
			[]next{{"", 1, tooLong}, {"ok", 2, ""}}},
	}
	for _, tt := range tests {
		for _, size := range []int{16, 4096} { // 16: lines longer than the buffer
			got := readAll(t, tt.in, tt.max, size)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (buffer %d): (-want +got)\n%s", tt.name, size, diff)
			}
		}
	}
}

type failReader struct{ err error }

func (f failReader) Read([]byte) (int, error) { return 0, f.err }

// TestReaderError: a read error comes back unchanged, not as io.EOF or
// ErrTooLong.
func TestReaderError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := NewReader(bufio.NewReader(io.MultiReader(strings.NewReader("a\n"), failReader{boom})), 10)
	if b, err := r.Next(); err != nil || string(b) != "a" {
		t.Fatalf("Next() = %q, %v, want \"a\"", b, err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Errorf("Next() error = %v, want %v", err, boom)
	}
	if r.Line() != 1 {
		t.Errorf("Line() = %d after the failed read, want 1 (the last line returned)", r.Line())
	}
}
