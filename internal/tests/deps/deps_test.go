package deps

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"medvigil/internal/realdata"
)

// policy maps each package to the non-standard-library packages it may
// import. An entry ending in "/..." allows a whole tree. Every medvigil
// package must be listed.
func policy() map[string][]string {
	const (
		input    = "medvigil/internal/input"
		sbom     = "medvigil/internal/sbom"
		cdx      = "github.com/CycloneDX/cyclonedx-go/..."
		spdxLib  = "github.com/spdx/tools-golang/..."
		purl     = "github.com/package-url/packageurl-go"
		realdata = "medvigil/internal/realdata"
		cobra    = "github.com/spf13/cobra"
		allOfUs  = "medvigil/internal/..."
		vulnPkg  = "medvigil/internal/vuln"
		cvss     = "github.com/pandatix/go-cvss/..."
	)
	return map[string][]string{
		"medvigil/cmd/medvigil":              {"medvigil/internal/cli"},
		"medvigil/internal/cli":              {allOfUs, cobra, "github.com/spf13/pflag", "github.com/prometheus/client_golang/prometheus"},
		"medvigil/internal/input":            {},
		"medvigil/internal/realdata":         {},
		"medvigil/internal/tests/deps":       {},
		"medvigil/internal/tests/osvscanner": {},
		sbom:                                 {input, purl},
		"medvigil/internal/sbom/cyclonedx":   {input, sbom, cdx, purl, "github.com/goccy/go-json"},
		"medvigil/internal/sbom/spdx":        {input, sbom, spdxLib, purl},
		"medvigil/internal/sbom/formats":     {input, sbom, "medvigil/internal/sbom/cyclonedx", "medvigil/internal/sbom/spdx"},
		"medvigil/internal/sbom/check":       {input, sbom},
		"medvigil/internal/sbom/synth":       {sbom},
		vulnPkg:                              {input, purl, cvss},
		"medvigil/internal/vuln/osv":         {vulnPkg, input, cvss},
		"medvigil/internal/vuln/kev":         {vulnPkg, input},
		"medvigil/internal/vuln/epss":        {vulnPkg, input},
		"medvigil/internal/vuln/nvd":         {vulnPkg, input, cvss},
		"medvigil/internal/csaf":             {vulnPkg, input, "github.com/gocsaf/csaf/v3/...", purl},
		"medvigil/internal/report":           {sbom, vulnPkg, "medvigil/internal/match", cdx},
		"medvigil/internal/feeds":            {vulnPkg, input, "medvigil/internal/vuln/...", "medvigil/internal/csaf"},
		"medvigil/internal/match/portfolio":  {sbom, vulnPkg, "medvigil/internal/match", "medvigil/internal/match/cpe", purl, "github.com/google/osv-scalibr/semantic"},
		"medvigil/internal/vuln/snapshot":    {vulnPkg},
		"medvigil/internal/match/cpe":        {vulnPkg},
		"medvigil/internal/match":            {sbom, vulnPkg, "medvigil/internal/match/cpe", purl, "github.com/google/osv-scalibr/semantic"},
		// Server side (issue 4).
		"medvigil/internal/store":             {"medvigil/internal/store/...", "modernc.org/sqlite/...", "github.com/jackc/pgx/v5/..."},
		"medvigil/internal/store/storetest":   {"medvigil/internal/store", realdata},
		"medvigil/internal/auth":              {"medvigil/internal/store", "github.com/alexedwards/argon2id"},
		"medvigil/internal/kbsync":            {vulnPkg, input, "medvigil/internal/vuln/...", "medvigil/internal/csaf", "medvigil/internal/feeds", "github.com/ProtonMail/go-crypto/..."},
		"medvigil/internal/notify":            {"medvigil/internal/store", "github.com/emersion/go-smtp", "github.com/emersion/go-sasl"},
		"medvigil/internal/monitor":           {allOfUs},
		"medvigil/internal/server":            {allOfUs, "github.com/prometheus/client_golang/...", "github.com/alexedwards/argon2id"},
		"medvigil/internal/demo":              {allOfUs},
		"medvigil/internal/tests/schematest":  {"github.com/santhosh-tekuri/jsonschema/v6"},
		"medvigil/internal/tests/serverbench": {allOfUs, purl},
	}
}

// forbiddenStd lists standard-library packages that domain packages must not
// import: they belong to the store and server layers.
func forbiddenStd() []string { return []string{"net/http", "database/sql"} }

func domain(pkg string) bool {
	for _, p := range []string{"medvigil/internal/sbom", "medvigil/internal/vuln", "medvigil/internal/match", "medvigil/internal/csaf"} {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return true
		}
	}
	return pkg == "medvigil/internal/input"
}

func allowed(list []string, imp string) bool {
	for _, a := range list {
		if a == imp || (strings.HasSuffix(a, "/...") && (imp == strings.TrimSuffix(a, "/...") || strings.HasPrefix(imp, strings.TrimSuffix(a, "...")))) {
			return true
		}
	}
	return false
}

func TestImportPolicy(t *testing.T) {
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Dir = realdata.Root(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pol := policy()
	sc := bufio.NewScanner(bytes.NewReader(out))
	seen := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		pkg, imports := fields[0], fields[1:]
		list, ok := pol[pkg]
		if !ok {
			t.Errorf("%s is not in the import policy: add it to policy() with what it may import", pkg)
			continue
		}
		seen++
		for _, imp := range imports {
			std := !strings.Contains(strings.Split(imp, "/")[0], ".") && !strings.HasPrefix(imp, "medvigil/")
			if std {
				if domain(pkg) {
					for _, f := range forbiddenStd() {
						if imp == f || strings.HasPrefix(imp, f+"/") {
							t.Errorf("%s imports %s: domain packages must not", pkg, imp)
						}
					}
				}
				continue
			}
			if !allowed(list, imp) {
				t.Errorf("%s imports %s, which the policy does not allow", pkg, imp)
			}
		}
	}
	if seen == 0 {
		t.Fatal("go list listed no packages")
	}
}
