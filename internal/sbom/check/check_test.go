package check

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// fullDoc returns a CycloneDX document that covers every element of every
// profile: a primary component "app" depending on "lib", which depends on
// nothing.
func fullDoc() *sbom.Document {
	comp := func(ref, name string) sbom.Component {
		return sbom.Component{
			Ref: ref, Type: "library", Name: name, Version: "1.0.0",
			Supplier: &sbom.Party{Name: "Acme"},
			PURL:     "pkg:generic/acme/" + name + "@1.0.0",
			Hashes:   []sbom.Hash{{Algorithm: "SHA-256", Value: "abc123"}},
			Licenses: []string{"Apache-2.0"},
			Lifecycle: sbom.Lifecycle{
				LevelOfSupport: sbom.SupportActive,
				EndOfSupport:   "2030-12-31",
			},
		}
	}
	app := comp("app", "app")
	app.Type = "application"
	app.Lifecycle = sbom.Lifecycle{} // the device software itself
	return &sbom.Document{
		Format: sbom.FormatCycloneDX, SpecVersion: "1.6", Encoding: sbom.EncodingJSON,
		SerialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79", Version: 1,
		Authors:      []sbom.Party{{Name: "Acme Medical", Kind: "organization"}},
		Tools:        []sbom.Tool{{Name: "syft", Version: "1.0.0"}},
		Timestamp:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		TimestampRaw: "2026-01-02T03:04:05Z",
		Lifecycles:   []string{"build"},
		PrimaryRef:   "app",
		Components:   []sbom.Component{app, comp("lib", "lib")},
		Dependencies: []sbom.Dependency{{Ref: "app", DependsOn: []string{"lib"}}, {Ref: "lib"}},
	}
}

// spdxDoc is fullDoc read as an SPDX document would be: no CycloneDX
// version, no lifecycle.
func spdxDoc() *sbom.Document {
	d := fullDoc()
	d.Format, d.SpecVersion, d.Encoding = sbom.FormatSPDX, "2.3", sbom.EncodingJSON
	d.SerialNumber = "https://example.com/spdx/app-1.0.0-3e671687"
	d.Version = 0
	d.Lifecycles = nil
	return d
}

func lib(d *sbom.Document) *sbom.Component { return d.Component("lib") }
func app(d *sbom.Document) *sbom.Component { return d.Component("app") }

// outcome is the part of an ElementResult a case decides.
type outcome struct {
	Checked    int
	Missing    int
	MissingIDs []string
	Marked     int
	MarkedIDs  []string
	Covered    bool
}

func outcomeOf(r ElementResult) outcome {
	return outcome{r.Checked, r.Missing, r.MissingIDs, r.Marked, r.MarkedIDs, r.Covered}
}

var (
	docOK      = outcome{Checked: 1, MissingIDs: []string{}, MarkedIDs: []string{}, Covered: true}
	docMissing = outcome{Checked: 1, Missing: 1, MissingIDs: []string{}, MarkedIDs: []string{}}
	// docMarkedOK: marked, and the profile accepts the marking.
	docMarkedOK = outcome{Checked: 1, Marked: 1, MissingIDs: []string{}, MarkedIDs: []string{}, Covered: true}
	// docMarkedMissing: marked, and the profile does not accept it.
	docMarkedMissing = outcome{Checked: 1, Missing: 1, Marked: 1, MissingIDs: []string{}, MarkedIDs: []string{}}
	compOK           = outcome{Checked: 2, MissingIDs: []string{}, MarkedIDs: []string{}, Covered: true}
)

func compMissing(ids ...string) outcome {
	return outcome{Checked: 2, Missing: len(ids), MissingIDs: ids, MarkedIDs: []string{}}
}

func compMarkedOK(ids ...string) outcome {
	return outcome{Checked: 2, Marked: len(ids), MissingIDs: []string{}, MarkedIDs: ids, Covered: true}
}

func compMarkedMissing(ids ...string) outcome {
	return outcome{Checked: 2, Missing: len(ids), MissingIDs: ids, Marked: len(ids), MarkedIDs: ids}
}

type elementCase struct {
	name    string
	doc     func() *sbom.Document // fullDoc when nil
	mutate  func(d *sbom.Document)
	element sbom.Element
	want    outcome
}

func runElementCases(t *testing.T, p Profile, cases []elementCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			mk := tt.doc
			if mk == nil {
				mk = fullDoc
			}
			d := mk()
			if tt.mutate != nil {
				tt.mutate(d)
			}
			rep := Run(d, p)
			got, ok := findElement(rep, tt.element)
			if !ok {
				t.Fatalf("profile %s has no element %q", p, tt.element)
			}
			if diff := cmp.Diff(tt.want, outcomeOf(got)); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", p, tt.element, diff)
			}
		})
	}
}

