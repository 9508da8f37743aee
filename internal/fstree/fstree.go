// Package fstree keeps the walk of a folder inside that folder: a
// symbolic link found in it is followed only when it leads to something
// inside the folder. antwort reads what a folder given to it holds, never
// what a link smuggles in from elsewhere (/etc/passwd as training data).
package fstree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// ErrOutside is wrapped by the error of Tree.Link for a link that leads
// out of the folder.
var ErrOutside = errors.New("symbolic link leads out of the folder; not followed")

// Tree is a folder being walked. The zero value is not usable; use New.
// It is safe for concurrent use.
type Tree struct {
	root string

	once sync.Once
	real string // root with its symbolic links resolved
	err  error
}

// New returns the Tree of the folder root. root itself may be a
// symbolic link: the folder is where it leads.
func New(root string) *Tree { return &Tree{root: root} }

// Link reports where the symbolic link at path, found while walking the
// tree, leads. It returns what the link leads to (after every link on the
// way) when that lies inside the tree. For a link that leads out of it
// the error wraps ErrOutside and names the target, and fi describes the
// target (nil when it does not exist); a broken link gives the error of
// resolving it and a nil fi.
func (t *Tree) Link(path string) (fi fs.FileInfo, err error) {
	t.once.Do(func() { t.real, t.err = filepath.EvalSymlinks(t.root) })
	if t.err != nil {
		return nil, t.err
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, fmt.Errorf("broken symbolic link: %w", err)
	}
	fi, err = os.Stat(target)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(t.real, target)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fi, fmt.Errorf("%w: it leads to %s, outside %s", ErrOutside, target, t.root)
	}
	return fi, nil
}
