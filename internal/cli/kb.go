package cli

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"medvigil/internal/feeds"
	"medvigil/internal/input"
	"medvigil/internal/match"
	"medvigil/internal/vuln"
	"medvigil/internal/vuln/snapshot"
)

func (a *app) kbCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kb",
		Short: "Manage the vulnerability knowledge base",
	}
	cmd.AddCommand(a.kbBuildCommand(), a.kbSyncCommand(), a.kbImportCommand())
	return cmd
}

func (a *app) kbBuildCommand() *cobra.Command {
	var kbPaths []string
	var out string
	var gzip bool
	cmd := &cobra.Command{
		Use:   "build --kb PATH... -o FILE",
		Short: "Write a compact knowledge-base snapshot that loads far faster than the JSON feeds",
		Long: `Build loads the sources given with --kb (recognized by content, as in scan) and writes
them as one snapshot file (internal/vuln/snapshot: a header, a SHA-256 checksum, the
advisories, KEV and EPSS marks). Pass the snapshot to scan with --kb like any source.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(kbPaths) == 0 || out == "" {
				return &exitError{ExitError, errors.New("kb build needs --kb sources and -o FILE")}
			}
			start := time.Now()
			kb := vuln.NewKB()
			prog := newProgress(a.stderr, "loading", 0)
			_, st, err := feeds.Load(cmd.Context(), kb, kbPaths, func(e *input.Error) {
				fmt.Fprintln(a.stderr, "warning:", e)
			}, func(done, total int, file string) {
				prog.total = total
				prog.step(done, file)
			})
			prog.done()
			if err != nil {
				return &exitError{ExitError, err}
			}
			// Format version 2 with the matcher's package index, so that a
			// scan decodes only the advisories of the packages it sees.
			opts := snapshot.Options{Keys: match.IndexKeys, KeyScheme: match.KeyScheme}
			if gzip {
				opts.Compression = snapshot.Gzip
			}
			if err := a.writeOutput(out, func(w io.Writer) error { return snapshot.WriteWith(w, kb, opts) }); err != nil {
				return &exitError{ExitError, err}
			}
			fmt.Fprintf(a.stderr, "wrote %s: %d advisories, %d KEV, %d EPSS from %d files (%d skipped) in %s\n",
				out, kb.Len(), kb.KEVCount(), kb.EPSSCount(), st.Files, st.Skipped, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&kbPaths, "kb", nil, "knowledge-base file or folder (repeatable)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "snapshot file to write")
	cmd.Flags().BoolVar(&gzip, "gzip", false, "compress the snapshot (smaller, slower to load)")
	return cmd
}
