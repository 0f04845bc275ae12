package check

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"medvigil/internal/realdata"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/formats"
)

// sbomqsSections maps the section ids of sbomqs's NTIA report (at commit
// c1c3f91, ../shared/oracle/README.md) to our NTIA elements.
var sbomqsSections = map[string]sbom.Element{
	"1.1": sbom.ElementFormat,       // Machine-Readable Formats
	"1.2": sbom.ElementTool,         // SBOM generation tool declared
	"2.1": sbom.ElementAuthor,       // Author
	"2.2": sbom.ElementTimestamp,    // Timestamp
	"2.3": sbom.ElementDependencies, // Dependencies
	"2.4": sbom.ElementName,         // Package Name
	"2.6": sbom.ElementSupplier,     // Package Supplier
	"2.7": sbom.ElementVersion,      // Package Version
	"2.8": sbom.ElementIdentifiers,  // Other Uniq IDs
}

// difference is one row of testdata/sbomqs-differences.tsv: a count on which
// we consciously differ from sbomqs. Counts are written "checked/missing".
type difference struct {
	file, element, ours, theirs, reason string
}

// TestSbomqsOracle runs the NTIA profile on every SBOM sbomqs could read and
// compares, element by element, how many components were checked and how
// many miss the element. A difference must be listed, with its reason, in
// testdata/sbomqs-differences.tsv; a listed difference that no longer occurs
// fails too, so the list stays true.
func TestSbomqsOracle(t *testing.T) {
	summary := realdata.Oracle(t, "sbomqs-ntia", "SUMMARY.tsv")
	files := readSummary(t, summary)
	if len(files) == 0 {
		t.Fatalf("%s lists no SBOM that sbomqs read", summary)
	}
	listed := readDifferences(t, filepath.Join("testdata", "sbomqs-differences.tsv"))
	seen := map[[2]string]bool{}
	agree := 0
	for _, rel := range files {
		t.Run(rel, func(t *testing.T) {
			doc, err := formats.ReadFile(context.Background(), realdata.Data(t, "sboms", rel), formats.Options{})
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			rep := Run(doc, ProfileNTIA2021)
			theirs := readOracle(t, realdata.Oracle(t, "sbomqs-ntia", rel+".tsv"))
			fileAgrees := true
			for _, e := range rep.Elements {
				ours := fmt.Sprintf("%d/%d", e.Checked, e.Missing)
				their, ok := theirs[e.Element]
				if !ok {
					their = "-"
				}
				key := [2]string{rel, string(e.Element)}
				d, isListed := listed[key]
				switch {
				case ours == their && isListed:
					t.Errorf("%s: listed difference no longer occurs: both %s; remove it from testdata/sbomqs-differences.tsv", e.Element, ours)
				case ours == their:
				case !isListed:
					fileAgrees = false
					t.Errorf("%s: ours %s, sbomqs %s (checked/missing); fix the rule or list the difference with its reason\n  missing ids: %s",
						e.Element, ours, their, strings.Join(e.MissingIDs[:min(len(e.MissingIDs), 20)], " | "))
				case d.ours != ours || d.theirs != their:
					fileAgrees = false
					t.Errorf("%s: listed as ours %s, sbomqs %s, but now ours %s, sbomqs %s; update testdata/sbomqs-differences.tsv",
						e.Element, d.ours, d.theirs, ours, their)
				default:
					fileAgrees = false
				}
				if isListed {
					seen[key] = true
				}
			}
			if fileAgrees {
				agree++
			}
		})
	}
	for key, d := range listed {
		if !seen[key] {
			t.Errorf("testdata/sbomqs-differences.tsv lists %s %s, which the oracle does not cover", d.file, d.element)
		}
	}
	t.Logf("%d of %d SBOMs agree with sbomqs on every element; %d listed differences", agree, len(files), len(listed))
}

// readSummary returns the SBOMs (paths under ../shared/data/sboms) that
// sbomqs read, exit code 0.
func readSummary(t *testing.T, path string) []string {
	t.Helper()
	var files []string
	for i, row := range readTSV(t, path) {
		if i == 0 {
			continue // header: sbom exit total_score required_elements_score
		}
		if len(row) < 2 {
			t.Fatalf("%s: row %d: %d columns", path, i+1, len(row))
		}
		if row[1] == "0" {
			files = append(files, row[0])
		}
	}
	return files
}

// readOracle returns sbomqs's "elements/missing" per element. A document
// without components gets from sbomqs one row without section id ("SBOM
// Data Fields" absent) and no component rows; that reads as 0 of 0 for each
// component-level element.
func readOracle(t *testing.T, path string) map[sbom.Element]string {
	t.Helper()
	out := map[sbom.Element]string{}
	noComponents := false
	for i, row := range readTSV(t, path) {
		if i == 0 {
			continue // section_id data_field required elements missing missing_ids
		}
		if len(row) < 5 {
			t.Fatalf("%s: row %d: %d columns", path, i+1, len(row))
		}
		if row[0] == "" && row[1] == "" && len(row) > 5 && row[5] == "SBOM Data Fields" {
			noComponents = true
			continue
		}
		e, ok := sbomqsSections[row[0]]
		if !ok {
			t.Fatalf("%s: row %d: unknown sbomqs section %q (%s)", path, i+1, row[0], row[1])
		}
		elements, err1 := strconv.Atoi(row[3])
		missing, err2 := strconv.Atoi(row[4])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: row %d: counts %q, %q", path, i+1, row[3], row[4])
		}
		out[e] = fmt.Sprintf("%d/%d", elements, missing)
	}
	if noComponents {
		for _, e := range []sbom.Element{sbom.ElementName, sbom.ElementSupplier, sbom.ElementVersion, sbom.ElementIdentifiers} {
			if _, ok := out[e]; !ok {
				out[e] = "0/0"
			}
		}
	}
	return out
}

// readDifferences reads the listed differences: file, element, ours, theirs,
// reason; lines starting with # are comments.
func readDifferences(t *testing.T, path string) map[[2]string]difference {
	t.Helper()
	out := map[[2]string]difference{}
	for i, row := range readTSV(t, path) {
		if i == 0 || len(row) == 0 || strings.HasPrefix(row[0], "#") {
			continue
		}
		if len(row) != 5 || strings.TrimSpace(row[4]) == "" {
			t.Fatalf("%s: line %d: want file, element, ours, theirs and a reason", path, i+1)
		}
		d := difference{row[0], row[1], row[2], row[3], row[4]}
		key := [2]string{d.file, d.element}
		if _, dup := out[key]; dup {
			t.Fatalf("%s: line %d: %s %s listed twice", path, i+1, d.file, d.element)
		}
		out[key] = d
	}
	return out
}

func readTSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			rows = append(rows, nil)
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}
