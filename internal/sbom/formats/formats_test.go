package formats_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
	"medvigil/internal/sbom/formats"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    formats.Kind
		wantErr string
	}{
		{"cyclonedx json", `{"bomFormat":"CycloneDX","specVersion":"1.6"}`, formats.Kind{Format: sbom.FormatCycloneDX, Encoding: sbom.EncodingJSON}, ""},
		{"cyclonedx json with $schema first", "\ufeff {\n \"$schema\": \"http://cyclonedx.org/schema/bom-1.5.schema.json\", \"spdxVersion\": 1}", formats.Kind{Format: sbom.FormatCycloneDX, Encoding: sbom.EncodingJSON}, ""},
		{"spdx json", `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`, formats.Kind{Format: sbom.FormatSPDX, Encoding: sbom.EncodingJSON}, ""},
		{"cyclonedx xml", `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4">`, formats.Kind{Format: sbom.FormatCycloneDX, Encoding: sbom.EncodingXML}, ""},
		{"spdx tag-value", "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n", formats.Kind{Format: sbom.FormatSPDX, Encoding: sbom.EncodingTagValue}, ""},
		{"spdx tag-value after comment", "## SPDX\nSPDXVersion: SPDX-2.2\n", formats.Kind{Format: sbom.FormatSPDX, Encoding: sbom.EncodingTagValue}, ""},
		{"spdx tag-value CR only", "## x\rSPDXVersion: SPDX-2.2\r", formats.Kind{Format: sbom.FormatSPDX, Encoding: sbom.EncodingTagValue}, ""},
		{"spdx rdf", `<rdf:RDF xmlns:spdx="http://spdx.org/rdf/terms#">`, formats.Kind{}, "RDF/XML is not supported"},
		{"empty", "  \n", formats.Kind{}, "empty file"},
		{"other json", `{"name":"package.json"}`, formats.Kind{}, "not a CycloneDX or SPDX document"},
		// Markers beyond the first 64 KiB still count, in file order.
		{"spdx marker after 64 KiB", `{"x":"` + strings.Repeat("a", 70<<10) + `","spdxVersion":"SPDX-2.3","bomFormat":1}`, formats.Kind{Format: sbom.FormatSPDX, Encoding: sbom.EncodingJSON}, ""},
		{"cyclonedx marker after 64 KiB", `{"x":"` + strings.Repeat("a", 70<<10) + `","bomFormat":"CycloneDX"}`, formats.Kind{Format: sbom.FormatCycloneDX, Encoding: sbom.EncodingJSON}, ""},
		{"early marker wins over a late one", `{"SPDXID":"SPDXRef-DOCUMENT","x":"` + strings.Repeat("a", 70<<10) + `","bomFormat":"CycloneDX"}`, formats.Kind{Format: sbom.FormatSPDX, Encoding: sbom.EncodingJSON}, ""},
		{"no marker in a big file", `{"x":"` + strings.Repeat("a", 70<<10) + `"}`, formats.Kind{}, "not a CycloneDX or SPDX document"},
		{"binary", "\x00\x01\x02", formats.Kind{}, "not a CycloneDX or SPDX document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := formats.Detect([]byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Detect = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestReadBadInput checks that bad input gives an *input.Error naming the
// file (and, where there is one, the place), never a panic, and that the
// size limit is enforced before the data is read.
func TestReadBadInput(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.json")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil { // a sparse 1 GiB file
		t.Fatal(err)
	}
	f.Close()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		path     string
		wantErr  error
		wantText string
		wantLine int
	}{
		{"1 GiB file", huge, formats.ErrTooLarge, "exceeds the size limit", 0},
		{"missing file", filepath.Join(dir, "nope.json"), os.ErrNotExist, "nope.json", 0},
		{"not an sbom", write("pkg.json", `{"name":"x"}`), formats.ErrUnknownFormat, "pkg.json", 0},
		{"truncated cyclonedx", write("trunc.cdx.json", "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [ {\"name\": \"a\""), nil, "trunc.cdx.json", 4},
		{"truncated spdx", write("trunc.spdx.json", "{\n\"spdxVersion\": \"SPDX-2.3\",\n\"packages\": [ {"), nil, "trunc.spdx.json", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := formats.ReadFile(context.Background(), tt.path, formats.Options{})
			var ie *input.Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v (%T), want *input.Error", err, err)
			}
			if ie.File != tt.path {
				t.Errorf("File = %q, want %q", ie.File, tt.path)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantText)
			}
			if tt.wantLine != 0 && ie.Line != tt.wantLine {
				t.Errorf("line = %d, want %d (%v)", ie.Line, tt.wantLine, err)
			}
		})
	}
}

func TestReadStreamLimit(t *testing.T) {
	data := bytes.Repeat([]byte(" "), 2048)
	_, err := formats.Read(context.Background(), "stdin", bytes.NewReader(data), formats.Options{MaxSize: 1024})
	if !errors.Is(err, formats.ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestNonUTF8IsAWarning(t *testing.T) {
	data := []byte("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"version\":1,\n\"components\":[{\"type\":\"library\",\"name\":\"caf\xe9\",\"version\":\"1\"}]}")
	doc, err := formats.Decode("latin1.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Components) != 1 || doc.Components[0].Name != "caf\uFFFD" {
		t.Fatalf("components = %+v", doc.Components)
	}
	if len(doc.Warnings) == 0 || doc.Warnings[0].Line != 2 || !strings.Contains(doc.Warnings[0].Error(), "invalid UTF-8") {
		t.Fatalf("warnings = %v, want an invalid UTF-8 warning on line 2", doc.Warnings)
	}
}

func TestWriteUnknownTarget(t *testing.T) {
	if err := formats.Write(&bytes.Buffer{}, &sbom.Document{}, "pdf"); err == nil {
		t.Fatal("Write accepted an unknown target")
	}
}
