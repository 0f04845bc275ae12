package spdx

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"medvigil/internal/input"
	"medvigil/internal/sbom"
)

// jsonDoc is an SPDX 2.1–2.3 JSON document in the tools-golang v2_3 types
// (whose field names 2.1 and 2.2 share). It stands in for v2_3.Document
// because the library's own Document and Package UnmarshalJSON methods
// decode every document and every package twice, nested (3.7 s and 450 MB
// for 50,000 packages, against 0.75 s and 70 MB here); the glue they add
// (filesAnalyzed defaulting to true, "_" read as "-" in reference
// categories) is redone in toLibrary. Identifiers, creators, suppliers,
// originators, annotators and checksums still go through the library's
// unmarshalers, so what it refuses is what the repairs address.
type jsonDoc struct {
	jsonHead
	Packages []*jsonPackage `json:"packages"`
}

// jsonHead is all of jsonDoc but the packages, which decodeParallel decodes
// apart.
type jsonHead struct {
	SPDXVersion                string                     `json:"spdxVersion"`
	DataLicense                string                     `json:"dataLicense"`
	SPDXIdentifier             common.ElementID           `json:"SPDXID"`
	DocumentName               string                     `json:"name"`
	DocumentNamespace          string                     `json:"documentNamespace"`
	ExternalDocumentReferences []v2_3.ExternalDocumentRef `json:"externalDocumentRefs"`
	DocumentComment            string                     `json:"comment"`
	CreationInfo               *v2_3.CreationInfo         `json:"creationInfo"`
	Files                      []*jsonElement             `json:"files"`
	Snippets                   []*jsonElement             `json:"snippets"`
	OtherLicenses              []*v2_3.OtherLicense       `json:"hasExtractedLicensingInfos"`
	Relationships              []*v2_3.Relationship       `json:"relationships"`
	Annotations                []*v2_3.Annotation         `json:"annotations"`
	DocumentDescribes          []common.DocElementID      `json:"documentDescribes"`
}

// plainPackage is v2_3.Package without its UnmarshalJSON method.
type plainPackage v2_3.Package

// plainExternalRef is v2_3.PackageExternalReference without its
// UnmarshalJSON method (which decodes each reference a second time).
type plainExternalRef v2_3.PackageExternalReference

type jsonPackage struct {
	plainPackage
	FilesAnalyzed *bool               `json:"filesAnalyzed"`
	ExternalRefs  []*plainExternalRef `json:"externalRefs"`
	Files         []*jsonElement      `json:"files"`
}

// jsonElement is a file or snippet: only its identifier matters here.
type jsonElement struct {
	ID common.ElementID `json:"SPDXID"`
}

// decodeJSON reads SPDX JSON: strictly first, and when a value is refused,
// again after repairing the document (see jsonFixer).
func decodeJSON(name string, data []byte) (*sbom.Document, error) {
	var repairs []*input.Error
	w, ok := decodeParallel(data)
	if ok {
		return finishJSON(&w, name, nil)
	}
	w = jsonDoc{}
	if err := json.Unmarshal(data, &w); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			// Offset counts the bytes read, the offending one included;
			// at the end of the input there is none.
			off := syn.Offset
			if off > 0 && off < int64(len(data)) {
				off--
			}
			line, col := input.LineColumn(data, off)
			return nil, input.AtLine(name, line, col, fmt.Errorf("spdx: %w", err))
		case errors.As(err, &typ):
			return nil, typeError(name, data, nil, typ)
		}
		w, repairs, err = repairJSON(name, data)
		if err != nil {
			return nil, err
		}
	}
	return finishJSON(&w, name, repairs)
}

// finishJSON checks the version and converts the document to the model.
func finishJSON(w *jsonDoc, name string, repairs []*input.Error) (*sbom.Document, error) {
	switch w.SPDXVersion {
	case "SPDX-2.1", "SPDX-2.2", "SPDX-2.3":
	case "":
		return nil, &input.Error{File: name, Err: errors.New("spdx: no spdxVersion")}
	default:
		return nil, input.AtPointer(name, "/spdxVersion", fmt.Errorf("spdx: unsupported spdxVersion %q (want SPDX-2.1, SPDX-2.2 or SPDX-2.3)", w.SPDXVersion))
	}
	src := toLibrary(w)
	src.name, src.warnings = name, repairs
	return src.model(), nil
}

// toLibrary moves the document into the tools-golang v2_3 model.
func toLibrary(w *jsonDoc) *source {
	doc := &v2_3.Document{
		SPDXVersion:                w.SPDXVersion,
		DataLicense:                w.DataLicense,
		SPDXIdentifier:             w.SPDXIdentifier,
		DocumentName:               w.DocumentName,
		DocumentNamespace:          w.DocumentNamespace,
		ExternalDocumentReferences: w.ExternalDocumentReferences,
		DocumentComment:            w.DocumentComment,
		CreationInfo:               w.CreationInfo,
		Packages:                   make([]*v2_3.Package, len(w.Packages)),
		OtherLicenses:              w.OtherLicenses,
		Relationships:              w.Relationships,
		Annotations:                w.Annotations,
	}
	src := &source{enc: sbom.EncodingJSON, version: w.SPDXVersion, doc: doc, describes: w.DocumentDescribes, loc: jsonLocator{}, rawJSON: true}
	src.otherIDs = make(map[string]bool, len(w.Files)+len(w.Snippets))
	addIDs := func(es []*jsonElement) {
		for _, e := range es {
			if e != nil {
				src.otherIDs[src.elementID(e.ID)] = true
			}
		}
	}
	addIDs(w.Files)
	addIDs(w.Snippets)
	for i, jp := range w.Packages {
		if jp == nil {
			continue
		}
		addIDs(jp.Files)
		p := (*v2_3.Package)(&jp.plainPackage)
		p.FilesAnalyzed = jp.FilesAnalyzed == nil || *jp.FilesAnalyzed
		p.IsFilesAnalyzedTagPresent = jp.FilesAnalyzed != nil
		p.PackageExternalReferences = make([]*v2_3.PackageExternalReference, len(jp.ExternalRefs))
		for k, ref := range jp.ExternalRefs {
			if ref != nil {
				ref.Category = strings.ReplaceAll(ref.Category, "_", "-")
				p.PackageExternalReferences[k] = (*v2_3.PackageExternalReference)(ref)
			}
		}
		doc.Packages[i] = p
	}
	return src
}
