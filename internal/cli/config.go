package cli

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// applyConfig fills the flags of cmd that were not given on the command line
// from MEDVIGIL_* environment variables (flag name upper-cased, dashes as
// underscores: --sync-interval ← MEDVIGIL_SYNC_INTERVAL), then from the
// configuration file named by --config or MEDVIGIL_CONFIG ("name = value"
// lines, # comments; names are flag names). Command line beats environment
// beats file beats default (docs/configuration.md).
func applyConfig(cmd *cobra.Command) error {
	fileVals := map[string]string{}
	path, _ := cmd.Flags().GetString("config")
	if path == "" {
		path = os.Getenv("MEDVIGIL_CONFIG")
	}
	if path != "" {
		vals, err := readConfigFile(path, cmd.Flags())
		if err != nil {
			return err
		}
		fileVals = vals
	}
	var firstErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || f.Name == "config" || f.Name == "help" || firstErr != nil {
			return
		}
		env := "MEDVIGIL_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := os.LookupEnv(env)
		src := env
		if !ok {
			v, ok = fileVals[f.Name]
			src = path + ": " + f.Name
		}
		if !ok {
			return
		}
		if err := f.Value.Set(v); err != nil {
			firstErr = fmt.Errorf("%s: %w", src, err)
		}
	})
	return firstErr
}

func readConfigFile(path string, flags *pflag.FlagSet) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("configuration file: %w", err)
	}
	defer f.Close()
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want name = value", path, line)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		v = strings.Trim(v, `"`)
		if flags.Lookup(k) == nil {
			return nil, fmt.Errorf("%s:%d: unknown setting %q (settings are the command's flag names)", path, line, k)
		}
		vals[k] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return vals, nil
}
