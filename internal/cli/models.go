package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort/models"
)

func newModelsCmd(g *globalOptions) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List, activate, roll back and delete stored model versions",
		Long: `Manage the versioned models in the store (--db). Every training run adds a
version; one version per model name is active and used by classify.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runModelsList(cmd.Context(), g, format) },
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List all model versions (the active one is marked)",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runModelsList(cmd.Context(), g, format) },
	}
	cmd.PersistentFlags().StringVar(&format, "format", "text", "output: text or json")
	activate := &cobra.Command{
		Use:   "activate NAME VERSION",
		Short: "Make a version the active one",
		Args:  exactArgs(2, "NAME and VERSION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := parseVersion(args[1])
			if err != nil {
				return err
			}
			return withStore(g, func(s *models.Store) error {
				if err := s.Activate(cmd.Context(), args[0], v); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s version %d is active\n", args[0], v)
				return nil
			})
		},
	}
	rollback := &cobra.Command{
		Use:   "rollback NAME",
		Short: "Re-activate the previously active version",
		Args:  exactArgs(1, "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(g, func(s *models.Store) error {
				info, err := s.Rollback(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s rolled back to version %d\n", args[0], info.Version)
				return nil
			})
		},
	}
	rm := &cobra.Command{
		Use:     "rm NAME VERSION",
		Aliases: []string{"delete"},
		Short:   "Delete a version (not the active one)",
		Args:    exactArgs(2, "NAME and VERSION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := parseVersion(args[1])
			if err != nil {
				return err
			}
			return withStore(g, func(s *models.Store) error {
				if err := s.Delete(cmd.Context(), args[0], v); err != nil {
					return err
				}
				fmt.Fprintf(g.io.Out, "%s version %d deleted\n", args[0], v)
				return nil
			})
		},
	}
	cmd.AddCommand(list, activate, rollback, rm)
	return cmd
}

func parseVersion(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0, flagErrorf("version %q: want a positive number", s)
	}
	return v, nil
}

func withStore(g *globalOptions, fn func(*models.Store) error) error {
	s, err := g.openStore(false)
	if err != nil {
		return err
	}
	if err := fn(s); err != nil {
		s.Close()
		return err
	}
	return s.Close()
}

func runModelsList(ctx context.Context, g *globalOptions, format string) error {
	if err := validFormat(format, "text", "json"); err != nil {
		return err
	}
	s, err := g.openStore(true)
	if err != nil {
		return err
	}
	defer s.Close()
	infos, err := s.List(ctx)
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(g.io.Out)
		for _, in := range infos {
			in.Options = nil
			if err := enc.Encode(in); err != nil {
				return err
			}
		}
		return nil
	}
	if len(infos) == 0 {
		fmt.Fprintf(g.io.ErrOut, "no models in %s\n", s.Path())
		return nil
	}
	tw := tabwriter.NewWriter(g.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tACTIVE\tCREATED\tKIND\tEXAMPLES\tLABELS\tHELD-OUT ACC\tBYTES\tNOTE")
	for _, in := range infos {
		act := ""
		if in.Active {
			act = "*"
		}
		acc := "-"
		if v, ok := in.Metrics["heldout_accuracy"]; ok {
			acc = fmt.Sprintf("%.3f", v)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%s\n", in.Name, in.Version, act,
			in.Created.Local().Format("2006-01-02 15:04"), in.Kind, in.Examples, len(in.Labels), acc, in.Size, in.Note)
	}
	return tw.Flush()
}
