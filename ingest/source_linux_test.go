package ingest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadMailBytesSpecialFilesSameAsOld checks that readMailBytes, which
// opens a file before it looks at it, skips or reports what is not a
// readable regular file as the old version (stat first) did, and never
// blocks on a FIFO.
func TestReadMailBytesSpecialFilesSameAsOld(t *testing.T) {
	dir := t.TempDir()
	mail := filepath.Join(dir, "mail.eml")
	if err := os.WriteFile(mail, []byte("Subject: x\n\ny\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(mail, link); err != nil {
		t.Fatal(err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "gone"), dangling); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked")
	if err := os.WriteFile(locked, []byte("Subject: x\n\ny\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	paths := []string{mail, fifo, link, dangling, locked, dir, filepath.Join(mail, "x")}
	sock := filepath.Join(dir, "sock")
	if l, err := net.Listen("unix", sock); err == nil {
		defer l.Close()
		paths = append(paths, sock)
	}
	for _, p := range paths {
		for _, max := range []int64{0, 5, 100} {
			diffReadMailBytes(t, p, max)
		}
	}
	if raw, err := readMailBytes(fifo, 100); raw != nil || err != nil {
		t.Errorf("readMailBytes(FIFO) = %q, %v; want nil, nil", raw, err)
	}
	if raw, err := readMailBytes(mail, 100); string(raw) != "Subject: x\n\ny\n" || err != nil {
		t.Errorf("readMailBytes(%s) = %q, %v", mail, raw, err)
	}
}

// TestOpenDirFileGoneAfterListing: a mail deleted after its folder was
// listed, and one replaced by a folder, are reported by path (read through
// the open folder, a missing name is looked up by path again to say
// why), and the others are read.
func TestOpenDirFileGoneAfterListing(t *testing.T) {
	root := t.TempDir()
	j := func(n string) string { return filepath.Join(root, n) }
	os.WriteFile(j("a.eml"), readMail(t, "gmail_de.eml"), 0o644)
	os.WriteFile(j("b.eml"), readMail(t, "apple_en.eml"), 0o644)
	os.WriteFile(j("c.eml"), readMail(t, "iphone_de.eml"), 0o644)
	os.WriteFile(j("d.eml"), readMail(t, "thunderbird_de.eml"), 0o644)
	s := openSource(t, "dir:"+root, Options{})
	first, err := s.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(j("b.eml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(j("c.eml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(j("c.eml"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, _ := drainSource(t, s)
	got = append([]item{{Source: first.Source, ID: first.ID}}, got...)
	want := []item{
		{Source: j("a.eml"), ID: idOf(t, "gmail_de.eml")},
		{Source: j("b.eml"), Kind: "other: cannot stat: no such file or directory"},
		{Source: j("d.eml"), ID: idOf(t, "thunderbird_de.eml")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items mismatch (-want +got):\n%s", diff)
	}
}

// TestSourceClosesFolders: the walker keeps the folders it reads open
// (to open their files by name); reading to the end, or Close, closes
// them all.
func TestSourceClosesFolders(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"x", "x/y"} {
		if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []string{"a.eml", "x/b.eml", "x/y/c.eml"} {
		os.WriteFile(filepath.Join(root, p), readMail(t, "gmail_de.eml"), 0o644)
	}
	openFDs := func() int {
		des, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd")
		}
		return len(des)
	}
	before := openFDs()
	s, err := Open(context.Background(), "dir:"+root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // a.eml, x/b.eml, x/y/c.eml: three folders open
		if _, err := s.Next(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := openFDs(); n != before+3 {
		t.Errorf("%d descriptors open while reading x/y, want %d", n, before+3)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := openFDs(); n != before {
		t.Errorf("%d descriptors open after Close, want %d", n, before)
	}
	s = openSource(t, "dir:"+root, Options{})
	drainSource(t, s)
	if n := openFDs(); n != before {
		t.Errorf("%d descriptors open after reading to the end, want %d", n, before)
	}
}
