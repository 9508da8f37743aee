package fstree

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestLink(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "data")
	os.MkdirAll(filepath.Join(root, "sub"), 0o755)
	os.WriteFile(filepath.Join(root, "sub", "a.txt"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(base, "secret"), []byte("s"), 0o644)
	links := map[string]string{
		"in.txt":      filepath.Join(root, "sub", "a.txt"),
		"rel.txt":     "sub/a.txt",
		"dir":         "sub",
		"out.txt":     filepath.Join(base, "secret"),
		"up.txt":      "../secret",
		"passwd.txt":  "/etc/passwd",
		"outdir":      base,
		"broken.txt":  "nowhere",
		"chain.txt":   "in.txt", // a link to a link inside
		"chainout.tx": "out.txt",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	// The folder itself given through a link.
	viaLink := filepath.Join(base, "link-to-data")
	os.Symlink(root, viaLink)
	for _, r := range []string{root, viaLink} {
		tr := New(r)
		for name, want := range map[string]string{
			"in.txt": "in", "rel.txt": "in", "dir": "in", "chain.txt": "in",
			"out.txt": "out", "up.txt": "out", "passwd.txt": "out", "outdir": "out", "chainout.tx": "out",
			"broken.txt": "broken",
		} {
			fi, err := tr.Link(filepath.Join(r, name))
			got := "in"
			switch {
			case errors.Is(err, ErrOutside):
				got = "out"
				if fi == nil {
					t.Errorf("%s: no FileInfo of the outside target", name)
				}
			case err != nil:
				got = "broken"
			}
			if got != want {
				t.Errorf("root %s: Link(%s) = %v, %v; want %s", r, name, fi, err, want)
			}
		}
	}
}
