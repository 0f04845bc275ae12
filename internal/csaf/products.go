package csaf

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	gocsaf "github.com/gocsaf/csaf/v3/csaf"

	"medvigil/internal/input"
)

// maxBranchDepth bounds how deep branches may nest. Real trees are a handful
// of levels deep (vendor → product_family → product_name → product_version);
// the bound keeps a hostile document from costing time quadratic in its size,
// since each level is decoded on its own.
const maxBranchDepth = 32

// branchPath is what the branches above a product say about it.
type branchPath struct {
	vendor, productName, family, version, versRange string
}

// productTree flattens the product tree (CSAF 2.0 section 3.2.2) into
// d.doc.Products and d.groups: branches first, then full_product_names, then
// relationships (which may refer to either, and to each other, in any
// order), then product groups (which may refer to any product).
func (d *decoder) productTree(raw json.RawMessage) {
	d.groups = map[string][]string{}
	if isNull(raw) {
		return
	}
	defined := map[string]string{} // product id → pointer of its definition
	pt, ok := decodeInto[wireProductTree](d, "/product_tree", raw)
	if !ok {
		return
	}
	for i, b := range pt.Branches {
		d.branch(defined, input.Pointer("product_tree", "branches", i), b, branchPath{}, 1)
	}
	for i, raw := range pt.FullProductNames {
		ptr := input.Pointer("product_tree", "full_product_names", i)
		if fpn, ok := decodeInto[wireFullProductName](d, ptr, raw); ok {
			d.addProduct(defined, ptr, fromFullProductName(&fpn))
		}
	}
	d.relationships(defined, pt.Relationships)
	d.productGroups(pt.ProductGroups)
}

// branch reads one branch and the products under it (CSAF 2.0 section
// 3.1.2).
func (d *decoder) branch(defined map[string]string, ptr string, raw json.RawMessage, path branchPath, depth int) {
	if depth > maxBranchDepth {
		d.warn(ptr, fmt.Errorf("csaf: branches nest deeper than %d levels; skipped", maxBranchDepth))
		return
	}
	b, ok := decodeInto[wireBranch](d, ptr, raw)
	if !ok {
		return
	}
	name := strings.TrimSpace(str(b.Name))
	if b.Category != nil {
		switch *b.Category {
		case gocsaf.CSAFBranchCategoryVendor:
			path.vendor = name
		case gocsaf.CSAFBranchCategoryProductName:
			path.productName = name
		case gocsaf.CSAFBranchCategoryProductFamily:
			path.family = name
		case gocsaf.CSAFBranchCategoryProductVersion:
			if isVers(name) {
				path.version, path.versRange = "", name
			} else {
				path.version, path.versRange = name, ""
			}
		case gocsaf.CSAFBranchCategoryProductVersionRange:
			path.version, path.versRange = "", name
		}
	}
	if b.Product != nil {
		p := fromFullProductName(b.Product)
		p.Vendor, p.ProductName, p.Family = path.vendor, path.productName, path.family
		p.Version, p.VersRange = path.version, path.versRange
		d.addProduct(defined, ptr+"/product", p)
	}
	for i, c := range b.Branches {
		d.branch(defined, ptr+input.Pointer("branches", i), c, path, depth+1)
	}
}

// isVers reports whether s is a vers range ("vers:<scheme>/…").
func isVers(s string) bool {
	return len(s) >= 5 && strings.EqualFold(s[:5], "vers:")
}

// fromFullProductName converts a full product name (CSAF 2.0 section
// 3.1.3) and its identification helper.
func fromFullProductName(fpn *wireFullProductName) Product {
	p := Product{Name: strings.TrimSpace(str(fpn.Name))}
	if fpn.ProductID != nil {
		p.ID = strings.TrimSpace(string(*fpn.ProductID))
	}
	if h := fpn.ProductIdentificationHelper; h != nil {
		if h.PURL != nil {
			p.PURL = string(*h.PURL)
		}
		if h.CPE != nil {
			p.CPE = string(*h.CPE)
		}
		p.ModelNumbers = strs(h.ModelNumbers)
		p.SKUs = strs(h.SKUs)
	}
	return p
}

// strs returns the non-empty strings of list, or nil.
func strs(list []*string) []string {
	var out []string
	for _, s := range list {
		if s != nil && strings.TrimSpace(*s) != "" {
			out = append(out, strings.TrimSpace(*s))
		}
	}
	return out
}

// addProduct adds p, defined at ptr, unless its id is empty or already
// defined (CSAF 2.0 test 6.1.2: the first definition wins).
func (d *decoder) addProduct(defined map[string]string, ptr string, p Product) {
	if p.ID == "" {
		d.warn(ptr, errors.New("csaf: the product has no product_id; skipped"))
		return
	}
	if first, ok := defined[p.ID]; ok {
		d.warn(ptr+"/product_id", fmt.Errorf("csaf: product_id %q is defined again (first at %s); the first definition is kept", p.ID, first))
		return
	}
	defined[p.ID] = ptr
	d.doc.Products[p.ID] = p
}

