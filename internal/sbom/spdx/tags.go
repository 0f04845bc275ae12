package spdx

import "strings"

// section is a part of a tag-value document, as the tools-golang tag-value
// parsers track them.
type section int

const (
	secDocument section = iota // document header and creation info
	secPackage
	secFile
	secSnippet
	secLicense // other licensing information
	secReview
)

func (s section) String() string {
	return [...]string{"document", "package", "file", "snippet", "license", "review"}[s]
}

// startsSection returns the section a tag opens, if it opens one.
func startsSection(tag string) (section, bool) {
	switch tag {
	case "PackageName":
		return secPackage, true
	case "FileName":
		return secFile, true
	case "SnippetSPDXID":
		return secSnippet, true
	case "LicenseID":
		return secLicense, true
	case "Reviewer":
		return secReview, true
	}
	return 0, false
}

// tagTable holds the tags of one SPDX version, per section, as the
// tools-golang v2_1, v2_2 and v2_3 tag-value parsers accept them.
type tagTable struct {
	exact map[section]map[string]bool
	lower map[section]map[string]string // lower-cased tag -> tag
}

// tagsFor returns the tag table of version ("SPDX-2.1", "SPDX-2.2",
// "SPDX-2.3").
func tagsFor(version string) *tagTable {
	common := []string{"Relationship", "RelationshipComment", "Annotator", "AnnotationDate", "AnnotationType",
		"SPDXREF", "AnnotationComment", "Reviewer", "PackageName", "FileName", "LicenseID", "SnippetSPDXID"}
	doc := []string{"SPDXVersion", "DataLicense", "SPDXID", "DocumentName", "DocumentNamespace",
		"ExternalDocumentRef", "DocumentComment", "LicenseListVersion", "Creator", "Created", "CreatorComment"}
	pkg := []string{"SPDXID", "PackageVersion", "PackageFileName", "PackageSupplier", "PackageOriginator",
		"PackageDownloadLocation", "FilesAnalyzed", "PackageVerificationCode", "PackageChecksum", "PackageHomePage",
		"PackageSourceInfo", "PackageLicenseConcluded", "PackageLicenseInfoFromFiles", "PackageLicenseDeclared",
		"PackageLicenseComments", "PackageCopyrightText", "PackageSummary", "PackageDescription", "PackageComment",
		"ExternalRef", "ExternalRefComment"}
	file := []string{"SPDXID", "FileType", "FileChecksum", "LicenseConcluded", "LicenseInfoInFile", "LicenseComments",
		"FileCopyrightText", "ArtifactOfProjectName", "ArtifactOfProjectHomePage", "ArtifactOfProjectURI",
		"FileComment", "FileNotice", "FileContributor", "FileDependency"}
	snippet := []string{"SnippetFromFileSPDXID", "SnippetByteRange", "SnippetLineRange", "SnippetLicenseConcluded",
		"LicenseInfoInSnippet", "SnippetLicenseComments", "SnippetCopyrightText", "SnippetComment", "SnippetName"}
	license := []string{"ExtractedText", "LicenseName", "LicenseCrossReference", "LicenseComment"}
	review := []string{"ReviewDate", "ReviewComment"}
	if version != "SPDX-2.1" {
		pkg = append(pkg, "PackageAttributionText")
		file = append(file, "FileAttributionText")
		snippet = append(snippet, "SnippetAttributionText")
	}
	if version == "SPDX-2.3" {
		pkg = append(pkg, "PrimaryPackagePurpose", "ReleaseDate", "BuiltDate", "ValidUntilDate")
	}
	t := &tagTable{exact: make(map[section]map[string]bool), lower: make(map[section]map[string]string)}
	for s, tags := range map[section][]string{secDocument: doc, secPackage: pkg, secFile: file,
		secSnippet: snippet, secLicense: license, secReview: review} {
		t.exact[s] = make(map[string]bool)
		t.lower[s] = make(map[string]string)
		for _, tag := range append(tags, common...) {
			t.exact[s][tag] = true
			t.lower[s][strings.ToLower(tag)] = tag
		}
	}
	return t
}

// fix returns the tag to read for tag in section s: tag itself when the
// section accepts it, else the accepted tag it matches without regard to
// case or to a trailing "s" ("FIleCopyrightText", "LicenseComment" in a
// file), and whether there is one.
func (t *tagTable) fix(s section, tag string) (string, bool) {
	if t.exact[s][tag] {
		return tag, true
	}
	l := strings.ToLower(tag)
	for _, c := range []string{l, l + "s", strings.TrimSuffix(l, "s")} {
		if fixed, ok := t.lower[s][c]; ok {
			return fixed, true
		}
	}
	return "", false
}

// known reports whether any section accepts tag.
func (t *tagTable) known(tag string) bool {
	for _, m := range t.exact {
		if m[tag] {
			return true
		}
	}
	return false
}
