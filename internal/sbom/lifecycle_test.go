package sbom

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLifecycleFromProperties(t *testing.T) {
	tests := []struct {
		name  string
		props []Property
		want  Lifecycle
		errs  []string // property names that fail
	}{
		{"fda properties", []Property{
			{PropLevelOfSupport, "actively maintained"}, {PropEndOfSupportDate, "2030-01-31"},
			{PropEndOfLifeDate, "2031-01-31T00:00:00Z"}, {PropJustification, " vendor roadmap "},
		}, Lifecycle{SupportActive, "2030-01-31", "2031-01-31", "vendor roadmap"}, nil},
		{"milestones only", []Property{{PropMilestoneEOS, "2025-06-30"}, {PropMilestoneEOL, "2026-06-30"}},
			Lifecycle{EndOfSupport: "2025-06-30", EndOfLife: "2026-06-30"}, nil},
		{"fda wins over milestone", []Property{{PropMilestoneEOS, "2025-06-30"}, {PropEndOfSupportDate, "2029-01-01"}},
			Lifecycle{EndOfSupport: "2029-01-01"}, nil},
		{"bad values", []Property{{PropLevelOfSupport, "maybe"}, {PropEndOfSupportDate, "soon"}, {"other", "x"}},
			Lifecycle{}, []string{PropLevelOfSupport, PropEndOfSupportDate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := LifecycleFromProperties(tt.props)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("lifecycle (-want +got):\n%s", diff)
			}
			var names []string
			for _, e := range errs {
				names = append(names, e.Name)
			}
			if diff := cmp.Diff(tt.errs, names); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			back, _ := LifecycleFromProperties(got.Properties())
			if back != got {
				t.Errorf("Properties round trip = %+v, want %+v", back, got)
			}
		})
	}
}

func TestKeyValuesAndMarkings(t *testing.T) {
	text := "Support data from the vendor portal.\ncdx:fda:level-of-support=abandoned; cdx:fda:justification=project archived; no successor\n" +
		"cdx:cisa:unknown-information=supplier, hash\ncdx:cisa:withheld-information=license\nnot-ours=1"
	props := ParseKeyValues(text)
	l, errs := LifecycleFromProperties(props)
	if len(errs) != 0 || l != (Lifecycle{LevelOfSupport: SupportAbandoned, Justification: "project archived; no successor"}) {
		t.Errorf("lifecycle = %+v, errs %v", l, errs)
	}
	unknown, withheld := MarkingsFromProperties(props)
	if diff := cmp.Diff([]Element{ElementSupplier, ElementHash}, unknown); diff != "" {
		t.Errorf("unknown (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Element{ElementLicense}, withheld); diff != "" {
		t.Errorf("withheld (-want +got):\n%s", diff)
	}
	again := ParseKeyValues(FormatKeyValues(append(l.Properties(), MarkingProperties(unknown, withheld)...)))
	l2, _ := LifecycleFromProperties(again)
	u2, w2 := MarkingsFromProperties(again)
	if l2 != l || !cmp.Equal(u2, unknown) || !cmp.Equal(w2, withheld) {
		t.Errorf("key=value round trip lost data: %+v %v %v", l2, u2, w2)
	}
}