func findElement(r Report, e sbom.Element) (ElementResult, bool) {
	for _, x := range r.Elements {
		if x.Element == e {
			return x, true
		}
	}
	return ElementResult{}, false
}

func TestFullDocumentCovered(t *testing.T) {
	for _, p := range Profiles() {
		for name, mk := range map[string]func() *sbom.Document{"cyclonedx": fullDoc, "spdx": spdxDoc} {
			if p == ProfileCISA2026 && name == "spdx" {
				continue // SPDX 2 has no generation context; see TestCISA
			}
			t.Run(string(p)+"/"+name, func(t *testing.T) {
				rep := Run(mk(), p)
				if !rep.Covered {
					t.Errorf("Covered = false, want true; elements: %+v", rep.Elements)
				}
				for _, e := range rep.Elements {
					if !e.Covered || e.Missing != 0 || e.Marked != 0 {
						t.Errorf("element %s: %+v, want covered with nothing missing or marked", e.Element, e)
					}
				}
			})
		}
	}
}

func TestProfileElements(t *testing.T) {
	type el struct {
		Element         sbom.Element
		Level           Level
		Required        bool
		MarkingAccepted bool
	}
	doc, comp := LevelDocument, LevelComponent
	ntia := []el{
		{sbom.ElementFormat, doc, true, false},
		{sbom.ElementTool, doc, false, false},
		{sbom.ElementAuthor, doc, true, false},
		{sbom.ElementTimestamp, doc, true, false},
		{sbom.ElementDependencies, doc, true, true},
		{sbom.ElementSupplier, comp, true, false},
		{sbom.ElementName, comp, true, false},
		{sbom.ElementVersion, comp, true, false},
		{sbom.ElementIdentifiers, comp, true, false},
	}
	want := map[Profile][]el{
		ProfileNTIA2021: ntia,
		ProfileCISA2026: {
			{sbom.ElementAuthor, doc, true, true},
			{sbom.ElementFormat, doc, true, true},
			{sbom.ElementGenerationContext, doc, true, true},
			{sbom.ElementTimestamp, doc, true, true},
			{sbom.ElementTool, doc, true, true},
			{sbom.ElementSBOMVersion, doc, true, true},
			{sbom.ElementName, comp, true, true},
			{sbom.ElementVersion, comp, true, true},
			{sbom.ElementProducer, comp, true, true},
			{sbom.ElementIdentifiers, comp, true, true},
			{sbom.ElementHash, comp, true, true},
			{sbom.ElementLicense, comp, true, true},
			{sbom.ElementDependencies, comp, true, true},
		},
		ProfileFDAPremarket: append(append([]el{}, ntia...),
			el{sbom.ElementLevelOfSupport, comp, true, true},
			el{sbom.ElementEndOfSupport, comp, true, true},
		),
	}
	for _, p := range Profiles() {
		rep := Run(fullDoc(), p)
		var got []el
		for _, e := range rep.Elements {
			if e.Title == "" {
				t.Errorf("%s %s: empty title", p, e.Element)
			}
			got = append(got, el{e.Element, e.Level, e.Required, e.MarkingAccepted})
		}
		if diff := cmp.Diff(want[p], got); diff != "" {
			t.Errorf("%s elements (-want +got):\n%s", p, diff)
		}
	}
}

