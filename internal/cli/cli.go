package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// Exit codes of the medvigil command (docs/cli.md).
const (
	ExitOK      = 0 // success
	ExitFinding = 1 // the command worked and found what --strict / --fail-on asks to fail on
	ExitError   = 2 // bad usage, or input that could not be read
)

// Version is the medvigil version, set at build time with
// -ldflags "-X medvigil/internal/cli.Version=v1.2.3".
var Version = "dev"

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// app holds what every command needs: the streams and the logger.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
}

// Run executes medvigil with args (without the program name) and returns
// the process exit code. Results go to stdout; logs, progress and errors go
// to stderr.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{
		stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "medvigil:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "medvigil:", err)
	return ExitError
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "medvigil",
		Short:         "Medical-device cybersecurity across the total product life cycle",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.AddCommand(a.sbomCommand(), a.scanCommand(), a.kbCommand(), a.serveCommand(), a.adminCommand(), a.backupCommand())
	return root
}

// writeOutput writes to stdout when path is "" or "-"; otherwise to a
// temporary file beside path that is renamed over it only when write
// succeeds, so a failed run never leaves a half-written file.
func (a *app) writeOutput(path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(a.stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
