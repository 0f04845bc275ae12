// Package csaf reads CSAF 2.0 advisories (OASIS Common Security Advisory
// Framework, https://docs.oasis-open.org/csaf/csaf/v2.0/os/csaf-v2.0-os.html)
// into medvigil's models, and will later write them.
//
// Decode reads one document: its product tree is flattened into Products
// keyed by product_id, and each vulnerabilities[] entry becomes one
// *vuln.Advisory whose Affected list names the products and their CSAF
// product status. Load reads a file or a folder tree of documents. Looks
// recognises a CSAF document by its content.
//
// The wire model is github.com/gocsaf/csaf/v3/csaf (v3.7.0). Its types never
// leave this package; the few places where that model departs from the CSAF
// 2.0 JSON schema are patched here with local wrapper types (see wire.go).
//
// # Versions and version ranges
//
// Product.Version and Product.VersRange (and so vuln.Affected.Versions and
// VersRange) keep the text of the product_version or product_version_range
// branch as written; only a product_version that starts with "vers:" is
// moved to VersRange. For product_version_range names, CSAF 2.0 section
// 3.1.2 recommends vers (purl-spec VERSION-RANGE-SPEC) but also allows free
// text, and real advisories use both. A matcher should read VersRange in this order:
//
//  1. "vers:all/*": every version of the product.
//  2. "vers:<scheme>/<constraints>": the vers constraint list. CISA writes
//     "vers:all/>=V11.5.1|<V11.6.2", which vers forbids (scheme "all"
//     admits only "*"); read it as "vers:generic/…".
//  3. Free-text comparators: an optional "All versions" or "All BIOS
//     versions", then one or more "<op> version" joined by "|", with op one
//     of <, <=, >, >=, = and any spacing ("<= 1.86", ">=V0|<=V2",
//     ">= 1.0.0  | <= 1.3.1", "All versions < V14"). Read them as a
//     vers:generic constraint list. When the list is not a valid vers list
//     (two upper bounds, as in "<= U61 |<= L81"), read it as the union of
//     its one-sided constraints. A trailing ".x" or "x" segment in a bound
//     ("<= 12.2.x.x", "<= 11.x") is a wildcard: compare only the segments
//     before it.
//  4. Anything else ("< august 28", "<May 2018", "<= 2015 SP1",
//     "v9.x (with Wireless Battery Module >= v22D19 | <= v22D28)"): no
//     version can be compared. Match on vendor and product only and report
//     the finding as affected with an unknown version, for a person to
//     review; never read it as "not affected".
//
// Product.Version is an exact version, compared for equality, but in the
// CISA advisories two in three hold free text. Read "a | b | c" as any one of
// the versions listed ("1.1 | 1.2 | 1.4 | 1.5"), an "x" or "X" segment as a
// wildcard ("2.X", "4.X | 5.X"), and "… and below" as "<= …". Anything else
// is no version at all (model numbers such as "882160 Gemini Dual", product
// names, "2nd Edition"): as in rule 4, match on vendor and product only and
// flag the finding for review.
//
// It imports internal/vuln, internal/input, github.com/gocsaf/csaf/v3 and the
// standard library.
package csaf
