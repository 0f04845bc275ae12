package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// TestDecodeParallel checks that the parallel path reads a large document
// exactly as the sequential one does, and leaves defective ones to it.
func TestDecodeParallel(t *testing.T) {
	data := synthJSON(3 * parallelMinPackages)
	w, ok := decodeParallel(data)
	if !ok {
		t.Fatal("decodeParallel refused a well-formed document")
	}
	parallel, err := finishJSON(&w, "f", nil)
	if err != nil {
		t.Fatal(err)
	}
	var seq jsonDoc
	if err := json.Unmarshal(data, &seq); err != nil {
		t.Fatal(err)
	}
	sequential, err := finishJSON(&seq, "f", nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sequential, parallel); diff != "" {
		t.Errorf("parallel read differs (-sequential +parallel):\n%s", diff)
	}

	t.Run("repair inside the packages", func(t *testing.T) {
		bad := bytes.Replace(data, []byte(`"supplier":"Organization: Supplier 2`), []byte(`"supplier":"Supplier 2`), 1)
		d, err := Decode("f", bad, sbom.EncodingJSON)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Warnings) != 1 || d.Warnings[0].Place() != "/packages/2/supplier" {
			t.Errorf("warnings %v, want one at /packages/2/supplier", d.Warnings)
		}
	})
	t.Run("syntax error inside the packages", func(t *testing.T) {
		i := bytes.Index(data, []byte(`"name":"component-4000"`))
		bad := append(append(bytes.Clone(data[:i]), '}'), data[i:]...)
		_, err := Decode("f", bad, sbom.EncodingJSON)
		var ie *input.Error
		if !errors.As(err, &ie) || ie.Line != 1 || ie.Column != i+2 {
			t.Errorf("error %v, want one at line 1, column %d", err, i+2)
		}
	})
}

func TestPackageElements(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string // the elements
		ok   bool
	}{
		{"plain", `{"a":1,"packages":[{"x":"y"}, null ,{"z":[1,{"packages":[]}]}],"b":"c"}`, []string{`{"x":"y"}`, `null`, `{"z":[1,{"packages":[]}]}`}, true},
		{"tricky strings", `{"s":"]}\"packages\":[","packages":[{"n":"a\\"},{"n":"}]\"{["}]}`, []string{`{"n":"a\\"}`, `{"n":"}]\"{["}`}, true},
		{"empty", ` { "packages" : [ ] } `, nil, true},
		{"no packages", `{"files":[]}`, nil, false},
		{"twice", `{"packages":[],"packages":[]}`, nil, false},
		{"escaped key", `{"p\u0061ckages":[1],"packages":[2]}`, nil, false},
		{"not an array", `{"packages":{}}`, nil, false},
		{"not an object", `[{"packages":[]}]`, nil, false},
		{"truncated", `{"packages":[{"a":1}`, nil, false},
		{"missing comma", `{"packages":[{} {}]}`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			elems, span, ok := packageElements(data)
			var got []string
			for _, e := range elems {
				got = append(got, string(data[e[0]:e[1]]))
			}
			if ok != tt.ok || !cmp.Equal(tt.want, got) {
				t.Errorf("packageElements = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
			if ok && !strings.HasPrefix(string(data[span[0]:span[1]]), "[") {
				t.Errorf("span %v is no array", span)
			}
		})
	}
}
