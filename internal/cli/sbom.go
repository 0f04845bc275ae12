package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/check"
	"medvigil/internal/sbom/formats"
	"medvigil/internal/sbom/synth"
)

func (a *app) sbomCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sbom",
		Short: "Read, judge and convert SBOMs (CycloneDX 1.2–1.6, SPDX 2.1–2.3)",
	}
	cmd.AddCommand(a.sbomCheckCommand(), a.sbomConvertCommand(), a.sbomGenerateCommand())
	return cmd
}

func (a *app) sbomCheckCommand() *cobra.Command {
	var profile, format string
	var strict bool
	var maxSize int64
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Judge SBOMs against NTIA 2021, CISA 2026 or FDA premarket minimum elements",
		Long: `Check reports, for each minimum element of the profile, whether the SBOM covers it,
how many components miss it and which. Exit codes: 0 checked (with --strict: every
required element covered), 1 --strict and a required element is missing, 2 a file
could not be read or the command was misused.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := check.ParseProfile(profile)
			if err != nil {
				return &exitError{ExitError, err}
			}
			if format != "text" && format != "json" {
				return &exitError{ExitError, fmt.Errorf("unknown --format %q (want text or json)", format)}
			}
			var reports []check.Report
			failedRead, uncovered := false, false
			prog := newProgress(a.stderr, "checking", len(args))
			for i, path := range args {
				prog.step(i+1, path)
				doc, err := formats.ReadFile(cmd.Context(), path, formats.Options{MaxSize: maxSize})
				if err != nil {
					fmt.Fprintln(a.stderr, "medvigil:", err)
					failedRead = true
					continue
				}
				r := check.Run(doc, p)
				r.File = path
				if !r.Covered {
					uncovered = true
				}
				reports = append(reports, r)
			}
			prog.done()
			if err := a.printReports(reports, format); err != nil {
				return &exitError{ExitError, err}
			}
			switch {
			case failedRead:
				return &exitError{code: ExitError}
			case strict && uncovered:
				return &exitError{code: ExitFinding}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&profile, "profile", string(check.ProfileNTIA2021), "minimum elements to judge by: ntia-2021, cisa-2026 or fda-premarket")
	cmd.Flags().StringVar(&format, "format", "text", "output: text for people, json for machines (docs/sbom-check.md)")
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 when a required element is missing")
	cmd.Flags().Int64Var(&maxSize, "max-size", formats.DefaultMaxSize, "largest SBOM file to read, in bytes")
	return cmd
}

func (a *app) printReports(reports []check.Report, format string) error {
	if format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if reports == nil {
			reports = []check.Report{}
		}
		return enc.Encode(reports)
	}
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(a.stdout)
		}
		if err := r.WriteText(a.stdout); err != nil {
			return err
		}
	}
	return nil
}

func (a *app) sbomConvertCommand() *cobra.Command {
	var to, out, sidecar string
	var maxSize int64
	cmd := &cobra.Command{
		Use:   "convert FILE",
		Short: "Convert an SBOM to CycloneDX 1.6 (JSON, XML) or SPDX 2.3 JSON",
		Long: `Convert reads any supported SBOM and writes it as CycloneDX 1.6 JSON or XML or as
SPDX 2.3 JSON. --fill-lifecycle merges FDA lifecycle fields (level of support,
end-of-support date) from a sidecar CSV into the output (docs/sbom-lifecycle-fields.md).
Warnings about recoverable defects go to stderr. The output file is written
completely or not at all.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := formats.Target(to)
			if !validTarget(target) {
				return &exitError{ExitError, fmt.Errorf("unknown --to %q (want %s)", to, targetList())}
			}
			doc, err := formats.ReadFile(cmd.Context(), args[0], formats.Options{MaxSize: maxSize})
			if err != nil {
				return &exitError{ExitError, err}
			}
			if sidecar != "" {
				if err := applySidecarFile(doc, sidecar); err != nil {
					return &exitError{ExitError, err}
				}
			}
			a.printWarnings(doc.Warnings)
			if err := a.writeOutput(out, func(w io.Writer) error { return formats.Write(w, doc, target) }); err != nil {
				return &exitError{ExitError, err}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "output format: "+targetList())
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default: stdout)")
	cmd.Flags().StringVar(&sidecar, "fill-lifecycle", "", "sidecar CSV with lifecycle fields to merge (purl or name+version → fields)")
	cmd.Flags().Int64Var(&maxSize, "max-size", formats.DefaultMaxSize, "largest SBOM file to read, in bytes")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

func applySidecarFile(doc *sbom.Document, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("lifecycle sidecar: %w", err)
	}
	defer f.Close()
	rows, err := sbom.ReadSidecar(path, f)
	if err != nil {
		return err
	}
	sbom.ApplySidecar(doc, path, rows)
	return nil
}

func (a *app) printWarnings(ws []*input.Error) {
	for _, w := range ws {
		fmt.Fprintln(a.stderr, "warning:", w)
	}
}

func validTarget(t formats.Target) bool {
	for _, x := range formats.Targets() {
		if x == t {
			return true
		}
	}
	return false
}

func targetList() string {
	var s []string
	for _, t := range formats.Targets() {
		s = append(s, string(t))
	}
	return strings.Join(s, ", ")
}

func (a *app) sbomGenerateCommand() *cobra.Command {
	var n int
	var seed uint64
	var to, out string
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write a synthetic SBOM of N components (for benchmarks and load tests)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if n < 0 {
				return &exitError{ExitError, errors.New("--components must not be negative")}
			}
			target := formats.Target(to)
			if !validTarget(target) {
				return &exitError{ExitError, fmt.Errorf("unknown --to %q (want %s)", to, targetList())}
			}
			doc := synth.Generate(n, seed)
			if err := a.writeOutput(out, func(w io.Writer) error { return formats.Write(w, doc, target) }); err != nil {
				return &exitError{ExitError, err}
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&n, "components", 1000, "number of components besides the primary one")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed; the same seed gives the same SBOM")
	cmd.Flags().StringVar(&to, "to", string(formats.TargetCycloneDXJSON), "output format: "+targetList())
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (default: stdout)")
	return cmd
}