func TestNTIA(t *testing.T) {
	runElementCases(t, ProfileNTIA2021, []elementCase{
		// 1.1 machine-readable format
		{name: "format/known", element: sbom.ElementFormat, want: docOK},
		{name: "format/spdx tag-value", doc: spdxDoc, mutate: func(d *sbom.Document) { d.Encoding = sbom.EncodingTagValue }, element: sbom.ElementFormat, want: docOK},
		{name: "format/unknown", mutate: func(d *sbom.Document) { d.Format = "SWID" }, element: sbom.ElementFormat, want: docMissing},

		// 1.2 generation tool
		{name: "tool/named", element: sbom.ElementTool, want: docOK},
		{name: "tool/none", mutate: func(d *sbom.Document) { d.Tools = nil }, element: sbom.ElementTool, want: docMissing},
		{name: "tool/nameless", mutate: func(d *sbom.Document) { d.Tools = []sbom.Tool{{Version: "1"}} }, element: sbom.ElementTool, want: docMissing},

		// 2.1 author, with sbomqs's fallbacks
		{name: "author/explicit", element: sbom.ElementAuthor, want: docOK},
		{name: "author/email only", mutate: func(d *sbom.Document) { d.Authors = []sbom.Party{{Email: "sbom@acme.example"}} }, element: sbom.ElementAuthor, want: docOK},
		{name: "author/from tool", mutate: func(d *sbom.Document) { d.Authors = nil }, element: sbom.ElementAuthor, want: docOK},
		{name: "author/from supplier", mutate: func(d *sbom.Document) {
			d.Authors, d.Tools = nil, nil
			d.Supplier = &sbom.Party{Name: "Acme"}
		}, element: sbom.ElementAuthor, want: docOK},
		{name: "author/from manufacturer", mutate: func(d *sbom.Document) {
			d.Authors, d.Tools = nil, nil
			d.Manufacturer = &sbom.Party{URLs: []string{"https://acme.example"}}
		}, element: sbom.ElementAuthor, want: docOK},
		{name: "author/none", mutate: func(d *sbom.Document) { d.Authors, d.Tools = nil, nil }, element: sbom.ElementAuthor, want: docMissing},
		{name: "author/empty party", mutate: func(d *sbom.Document) {
			d.Authors, d.Tools = []sbom.Party{{Kind: "person"}}, nil
		}, element: sbom.ElementAuthor, want: docMissing},
		{name: "author/withheld is not enough", mutate: func(d *sbom.Document) {
			d.Authors, d.Tools = nil, nil
			d.Withheld = []sbom.Element{sbom.ElementAuthor}
		}, element: sbom.ElementAuthor, want: docMarkedMissing},

		// 2.2 timestamp
		{name: "timestamp/rfc3339", element: sbom.ElementTimestamp, want: docOK},
		{name: "timestamp/fractional and offset", mutate: func(d *sbom.Document) { d.TimestampRaw = "2026-01-02T03:04:05.123+01:00" }, element: sbom.ElementTimestamp, want: docOK},
		{name: "timestamp/parsed only", mutate: func(d *sbom.Document) { d.TimestampRaw = "" }, element: sbom.ElementTimestamp, want: docOK},
		{name: "timestamp/not rfc3339", mutate: func(d *sbom.Document) {
			d.Timestamp, d.TimestampRaw = time.Time{}, "2026-01-02 03:04:05"
		}, element: sbom.ElementTimestamp, want: docMissing},
		{name: "timestamp/no zone", mutate: func(d *sbom.Document) { d.TimestampRaw = "2026-01-02T03:04:05" }, element: sbom.ElementTimestamp, want: docMissing},
		{name: "timestamp/none", mutate: func(d *sbom.Document) { d.Timestamp, d.TimestampRaw = time.Time{}, "" }, element: sbom.ElementTimestamp, want: docMissing},
		{name: "timestamp/unknown is not enough", mutate: func(d *sbom.Document) {
			d.Timestamp, d.TimestampRaw = time.Time{}, ""
			d.Unknown = []sbom.Element{sbom.ElementTimestamp}
		}, element: sbom.ElementTimestamp, want: docMarkedMissing},

		// 2.3 dependency relationship of the primary component
		{name: "dependencies/direct", element: sbom.ElementDependencies, want: docOK},
		{name: "dependencies/no primary", mutate: func(d *sbom.Document) { d.PrimaryRef = "" }, element: sbom.ElementDependencies, want: docMissing},
		{name: "dependencies/primary not in graph", mutate: func(d *sbom.Document) { d.Dependencies = d.Dependencies[1:] }, element: sbom.ElementDependencies, want: docMissing},
		{name: "dependencies/dangling target", mutate: func(d *sbom.Document) { d.Dependencies[0].DependsOn = []string{"ghost"} }, element: sbom.ElementDependencies, want: docMissing},
		{name: "dependencies/only itself", mutate: func(d *sbom.Document) { d.Dependencies[0].DependsOn = []string{"app"} }, element: sbom.ElementDependencies, want: docMissing},
		{name: "dependencies/second entry", mutate: func(d *sbom.Document) {
			d.Dependencies = []sbom.Dependency{{Ref: "app", DependsOn: []string{"ghost"}}, {Ref: "app", DependsOn: []string{"lib"}}}
		}, element: sbom.ElementDependencies, want: docOK},
		{name: "dependencies/contains", mutate: func(d *sbom.Document) {
			d.Dependencies = nil
			lib(d).Parent = "app"
		}, element: sbom.ElementDependencies, want: docOK},
		{name: "dependencies/contained by another", mutate: func(d *sbom.Document) {
			d.Dependencies = nil
			app(d).Parent = "lib"
		}, element: sbom.ElementDependencies, want: docMissing},
		{name: "dependencies/explicitly none beside other components", mutate: func(d *sbom.Document) { d.Dependencies[0].DependsOn = nil }, element: sbom.ElementDependencies, want: docMissing},
		{name: "dependencies/explicitly none, sole component", mutate: func(d *sbom.Document) {
			d.Components = d.Components[:1]
			d.Dependencies = []sbom.Dependency{{Ref: "app"}}
		}, element: sbom.ElementDependencies, want: docOK},
		{name: "dependencies/primary marked unknown", mutate: func(d *sbom.Document) {
			d.Dependencies = nil
			app(d).Unknown = []sbom.Element{sbom.ElementDependencies}
		}, element: sbom.ElementDependencies, want: docMarkedOK},
		{name: "dependencies/document marked unknown", mutate: func(d *sbom.Document) {
			d.Dependencies = nil
			d.Unknown = []sbom.Element{sbom.ElementDependencies}
		}, element: sbom.ElementDependencies, want: docMarkedOK},

		// 2.6 supplier, falling back to manufacturer and originator
		{name: "supplier/present", element: sbom.ElementSupplier, want: compOK},
		{name: "supplier/missing", mutate: func(d *sbom.Document) { lib(d).Supplier = nil }, element: sbom.ElementSupplier, want: compMissing("lib")},
		{name: "supplier/manufacturer", mutate: func(d *sbom.Document) {
			lib(d).Supplier, lib(d).Manufacturer = nil, &sbom.Party{Name: "Acme"}
		}, element: sbom.ElementSupplier, want: compOK},
		{name: "supplier/originator", doc: spdxDoc, mutate: func(d *sbom.Document) {
			lib(d).Supplier, lib(d).Originator = nil, &sbom.Party{Name: "Jane Doe", Kind: "person"}
		}, element: sbom.ElementSupplier, want: compOK},
		{name: "supplier/url only", mutate: func(d *sbom.Document) {
			lib(d).Supplier = &sbom.Party{URLs: []string{"https://acme.example"}}
		}, element: sbom.ElementSupplier, want: compOK},
		{name: "supplier/empty party", mutate: func(d *sbom.Document) { lib(d).Supplier = &sbom.Party{} }, element: sbom.ElementSupplier, want: compMissing("lib")},
		{name: "supplier/author is not supplier", mutate: func(d *sbom.Document) {
			lib(d).Supplier, lib(d).Authors = nil, []sbom.Party{{Name: "Jane"}}
		}, element: sbom.ElementSupplier, want: compMissing("lib")},
		{name: "supplier/noassertion", doc: spdxDoc, mutate: func(d *sbom.Document) {
			lib(d).Supplier = &sbom.Party{Name: "NOASSERTION"}
		}, element: sbom.ElementSupplier, want: compMarkedMissing("lib")},
		{name: "supplier/noassertion with originator", doc: spdxDoc, mutate: func(d *sbom.Document) {
			lib(d).Supplier = &sbom.Party{Name: "NOASSERTION"}
			lib(d).Originator = &sbom.Party{Name: "Jane Doe"}
		}, element: sbom.ElementSupplier, want: compOK},
		{name: "supplier/marked unknown", mutate: func(d *sbom.Document) {
			lib(d).Supplier = nil
			lib(d).Unknown = []sbom.Element{sbom.ElementSupplier}
		}, element: sbom.ElementSupplier, want: compMarkedMissing("lib")},
		{name: "supplier/ids of refless components", mutate: func(d *sbom.Document) {
			for i := range d.Components {
				d.Components[i].Supplier = nil
				d.Components[i].Ref = ""
			}
			d.Components[0].Group = "com.acme"
			d.PrimaryRef = ""
		}, element: sbom.ElementSupplier, want: compMissing("com.acme/app@1.0.0", "lib@1.0.0")},

		// 2.4 name and 2.7 version
		{name: "name/present", element: sbom.ElementName, want: compOK},
		{name: "name/blank", mutate: func(d *sbom.Document) { lib(d).Name = "  " }, element: sbom.ElementName, want: compMissing("lib")},
		{name: "version/missing", mutate: func(d *sbom.Document) { lib(d).Version, app(d).Version = "", "" }, element: sbom.ElementVersion, want: compMissing("app", "lib")},
		{name: "version/noassertion", doc: spdxDoc, mutate: func(d *sbom.Document) { lib(d).Version = "NOASSERTION" }, element: sbom.ElementVersion, want: compMarkedMissing("lib")},
		{name: "version/withheld", mutate: func(d *sbom.Document) {
			lib(d).Version = ""
			lib(d).Withheld = []sbom.Element{sbom.ElementVersion}
		}, element: sbom.ElementVersion, want: compMarkedMissing("lib")},

		// 2.8 other unique identifiers
		{name: "identifiers/purl", element: sbom.ElementIdentifiers, want: compOK},
		{name: "identifiers/none", mutate: func(d *sbom.Document) { lib(d).PURL = "" }, element: sbom.ElementIdentifiers, want: compMissing("lib")},
		{name: "identifiers/invalid purl", mutate: func(d *sbom.Document) { lib(d).PURL = "lib@1.0.0" }, element: sbom.ElementIdentifiers, want: compMissing("lib")},
		{name: "identifiers/purl without name", mutate: func(d *sbom.Document) { lib(d).PURL = "pkg:npm/" }, element: sbom.ElementIdentifiers, want: compMissing("lib")},
		{name: "identifiers/cpe 2.3", mutate: func(d *sbom.Document) {
			lib(d).PURL, lib(d).CPEs = "", []string{"cpe:2.3:a:acme:lib:1.0.0:*:*:*:*:*:*:*"}
		}, element: sbom.ElementIdentifiers, want: compOK},
		{name: "identifiers/cpe 2.2", mutate: func(d *sbom.Document) {
			lib(d).PURL, lib(d).CPEs = "", []string{"cpe:/a:acme:lib:1.0.0"}
		}, element: sbom.ElementIdentifiers, want: compOK},
		{name: "identifiers/invalid cpe", mutate: func(d *sbom.Document) {
			lib(d).PURL, lib(d).CPEs = "", []string{"cpe:2.3:a:acme:lib"}
		}, element: sbom.ElementIdentifiers, want: compMissing("lib")},
		{name: "identifiers/swid", mutate: func(d *sbom.Document) {
			lib(d).PURL, lib(d).Identifiers = "", []sbom.Identifier{{Type: "swid", Value: "swidgen-acme-lib-1.0.0"}}
		}, element: sbom.ElementIdentifiers, want: compOK},
		{name: "identifiers/malformed purl kept as identifier", mutate: func(d *sbom.Document) {
			lib(d).PURL, lib(d).Identifiers = "", []sbom.Identifier{{Type: "purl", Value: "https://github.com/acme/lib"}}
		}, element: sbom.ElementIdentifiers, want: compMissing("lib")},
		{name: "identifiers/malformed cpe kept as identifier", mutate: func(d *sbom.Document) {
			lib(d).PURL, lib(d).Identifiers = "", []sbom.Identifier{{Type: "cpe23Type", Value: "acme lib"}}
		}, element: sbom.ElementIdentifiers, want: compMissing("lib")},
		{name: "identifiers/valid purl kept as identifier", mutate: func(d *sbom.Document) {
			lib(d).PURL, lib(d).Identifiers = "", []sbom.Identifier{{Type: "purl", Value: "pkg:npm/lib@1"}}
		}, element: sbom.ElementIdentifiers, want: compOK},
		{name: "identifiers/marked unknown", mutate: func(d *sbom.Document) {
			lib(d).PURL = ""
			lib(d).Unknown = []sbom.Element{sbom.ElementIdentifiers}
		}, element: sbom.ElementIdentifiers, want: compMarkedMissing("lib")},

		// a document without components covers no component element
		{name: "no components", mutate: func(d *sbom.Document) { d.Components, d.PrimaryRef = nil, "" }, element: sbom.ElementName,
			want: outcome{MissingIDs: []string{}, MarkedIDs: []string{}}},
	})
}

