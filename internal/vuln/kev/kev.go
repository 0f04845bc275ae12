package kev

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"medvigil/internal/input"
	"medvigil/internal/vuln"
)

// Catalog is one release of the KEV catalog.
type Catalog struct {
	// Title is the catalog's title ("CISA Catalog of Known Exploited
	// Vulnerabilities").
	Title string
	// Version is the catalogVersion, such as "2025.08.25".
	Version string
	// Released is dateReleased; zero when missing or unparsable.
	Released time.Time
	// Entries holds the marks by CVE ID ("CVE-2021-44228"). Each mark's
	// CatalogVersion is Version.
	Entries map[string]vuln.KEV
}

// wireCatalog is the catalog as the schema known_exploited_vulnerabilities_schema.json
// describes it. catalogVersion, count and vulnerabilities stay raw so that
// their absence and their type are checked apart.
type wireCatalog struct {
	Title           string          `json:"title"`
	CatalogVersion  json.RawMessage `json:"catalogVersion"`
	DateReleased    string          `json:"dateReleased"`
	Count           json.RawMessage `json:"count"`
	Vulnerabilities json.RawMessage `json:"vulnerabilities"`
}

// wireEntry is one element of vulnerabilities. shortDescription, notes and
// cwes are not kept in vuln.KEV, so they are not read.
type wireEntry struct {
	CVEID             string `json:"cveID"`
	VendorProject     string `json:"vendorProject"`
	Product           string `json:"product"`
	VulnerabilityName string `json:"vulnerabilityName"`
	DateAdded         string `json:"dateAdded"`
	RequiredAction    string `json:"requiredAction"`
	DueDate           string `json:"dueDate"`
	RansomwareUse     string `json:"knownRansomwareCampaignUse"`
}

// Decode reads a KEV catalog from data; name is the file it came from, used
// in errors and warnings.
//
// It fails, with an *input.Error naming name, only when data is not a KEV
// catalog: not JSON, not an object, without a catalogVersion string or a
// vulnerabilities array, or with a top-level value of the wrong type. An
// entry that cannot be used is skipped and reported among the warnings at
// its JSON pointer: a value of the wrong type, a cveID not of the form
// CVE-YYYY-NNNN (four or more digits, as the schema requires), a dateAdded
// or dueDate that is not a YYYY-MM-DD date (dueDate may be empty), or a CVE
// already listed (the first entry is kept). A count that differs from the
// number of entries, or an unparsable dateReleased, is also a warning.
func Decode(name string, data []byte) (*Catalog, []*input.Error, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var w wireCatalog
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, nil, input.FromJSON("kev", name, "", data, err)
	}
	if isNull(w.CatalogVersion) {
		return nil, nil, input.AtPointer(name, "/catalogVersion", errors.New("kev: not a KEV catalog: no catalogVersion"))
	}
	if isNull(w.Vulnerabilities) {
		return nil, nil, input.AtPointer(name, "/vulnerabilities", errors.New("kev: not a KEV catalog: no vulnerabilities"))
	}
	c := &Catalog{Title: w.Title}
	if err := json.Unmarshal(w.CatalogVersion, &c.Version); err != nil {
		return nil, nil, input.FromJSON("kev", name, "/catalogVersion", w.CatalogVersion, err)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(w.Vulnerabilities, &list); err != nil {
		return nil, nil, input.FromJSON("kev", name, "/vulnerabilities", w.Vulnerabilities, err)
	}

	var warnings []*input.Error
	warn := func(pointer string, format string, args ...any) {
		warnings = append(warnings, input.AtPointer(name, pointer, fmt.Errorf("kev: "+format, args...)))
	}
	if s := strings.TrimSpace(w.DateReleased); s != "" {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			c.Released = t.UTC()
		} else {
			warn("/dateReleased", "dateReleased %q is not an RFC 3339 date-time", s)
		}
	}
	if !isNull(w.Count) {
		var n int
		if err := json.Unmarshal(w.Count, &n); err != nil {
			warn("/count", "count %s is not an integer", w.Count)
		} else if n != len(list) {
			warn("/count", "count is %d but the catalog lists %d vulnerabilities", n, len(list))
		}
	}

	c.Entries = make(map[string]vuln.KEV, len(list))
	first := make(map[string]int, len(list))
	for i, raw := range list {
		ptr := input.Pointer("vulnerabilities", i)
		if isNull(raw) {
			warn(ptr, "entry is null; skipped")
			continue
		}
		var e wireEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			ie := input.FromJSON("kev", name, ptr, raw, err)
			ie.Err = fmt.Errorf("%w; entry skipped", ie.Err)
			warnings = append(warnings, ie)
			continue
		}
		id := strings.TrimSpace(e.CVEID)
		if !isCVE(id) {
			warn(ptr+"/cveID", "cveID %q is not a CVE ID (CVE-YYYY-NNNN); entry skipped", e.CVEID)
			continue
		}
		if !isDate(e.DateAdded) {
			warn(ptr+"/dateAdded", "dateAdded %q is not a YYYY-MM-DD date; entry skipped", e.DateAdded)
			continue
		}
		if e.DueDate != "" && !isDate(e.DueDate) {
			warn(ptr+"/dueDate", "dueDate %q is not a YYYY-MM-DD date; entry skipped", e.DueDate)
			continue
		}
		if j, dup := first[id]; dup {
			warn(ptr+"/cveID", "%s is listed already at %s; entry skipped", id, input.Pointer("vulnerabilities", j))
			continue
		}
		first[id] = i
		c.Entries[id] = vuln.KEV{
			DateAdded:      e.DateAdded,
			DueDate:        e.DueDate,
			RansomwareUse:  e.RansomwareUse,
			VendorProject:  e.VendorProject,
			Product:        e.Product,
			Name:           e.VulnerabilityName,
			RequiredAction: e.RequiredAction,
			CatalogVersion: c.Version,
		}
	}
	return c, warnings, nil
}

// isNull reports whether a raw value is missing or JSON null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// isCVE reports whether id is a CVE ID: "CVE-", a four-digit year, "-" and
// four or more digits (CVE ID syntax since 2014; the KEV schema allows at
// most 19).
func isCVE(id string) bool {
	rest, ok := strings.CutPrefix(id, "CVE-")
	if !ok || len(rest) < 9 || rest[4] != '-' {
		return false
	}
	year, num := rest[:4], rest[5:]
	return digits(year) && len(num) >= 4 && len(num) <= 19 && digits(num)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isDate reports whether s is a calendar date written YYYY-MM-DD.
func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}

// Looks reports whether data (a whole file or its head) looks like a KEV
// catalog: a JSON object with "catalogVersion" and "vulnerabilities" keys at
// its top level.
func Looks(data []byte) bool {
	var version, vulns bool
	input.TopKeys(data, func(key string) bool {
		switch key {
		case "catalogVersion":
			version = true
		case "vulnerabilities":
			vulns = true
		}
		return version && vulns
	})
	return version && vulns
}
