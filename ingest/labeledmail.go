package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/antwort-dev/antwort/internal/fstree"
)

// readMaildirTree reads a tree of Maildirs: every folder below root that
// has cur/ or new/ is a Maildir whose path relative to root is the label
// (one leading '.' of each part, the Maildir++ folder prefix, is dropped:
// ".parcel_missing" is "parcel_missing"). Mails in root's own Maildir get
// Options.Label, or are reported as one ErrNoLabel problem.
func readMaildirTree(ctx context.Context, root string, o Options) ([]Labeled, []Problem, error) {
	max := limitOr(o.MaxBytes, defaultFileMax)
	var (
		out      []Labeled
		problems []Problem
		tree     = fstree.New(root)
	)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if p == root {
				return err
			}
			problems = append(problems, Problem{Source: p, Err: pathErr(err)})
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// Not followed; one leading to a folder outside is reported.
			if fi, err := tree.Link(p); err != nil && fi != nil && fi.IsDir() {
				problems = append(problems, Problem{Source: p, Err: err})
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != root {
			switch d.Name() {
			case "cur", "new", "tmp":
				if isMaildir(filepath.Dir(p)) {
					return filepath.SkipDir // read with their Maildir
				}
			}
		}
		if !isMaildir(p) {
			return nil
		}
		label := maildirLabel(root, p)
		if label == "" {
			label = strings.TrimSpace(o.Label)
		}
		files, probs := maildirFiles(tree, p)
		problems = append(problems, probs...)
		if label == "" {
			if len(files) > 0 {
				problems = append(problems, Problem{Source: p, Err: errorf(ErrNoLabel,
					"%d mail(s) in the Maildir %s itself have no label folder; move them into a sub-folder named after the label, or set the label", len(files), p)})
			}
			return nil
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			m, err := readMailFile(f, max, o)
			if err == nil && m == nil {
				continue
			}
			var text string
			if err == nil {
				text, err = MailExample(m)
			}
			if err != nil {
				problems = append(problems, Problem{Source: f, Err: err})
				continue
			}
			out = append(out, Labeled{Text: text, Label: label, Source: f, Message: m})
		}
		return nil
	})
	if err != nil {
		if isContextErr(err) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("ingest: %w", err)
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Source, b.Source) })
	return out, problems, nil
}

// maildirLabel is the label of the Maildir dir below root: its relative
// path with '/' separators and without the Maildir++ '.' prefixes; "" for
// root itself.
func maildirLabel(root, dir string) string {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." {
		return ""
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for i, p := range parts {
		parts[i] = strings.TrimPrefix(p, ".")
	}
	return strings.Join(parts, "/")
}

// maildirFiles lists the mail files of one Maildir: new/ then cur/, each
// sorted; names starting with '.' are skipped. A symbolic link is listed
// when it leads to a file inside tree, and reported when it leads out.
func maildirFiles(tree *fstree.Tree, dir string) ([]string, []Problem) {
	var files []string
	var problems []Problem
	for _, sub := range []string{"new", "cur"} {
		d := filepath.Join(dir, sub)
		des, err := os.ReadDir(d)
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				problems = append(problems, Problem{Source: d, Err: pathErr(err)})
			}
			continue
		}
		for _, de := range des {
			if strings.HasPrefix(de.Name(), ".") || de.IsDir() {
				continue
			}
			p := filepath.Join(d, de.Name())
			if de.Type()&fs.ModeSymlink != 0 {
				fi, err := tree.Link(p)
				if err != nil {
					problems = append(problems, Problem{Source: p, Err: err})
					continue
				}
				if !fi.Mode().IsRegular() {
					continue
				}
			}
			files = append(files, p)
		}
	}
	return files, problems
}

// readMboxLabeled reads every message of an mbox file as an example with
// the label Options.Label, or the file's base name without extension.
func readMboxLabeled(ctx context.Context, path string, o Options) ([]Labeled, []Problem, error) {
	label := strings.TrimSpace(o.Label)
	if label == "" {
		label = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	r := newMboxReader(f, path, limitOr(o.MaxBytes, defaultFileMax))
	var (
		out      []Labeled
		problems []Problem
	)
	for {
		raw, index, line, err := r.next(ctx)
		var p *Problem
		switch {
		case err == io.EOF:
			return out, problems, nil
		case errors.As(err, &p):
			problems = append(problems, *p)
			continue
		case isContextErr(err):
			return nil, nil, err
		case err != nil:
			// A read error after the start: keep what was read.
			problems = append(problems, Problem{Source: path, Err: err})
			return out, problems, nil
		}
		m, err := parseMessage(raw, o)
		var text string
		if err == nil {
			text, err = MailExample(m)
		}
		if err != nil {
			problems = append(problems, Problem{Source: path, Index: index, Line: line, Err: err})
			continue
		}
		out = append(out, Labeled{Text: text, Label: label, Source: path + "#" + strconv.Itoa(index), Message: m})
	}
}