func TestCISA(t *testing.T) {
	runElementCases(t, ProfileCISA2026, []elementCase{
		{name: "author/explicit", element: sbom.ElementAuthor, want: docOK},
		{name: "author/tool is not author", mutate: func(d *sbom.Document) { d.Authors = nil }, element: sbom.ElementAuthor, want: docMissing},
		{name: "author/withheld", mutate: func(d *sbom.Document) {
			d.Authors = nil
			d.Withheld = []sbom.Element{sbom.ElementAuthor}
		}, element: sbom.ElementAuthor, want: docMarkedOK},

		{name: "format/with version", element: sbom.ElementFormat, want: docOK},
		{name: "format/no version", mutate: func(d *sbom.Document) { d.SpecVersion = "" }, element: sbom.ElementFormat, want: docMissing},

		{name: "generation context/lifecycle", element: sbom.ElementGenerationContext, want: docOK},
		{name: "generation context/spdx", doc: spdxDoc, element: sbom.ElementGenerationContext, want: docMissing},
		{name: "generation context/spdx marked unknown", doc: spdxDoc, mutate: func(d *sbom.Document) {
			d.Unknown = []sbom.Element{sbom.ElementGenerationContext}
		}, element: sbom.ElementGenerationContext, want: docMarkedOK},

		{name: "timestamp/invalid", mutate: func(d *sbom.Document) { d.TimestampRaw = "yesterday" }, element: sbom.ElementTimestamp, want: docMissing},
		{name: "timestamp/unknown", mutate: func(d *sbom.Document) {
			d.Timestamp, d.TimestampRaw = time.Time{}, ""
			d.Unknown = []sbom.Element{sbom.ElementTimestamp}
		}, element: sbom.ElementTimestamp, want: docMarkedOK},

		{name: "tool/name and version", element: sbom.ElementTool, want: docOK},
		{name: "tool/no version", mutate: func(d *sbom.Document) {
			d.Tools = append(d.Tools, sbom.Tool{Name: "handmade"})
		}, element: sbom.ElementTool, want: docMissing},
		{name: "tool/none", mutate: func(d *sbom.Document) { d.Tools = nil }, element: sbom.ElementTool, want: docMissing},
		{name: "tool/none marked unknown", mutate: func(d *sbom.Document) {
			d.Tools = nil
			d.Unknown = []sbom.Element{sbom.ElementTool}
		}, element: sbom.ElementTool, want: docMarkedOK},

		{name: "sbom version/cyclonedx", element: sbom.ElementSBOMVersion, want: docOK},
		{name: "sbom version/cyclonedx absent", mutate: func(d *sbom.Document) { d.Version = 0 }, element: sbom.ElementSBOMVersion, want: docMissing},
		{name: "sbom version/spdx namespace", doc: spdxDoc, element: sbom.ElementSBOMVersion, want: docOK},
		{name: "sbom version/spdx no namespace", doc: spdxDoc, mutate: func(d *sbom.Document) { d.SerialNumber = "" }, element: sbom.ElementSBOMVersion, want: docMissing},

		{name: "name/withheld", mutate: func(d *sbom.Document) {
			lib(d).Name = ""
			lib(d).Withheld = []sbom.Element{sbom.ElementName}
		}, element: sbom.ElementName, want: compMarkedOK("lib")},
		{name: "version/noassertion", doc: spdxDoc, mutate: func(d *sbom.Document) { lib(d).Version = "NOASSERTION" }, element: sbom.ElementVersion, want: compMarkedOK("lib")},

		{name: "producer/supplier", element: sbom.ElementProducer, want: compOK},
		{name: "producer/manufacturer", mutate: func(d *sbom.Document) {
			lib(d).Supplier, lib(d).Manufacturer = nil, &sbom.Party{Name: "Acme"}
		}, element: sbom.ElementProducer, want: compOK},
		{name: "producer/author", mutate: func(d *sbom.Document) {
			lib(d).Supplier, lib(d).Authors = nil, []sbom.Party{{Name: "Jane"}}
		}, element: sbom.ElementProducer, want: compOK},
		{name: "producer/publisher", mutate: func(d *sbom.Document) {
			lib(d).Supplier, lib(d).Publisher = nil, "Acme Publishing"
		}, element: sbom.ElementProducer, want: compOK},
		{name: "producer/originator", doc: spdxDoc, mutate: func(d *sbom.Document) {
			lib(d).Supplier, lib(d).Originator = nil, &sbom.Party{Name: "Jane"}
		}, element: sbom.ElementProducer, want: compOK},
		{name: "producer/none", mutate: func(d *sbom.Document) { lib(d).Supplier = nil }, element: sbom.ElementProducer, want: compMissing("lib")},
		{name: "producer/noassertion", doc: spdxDoc, mutate: func(d *sbom.Document) {
			lib(d).Supplier = &sbom.Party{Name: "NOASSERTION"}
		}, element: sbom.ElementProducer, want: compMarkedOK("lib")},
		{name: "producer/withheld", mutate: func(d *sbom.Document) {
			lib(d).Supplier = nil
			lib(d).Withheld = []sbom.Element{sbom.ElementProducer}
		}, element: sbom.ElementProducer, want: compMarkedOK("lib")},

		{name: "identifiers/none", mutate: func(d *sbom.Document) { app(d).PURL = "" }, element: sbom.ElementIdentifiers, want: compMissing("app")},
		{name: "identifiers/unknown", mutate: func(d *sbom.Document) {
			app(d).PURL = ""
			app(d).Unknown = []sbom.Element{sbom.ElementIdentifiers}
		}, element: sbom.ElementIdentifiers, want: compMarkedOK("app")},

		{name: "hash/present", element: sbom.ElementHash, want: compOK},
		{name: "hash/none", mutate: func(d *sbom.Document) { lib(d).Hashes = nil }, element: sbom.ElementHash, want: compMissing("lib")},
		{name: "hash/no value", mutate: func(d *sbom.Document) { lib(d).Hashes = []sbom.Hash{{Algorithm: "SHA-256"}} }, element: sbom.ElementHash, want: compMissing("lib")},
		{name: "hash/unknown", mutate: func(d *sbom.Document) {
			lib(d).Hashes = nil
			lib(d).Unknown = []sbom.Element{sbom.ElementHash}
		}, element: sbom.ElementHash, want: compMarkedOK("lib")},

		{name: "license/present", element: sbom.ElementLicense, want: compOK},
		{name: "license/none", mutate: func(d *sbom.Document) { lib(d).Licenses = nil }, element: sbom.ElementLicense, want: compMissing("lib")},
		{name: "license/NONE is a statement", doc: spdxDoc, mutate: func(d *sbom.Document) { lib(d).Licenses = []string{"NONE"} }, element: sbom.ElementLicense, want: compOK},
		{name: "license/noassertion", doc: spdxDoc, mutate: func(d *sbom.Document) { lib(d).Licenses = []string{"NOASSERTION"} }, element: sbom.ElementLicense, want: compMarkedOK("lib")},
		{name: "license/withheld", mutate: func(d *sbom.Document) {
			lib(d).Licenses = nil
			lib(d).Withheld = []sbom.Element{sbom.ElementLicense}
		}, element: sbom.ElementLicense, want: compMarkedOK("lib")},

		{name: "dependencies/every component in graph", element: sbom.ElementDependencies, want: compOK},
		{name: "dependencies/leaf not in graph", mutate: func(d *sbom.Document) { d.Dependencies = d.Dependencies[:1] }, element: sbom.ElementDependencies, want: compMissing("lib")},
		{name: "dependencies/leaf unknown", mutate: func(d *sbom.Document) {
			d.Dependencies = d.Dependencies[:1]
			lib(d).Unknown = []sbom.Element{sbom.ElementDependencies}
		}, element: sbom.ElementDependencies, want: compMarkedOK("lib")},
	})
}

