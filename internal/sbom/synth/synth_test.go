package synth

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGenerate(t *testing.T) {
	doc := Generate(1000, 7)
	if got := len(doc.Components); got != 1001 {
		t.Fatalf("components = %d, want 1001", got)
	}
	refs := map[string]bool{}
	withLifecycle := 0
	for _, c := range doc.Components {
		if refs[c.Ref] {
			t.Fatalf("duplicate ref %q", c.Ref)
		}
		refs[c.Ref] = true
		if !c.Lifecycle.IsZero() {
			withLifecycle++
		}
	}
	if withLifecycle != 334 {
		t.Errorf("components with lifecycle = %d, want 334", withLifecycle)
	}
	for _, d := range doc.Dependencies {
		for _, to := range append([]string{d.Ref}, d.DependsOn...) {
			if !refs[to] {
				t.Errorf("dependency names unknown ref %q", to)
			}
		}
	}
	if diff := cmp.Diff(doc, Generate(1000, 7)); diff != "" {
		t.Errorf("same seed gave a different document (-first +second):\n%s", diff)
	}
}
