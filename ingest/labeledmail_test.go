package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const labelledMaildir = "../testdata/mail/labelled"

func TestReadLabeledMaildirTree(t *testing.T) {
	for _, spec := range []string{"maildir:" + labelledMaildir, labelledMaildir} {
		t.Run(spec, func(t *testing.T) {
			exs, problems, err := ReadLabeled(context.Background(), spec, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != 0 {
				t.Errorf("problems: %v", problems)
			}
			counts := map[string]int{}
			for _, e := range exs {
				counts[e.Label]++
				for _, bad := range []string{"Viele Grüße", "Kind regards", "Ursprüngliche Nachricht", "schrieb", "wrote:", "Gesendet von", "Sent from"} {
					if strings.Contains(e.Text, bad) {
						t.Errorf("%s: text not cleaned, contains %q:\n%s", e.Source, bad, e.Text)
					}
				}
			}
			want := map[string]int{"cancel_contract": 5, "invoice_wrong": 5, "parcel_missing": 5, "password_reset": 5}
			if diff := cmp.Diff(want, counts); diff != "" {
				t.Errorf("labels mismatch (-want +got):\n%s", diff)
			}
			// new/ before cur/ within a label; labels in path order.
			first := exs[0]
			if first.Label != "cancel_contract" || !strings.Contains(first.Source, filepath.Join("cancel_contract", "new")) {
				t.Errorf("first example %+v, want cancel_contract from new/", first)
			}
			if first.Text != "Cancel my subscription\n\nHello,\n\nplease cancel my Nordlicht Plus subscription at the end of the current billing period. I no longer need it." {
				t.Errorf("first example text = %q", first.Text)
			}
		})
	}
}

func TestReadLabeledMaildirBroken(t *testing.T) {
	root := t.TempDir()
	mk := func(rel string, content []byte) string {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mk("new/1.a.host", readMail(t, "gmail_de.eml"))                    // root Maildir: no label
	mk(".praise/cur/2.a.host:2,S", readMail(t, "apple_en.eml"))        // Maildir++ folder
	mk(".praise/cur/3.a.host:2,S", readMail(t, "ooo_de.eml"))          // auto-reply
	mk(".praise/new/notes.txt", []byte("Rückruf Montag"))              // not a mail
	mk("Support/refund/new/4.a.host", readMail(t, "latin1_qp_de.eml")) // nested label
	mk("Support/refund/tmp/5.a.host", readMail(t, "iphone_de.eml"))    // in delivery: not read
	mk("Support/README", []byte("not a Maildir"))

	exs, problems, err := ReadLabeled(context.Background(), "maildir:"+root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range exs {
		rel, _ := filepath.Rel(root, e.Source)
		got = append(got, e.Label+" "+filepath.ToSlash(rel))
	}
	want := []string{"praise .praise/cur/2.a.host:2,S", "Support/refund Support/refund/new/4.a.host"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("examples mismatch (-want +got):\n%s", diff)
	}
	wantProblems := []prob{
		{root, 0, "ErrNoLabel"},
		{filepath.Join(root, ".praise", "cur", "3.a.host:2,S"), 0, "ErrAuto"},
		{filepath.Join(root, ".praise", "new", "notes.txt"), 0, "ErrNotMail"},
	}
	if diff := cmp.Diff(wantProblems, probs(problems)); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
	// With a label the root Maildir's mails are used.
	exs, _, err = ReadLabeled(context.Background(), "maildir:"+root, Options{Label: "inbox"})
	if err != nil || len(exs) != 3 || exs[0].Label != "inbox" {
		t.Errorf("with Label: %d examples, first %+v, err %v", len(exs), exs, err)
	}
}

func TestReadLabeledMbox(t *testing.T) {
	path := writeMbox(t, "gmail_de.eml", "ooo_en.eml", "apple_en.eml")
	renamed := filepath.Join(filepath.Dir(path), "password_reset.mbox")
	if err := os.Rename(path, renamed); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		spec, label, want string
	}{
		{"mbox:" + renamed, "", "password_reset"},
		{renamed, "", "password_reset"},
		{"mbox:" + renamed, "billing", "billing"},
	} {
		exs, problems, err := ReadLabeled(context.Background(), tt.spec, Options{Label: tt.label})
		if err != nil {
			t.Fatal(err)
		}
		if len(exs) != 2 || exs[0].Label != tt.want || exs[1].Source != renamed+"#3" {
			t.Errorf("ReadLabeled(%q, label %q) = %+v, want 2 examples labelled %q", tt.spec, tt.label, exs, tt.want)
		}
		if len(problems) != 1 || problems[0].Index != 2 || kindOf(problems[0].Err) != "ErrAuto" {
			t.Errorf("problems = %v, want message #2 skipped as an auto-reply", problems)
		}
	}
}

func TestReadLabeledSpecErrors(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"-", "stdin"},
		{"eml:" + filepath.Join(mailCorpus, "gmail_de.eml"), "a single mail has no label"},
		{"mbox:" + t.TempDir(), "is a directory, want an mbox file"},
		{"maildir:" + filepath.Join(mailCorpus, "gmail_de.eml"), "needs a directory"},
		{"maildir:/does/not/exist", "no such file"},
	} {
		_, _, err := ReadLabeled(context.Background(), tt.spec, Options{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadLabeled(%q) error = %v, want one containing %q", tt.spec, err, tt.want)
		}
	}
}