func TestFDA(t *testing.T) {
	lifecycleOK := outcome{Checked: 1, MissingIDs: []string{}, MarkedIDs: []string{}, Covered: true}
	lifecycleMissing := outcome{Checked: 1, Missing: 1, MissingIDs: []string{"lib"}, MarkedIDs: []string{}}
	lifecycleJustified := outcome{Checked: 1, Marked: 1, MissingIDs: []string{}, MarkedIDs: []string{"lib"}, Covered: true}
	runElementCases(t, ProfileFDAPremarket, []elementCase{
		// the primary component is not an OTS component: only lib is checked
		{name: "level/active", element: sbom.ElementLevelOfSupport, want: lifecycleOK},
		{name: "level/abandoned", mutate: func(d *sbom.Document) { lib(d).Lifecycle.LevelOfSupport = sbom.SupportAbandoned }, element: sbom.ElementLevelOfSupport, want: lifecycleOK},
		{name: "level/no longer maintained", mutate: func(d *sbom.Document) { lib(d).Lifecycle.LevelOfSupport = sbom.SupportNoLonger }, element: sbom.ElementLevelOfSupport, want: lifecycleOK},
		{name: "level/missing", mutate: func(d *sbom.Document) { lib(d).Lifecycle.LevelOfSupport = "" }, element: sbom.ElementLevelOfSupport, want: lifecycleMissing},
		{name: "level/unknown without justification", mutate: func(d *sbom.Document) { lib(d).Lifecycle.LevelOfSupport = sbom.SupportUnknown }, element: sbom.ElementLevelOfSupport, want: lifecycleMissing},
		{name: "level/unknown with justification", mutate: func(d *sbom.Document) {
			lib(d).Lifecycle.LevelOfSupport = sbom.SupportUnknown
			lib(d).Lifecycle.Justification = "upstream publishes no support policy"
		}, element: sbom.ElementLevelOfSupport, want: lifecycleJustified},
		{name: "level/missing with justification", mutate: func(d *sbom.Document) {
			lib(d).Lifecycle = sbom.Lifecycle{Justification: "vendor does not answer"}
		}, element: sbom.ElementLevelOfSupport, want: lifecycleJustified},
		{name: "level/cisa marking is not a justification", mutate: func(d *sbom.Document) {
			lib(d).Lifecycle.LevelOfSupport = ""
			lib(d).Unknown = []sbom.Element{sbom.ElementLevelOfSupport}
		}, element: sbom.ElementLevelOfSupport, want: lifecycleMissing},
		{name: "level/primary checked when it is not the primary", mutate: func(d *sbom.Document) { d.PrimaryRef = "" }, element: sbom.ElementLevelOfSupport,
			want: outcome{Checked: 2, Missing: 1, MissingIDs: []string{"app"}, MarkedIDs: []string{}}},

		{name: "end of support/date", element: sbom.ElementEndOfSupport, want: lifecycleOK},
		{name: "end of support/missing", mutate: func(d *sbom.Document) { lib(d).Lifecycle.EndOfSupport = "" }, element: sbom.ElementEndOfSupport, want: lifecycleMissing},
		{name: "end of support/end of life is not end of support", mutate: func(d *sbom.Document) {
			lib(d).Lifecycle.EndOfSupport, lib(d).Lifecycle.EndOfLife = "", "2029-01-01"
		}, element: sbom.ElementEndOfSupport, want: lifecycleMissing},
		{name: "end of support/abandoned without date", mutate: func(d *sbom.Document) {
			lib(d).Lifecycle = sbom.Lifecycle{LevelOfSupport: sbom.SupportAbandoned}
		}, element: sbom.ElementEndOfSupport, want: lifecycleMissing},
		{name: "end of support/abandoned with justification", mutate: func(d *sbom.Document) {
			lib(d).Lifecycle = sbom.Lifecycle{LevelOfSupport: sbom.SupportAbandoned, Justification: "abandoned upstream in 2019; no date published"}
		}, element: sbom.ElementEndOfSupport, want: lifecycleJustified},

		// the NTIA elements apply unchanged
		{name: "ntia supplier", mutate: func(d *sbom.Document) { lib(d).Supplier = nil }, element: sbom.ElementSupplier, want: compMissing("lib")},
		{name: "ntia author fallback", mutate: func(d *sbom.Document) { d.Authors = nil }, element: sbom.ElementAuthor, want: docOK},
	})
}

