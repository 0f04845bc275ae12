// Package check judges whether an SBOM carries the minimum elements a profile
// asks for: the NTIA minimum elements (July 2021), the CISA 2026 minimum
// elements, or the FDA premarket SBOM (the NTIA elements plus each
// component's level of support and end-of-support date).
//
// Run measures one sbom.Document against one Profile and returns a Report:
// per element, how many components (or the document) were looked at, which
// miss it, which miss it but mark it explicitly unknown or withheld, and
// whether the element is covered. Report renders as text or JSON; the JSON
// form is described by docs/schemas/sbom-check-report.schema.json and the
// rules by docs/sbom-check.md.
//
// It may import only internal/sbom and the standard library.
package check
