package ingest

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
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