func TestCovered(t *testing.T) {
	tests := []struct {
		name   string
		p      Profile
		mutate func(d *sbom.Document)
		want   bool
	}{
		{"optional tool missing", ProfileNTIA2021, func(d *sbom.Document) { d.Tools = nil }, true},
		{"required supplier missing", ProfileNTIA2021, func(d *sbom.Document) { lib(d).Supplier = nil }, false},
		{"cisa marking accepted", ProfileCISA2026, func(d *sbom.Document) {
			lib(d).Hashes = nil
			lib(d).Unknown = []sbom.Element{sbom.ElementHash}
		}, true},
		{"cisa tool required", ProfileCISA2026, func(d *sbom.Document) { d.Tools = nil }, false},
		{"fda lifecycle required", ProfileFDAPremarket, func(d *sbom.Document) { lib(d).Lifecycle = sbom.Lifecycle{} }, false},
		{"fda primary lifecycle not required", ProfileFDAPremarket, func(d *sbom.Document) { app(d).Lifecycle = sbom.Lifecycle{} }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fullDoc()
			tt.mutate(d)
			if got := Run(d, tt.p).Covered; got != tt.want {
				t.Errorf("Covered = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRunReportHeader(t *testing.T) {
	d := fullDoc()
	d.Warnings = []*input.Error{
		input.AtPointer("bom.json", input.Pointer("components", 1, "purl"), errors.New("invalid purl")),
		input.AtLine("bom.json", 3, 7, errors.New("unknown field")),
		{File: "bom.json", Err: errors.New("invalid UTF-8")},
	}
	rep := Run(d, ProfileNTIA2021)
	rep.Elements = nil
	want := Report{
		Profile: ProfileNTIA2021, Format: sbom.FormatCycloneDX, SpecVersion: "1.6", Encoding: sbom.EncodingJSON,
		Components: 2, Covered: true,
		Warnings: []Warning{
			{Place: "/components/1/purl", Message: "invalid purl"},
			{Place: "line 3, column 7", Message: "unknown field"},
			{Message: "invalid UTF-8"},
		},
	}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
}

func TestRunDoesNotModify(t *testing.T) {
	d := fullDoc()
	lib(d).Supplier = &sbom.Party{Name: "NOASSERTION"}
	before := fullDoc()
	before.Component("lib").Supplier = &sbom.Party{Name: "NOASSERTION"}
	for _, p := range Profiles() {
		Run(d, p)
	}
	if diff := cmp.Diff(before, d); diff != "" {
		t.Errorf("Run modified the document (-before +after):\n%s", diff)
	}
}

func TestRunUnknownProfilePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Run with an unknown profile did not panic")
		}
	}()
	Run(fullDoc(), "ntia-2025")
}

func TestParseProfile(t *testing.T) {
	tests := []struct {
		in      string
		want    Profile
		wantErr bool
	}{
		{"ntia-2021", ProfileNTIA2021, false},
		{" CISA-2026 ", ProfileCISA2026, false},
		{"fda-premarket", ProfileFDAPremarket, false},
		{"ntia", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := ParseProfile(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseProfile(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestValidPURL(t *testing.T) {
	tests := map[string]bool{
		"pkg:npm/lodash@4.17.21":                                      true,
		"pkg:npm/%40angular/core@1.0.0":                               true,
		"pkg:golang/k8s.io/minikube@v1.23.1?type=module#cmd/minikube": true,
		"pkg://maven/org.apache/commons@1":                            true,
		"PKG:generic/x":                                               true,
		"pkg:c++/x":                                                   true,
		"pkg:generic":                                                 false,
		"pkg:/x":                                                      false,
		"pkg:1abc/x":                                                  false,
		"pkg:np_m/x":                                                  false,
		"pkg:npm/@1.0":                                                false,
		"npm/lodash":                                                  false,
		"":                                                            false,
	}
	for in, want := range tests {
		if got := validPURL(in); got != want {
			t.Errorf("validPURL(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestValidCPE(t *testing.T) {
	tests := map[string]bool{
		"cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*":   true,
		`cpe:2.3:a:acme:lib\:x:1.0:*:*:*:*:*:*:*`:          true,
		"cpe:/a:openssl:openssl:1.1.1q":                    true,
		"cpe:2.3:x:busybox:busybox:1.35.0:*:*:*:*:*:*:*":   false,
		"cpe:2.3:a:busybox:busybox:1.35.0":                 false,
		"cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*:*": false,
		"cpe:2.3:a:busybox::1.35.0:*:*:*:*:*:*:*":          false,
		"busybox": false,
	}
	for in, want := range tests {
		if got := validCPE(in); got != want {
			t.Errorf("validCPE(%q) = %v, want %v", in, got, want)
		}
	}
}