// relationships reads the relationships (CSAF 2.0 section 3.2.2.4). Each
// creates a product named by its full_product_name once both of its sides are
// defined, so relationships may refer to each other in any order; those whose
// sides never get defined (or that refer to each other in a cycle) are warned
// about and skipped.
func (d *decoder) relationships(defined map[string]string, raws []json.RawMessage) {
	type pending struct {
		ptr  string
		r    wireRelationship
		comp string // product_reference
		plat string // relates_to_product_reference
	}
	var todo []pending
	created := map[string]int{} // product id a relationship creates → its index in todo
	for i, raw := range raws {
		ptr := input.Pointer("product_tree", "relationships", i)
		r, ok := decodeInto[wireRelationship](d, ptr, raw)
		if !ok {
			continue
		}
		if r.FullProductName != nil && r.FullProductName.ProductID != nil {
			if _, dup := created[productID(r.FullProductName.ProductID)]; !dup {
				created[productID(r.FullProductName.ProductID)] = len(todo)
			}
		}
		todo = append(todo, pending{ptr, r, productID(r.ProductReference), productID(r.RelatesToProductReference)})
	}
	const (
		unseen = iota
		resolving
		resolved
		failed
	)
	state := make([]int, len(todo))
	var resolve func(i int) bool
	resolve = func(i int) bool {
		switch state[i] {
		case resolving, failed:
			return false
		case resolved:
			return true
		}
		state[i] = resolving
		ok := true
		for _, ref := range []string{todo[i].comp, todo[i].plat} {
			if _, have := d.doc.Products[ref]; have {
				continue
			}
			if j, later := created[ref]; !later || !resolve(j) {
				ok = false
			}
		}
		if !ok {
			state[i] = failed
			return false
		}
		t := &todo[i]
		d.addProduct(defined, t.ptr+"/full_product_name", relationshipProduct(&t.r, d.doc.Products[t.comp], d.doc.Products[t.plat]))
		state[i] = resolved
		return true
	}
	for i := range todo {
		resolve(i)
	}
	for i, t := range todo {
		if state[i] != failed {
			continue
		}
		for _, side := range []struct{ key, id string }{{"product_reference", t.comp}, {"relates_to_product_reference", t.plat}} {
			if _, ok := d.doc.Products[side.id]; !ok {
				d.warn(t.ptr+"/"+side.key, fmt.Errorf("csaf: product id %q is not defined; the relationship is skipped", side.id))
			}
		}
	}
}

// relationshipProduct builds the product a relationship creates: it is the
// component (product_reference) in the context of the platform
// (relates_to_product_reference).
func relationshipProduct(r *wireRelationship, comp, plat Product) Product {
	category := ""
	if r.Category != nil {
		category = string(*r.Category)
	}
	p := comp
	p.ModelNumbers = slices.Clone(comp.ModelNumbers)
	p.SKUs = slices.Clone(comp.SKUs)
	p.ID, p.Name = "", ""
	if r.FullProductName != nil {
		own := fromFullProductName(r.FullProductName)
		p.ID, p.Name = own.ID, own.Name
		if own.PURL != "" {
			p.PURL = own.PURL
		}
		if own.CPE != "" {
			p.CPE = own.CPE
		}
		if own.ModelNumbers != nil {
			p.ModelNumbers = own.ModelNumbers
		}
		if own.SKUs != nil {
			p.SKUs = own.SKUs
		}
	}
	if p.Name == "" {
		p.Name = strings.Join([]string{comp.Name, category, plat.Name}, " ")
	}
	p.Relationship = category + " " + plat.ID
	return p
}

func productID(id *gocsaf.ProductID) string {
	if id == nil {
		return ""
	}
	return strings.TrimSpace(string(*id))
}

// productGroups reads the product groups (CSAF 2.0 section 3.2.2.3) into
// d.groups, keeping only the members that are defined products.
func (d *decoder) productGroups(raws []json.RawMessage) {
	for i, raw := range raws {
		ptr := input.Pointer("product_tree", "product_groups", i)
		g, ok := decodeInto[wireProductGroup](d, ptr, raw)
		if !ok {
			continue
		}
		id := ""
		if g.GroupID != nil {
			id = strings.TrimSpace(string(*g.GroupID))
		}
		if id == "" {
			d.warn(ptr, errors.New("csaf: the product group has no group_id; skipped"))
			continue
		}
		if _, ok := d.groups[id]; ok {
			d.warn(ptr+"/group_id", fmt.Errorf("csaf: group_id %q is defined again; the first definition is kept", id))
			continue
		}
		d.groups[id] = d.productIDs(ptr+"/product_ids", g.ProductIDs, nil)
	}
}

// productIDs returns the defined product ids of list, each once, in order,
// warning about undefined ones at ptr/<index>; seen (which may be nil)
// carries ids already returned by an earlier call.
func (d *decoder) productIDs(ptr string, list gocsaf.Products, seen map[string]bool) []string {
	var out []string
	if seen == nil {
		seen = map[string]bool{}
	}
	for k, pid := range list {
		id := productID(pid)
		if _, ok := d.doc.Products[id]; !ok {
			d.warn(ptr+input.Pointer(k), fmt.Errorf("csaf: product id %q is not defined in the product tree; ignored", id))
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
