package imapbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/antwort-dev/antwort/ingest"
)

// TreeMail is one mail of a folder tree.
type TreeMail struct {
	Ref    Ref
	Source string // the mail's URL
	// Label is the folder's path below the tree's root with "/" between
	// levels; "" for a mail in the root folder itself.
	Label string
	Item  *ingest.RawItem
}

// TreeOptions configure ReadTree.
type TreeOptions struct {
	// Skip lists keywords: mails carrying one of them are not read.
	Skip []string
	// ReadOnly reads with EXAMINE.
	ReadOnly bool
	// Parse are the options the mails are parsed with.
	Parse ingest.Options
}

// ReadTree reads the mails of root and of every folder below it, folder
// by folder in name order, each in UID order, on a connection of its own.
// It calls f with each mail, or with a problem (a *ingest.Problem) for a
// mail that cannot be read; an error of f ends ReadTree and is returned.
// A root that does not exist has no mails.
func (mb *Mailbox) ReadTree(ctx context.Context, root string, opts TreeOptions, f func(m *TreeMail, problem error) error) error {
	l, err := mb.Folders(ctx)
	if err != nil {
		return err
	}
	var folders []string
	for _, fo := range l {
		if fo.has(imap.MailboxAttrNoSelect) || fo.has(imap.MailboxAttrNonExistent) {
			continue
		}
		if strings.EqualFold(fo.Name, root) || strings.HasPrefix(fo.Name, root+"/") {
			folders = append(folders, fo.Name)
		}
	}
	slices.SortFunc(folders, cmp.Compare)
	if len(folders) == 0 {
		return nil
	}
	sess := newSession(mb.acct, mb.opts, "reading")
	defer sess.close()
	for _, folder := range folders {
		label := ""
		if !strings.EqualFold(folder, root) {
			label = strings.TrimPrefix(folder, root+"/")
		}
		src := &Source{mb: mb, folder: folder, s: sess,
			opts: SourceOptions{Skip: opts.Skip, ReadOnly: opts.ReadOnly, Parse: opts.Parse, Batch: defaultBatch, Poll: defaultPoll}}
		for {
			it, err := src.NextRaw(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			var p *ingest.Problem
			switch {
			case errors.As(err, &p):
				if err := f(&TreeMail{Label: label, Source: p.Source}, err); err != nil {
					return err
				}
				continue
			case err != nil:
				return fmt.Errorf("folder %q: %w", folder, err)
			}
			ref, _ := ParseSource(it.Source)
			if err := f(&TreeMail{Ref: ref, Source: it.Source, Label: label, Item: it}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadLabeled reads labelled examples from a folder tree, as ingest reads
// a tree of Maildirs: every folder below root is a label (its path below
// root, "/"-separated), each mail an example (subject and cleaned text,
// see ingest.MailExample). Mails in root itself get opts.Label, or are
// reported as one problem. Mail that cannot be fetched or parsed, and
// machine-written mail, are returned as problems.
func (mb *Mailbox) ReadLabeled(ctx context.Context, root string, opts ingest.Options) ([]ingest.Labeled, []ingest.Problem, error) {
	var (
		out       []ingest.Labeled
		problems  []ingest.Problem
		unlabeled int
	)
	fixed := strings.TrimSpace(opts.Label)
	err := mb.ReadTree(ctx, root, TreeOptions{ReadOnly: true, Parse: opts}, func(m *TreeMail, problem error) error {
		label := m.Label
		if label == "" {
			label = fixed
		}
		if problem == nil && label == "" {
			unlabeled++
			return nil
		}
		if problem == nil {
			msg, err := m.Item.Parse()
			var text string
			if err == nil {
				text, err = ingest.MailExample(msg)
			}
			if err == nil {
				out = append(out, ingest.Labeled{Text: text, Label: label, Source: m.Source})
				return nil
			}
			problem = err
		}
		var p *ingest.Problem
		if !errors.As(problem, &p) {
			p = &ingest.Problem{Source: m.Source, Err: problem}
		}
		problems = append(problems, *p)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if unlabeled > 0 {
		problems = append(problems, ingest.Problem{Source: mb.acct.FolderURL(root), Err: kindf(ingest.ErrNoLabel,
			"%d mail(s) in the folder %s itself have no label folder; move them into a sub-folder named after the label, or set the label", unlabeled, root)})
	}
	return out, problems, nil
}
