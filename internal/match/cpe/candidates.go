package cpe

import (
	"net/url"
	"strings"
)

// maxCandidates bounds the names Candidates returns.
const maxCandidates = 8

// Candidates guesses CPE names for a component that carries none, from its
// name, version, group and package URL (purl), for looking up in an Index.
//
// The guesses are of LOWER CONFIDENCE than a CPE the SBOM states: NVD's
// vendor and product names are chosen by NVD analysts, not derived from
// package names, so a guess may miss (NVD "newtonsoft:json.net" for NuGet
// Newtonsoft.Json) or hit an unrelated product of the same name. Callers
// must label findings made through a candidate as such.
//
// Every candidate has part "a", the purl's version (else version) and a
// product and vendor taken from the package identity, lower-cased with
// spaces as '_':
//
//   - npm: vendor = the scope, if any ("pkg:npm/%40angular/core" →
//     angular:core), and the name ("pkg:npm/jquery@3.1.1" → jquery:jquery)
//   - nuget: vendor = the name's first dotted label, or the name
//     ("pkg:nuget/Newtonsoft.Json@9.0.1" → newtonsoft:newtonsoft.json)
//   - golang: from the module path: golang.org/x/NAME → golang:NAME,
//     github.com/OWNER/REPO → OWNER:REPO, k8s.io/NAME → kubernetes:NAME,
//     otherwise the host's second-level label; a "/vN" major-version
//     suffix is dropped ("github.com/traefik/traefik/v2" → traefik:traefik)
//   - maven: vendor = the group's second label ("org.apache.…" → apache) or
//     last label; product = artifact
//   - composer, github, gitlab, bitbucket: vendor = namespace, product = name
//   - apk, deb, rpm and other OS packages: the namespace is the
//     distribution, not a vendor: vendor = product = name
//   - anything else, or no purl: vendor from group (as maven) when set, and
//     vendor = product = name
//
// and vendor = product = name is always among the candidates, as NVD often
// names products so (jquery:jquery, zlib:zlib, wolfssl:wolfssl).
func Candidates(name, version, group, purl string) []Name {
	typ, ns, pname, pver, ok := parsePURL(purl)
	if ok {
		if pname != "" {
			name = pname
		}
		if pver != "" {
			version = pver
		}
		if group == "" {
			group = ns
		}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return nil
	}
	type vp struct{ vendor, product string }
	var pairs []vp
	add := func(vendor, product string) {
		vendor, product = normalizeCandidate(vendor), normalizeCandidate(product)
		if vendor != "" && product != "" {
			pairs = append(pairs, vp{vendor, product})
		}
	}
	switch typ {
	case "npm":
		add(strings.TrimPrefix(ns, "@"), name)
	case "nuget":
		if i := strings.IndexByte(name, '.'); i > 0 {
			add(name[:i], name)
		}
	case "golang":
		path := name
		if ns != "" {
			path = ns + "/" + name
		}
		vendor, product := goModule(path)
		add(vendor, product)
		name = product
	case "maven":
		for _, v := range groupVendors(group) {
			add(v, name)
		}
	case "composer", "github", "gitlab", "bitbucket":
		add(ns, name)
	case "apk", "deb", "rpm", "alpm", "alpine", "qpkg", "opkg":
		// the namespace is the distribution
	default:
		for _, v := range groupVendors(group) {
			add(v, name)
		}
	}
	add(name, name)

	if version == "" {
		version = "*"
	}
	var out []Name
	seen := make(map[vp]bool)
	for _, p := range pairs {
		if seen[p] || len(out) == maxCandidates {
			continue
		}
		seen[p] = true
		n := Name{Part: Lit("a"), Vendor: Lit(p.vendor), Product: Lit(p.product)}
		if version != "*" {
			n.Version = Lit(normalizeCandidate(version))
		}
		out = append(out, n)
	}
	return out
}

// normalizeCandidate lower-cases s and makes it a WFN value string: spaces
// become '_' and other characters outside printable ASCII are dropped.
func normalizeCandidate(s string) string {
	s = strings.TrimSpace(s)
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			b = append(b, '_')
		case printable(c):
			b = append(b, lowerByte(c))
		}
	}
	return string(b)
}

// goModule guesses vendor and product from a Go module path.
func goModule(path string) (vendor, product string) {
	elems := strings.Split(strings.Trim(path, "/"), "/")
	if n := len(elems); n > 1 && isMajorSuffix(elems[n-1]) {
		elems = elems[:n-1]
	}
	last := elems[len(elems)-1]
	if i := strings.LastIndex(last, ".v"); i > 0 && allDigits(last[i+2:]) {
		last = last[:i] // gopkg.in/yaml.v3
	}
	host := elems[0]
	switch {
	case host == "golang.org" && len(elems) >= 3 && elems[1] == "x":
		return "golang", elems[2]
	case (host == "github.com" || host == "gitlab.com" || host == "bitbucket.org") && len(elems) >= 3:
		return elems[1], elems[2]
	case host == "gopkg.in" && len(elems) >= 3:
		return elems[1], last // gopkg.in/OWNER/NAME.vN
	case host == "gopkg.in":
		return last, last // gopkg.in/NAME.vN
	case host == "k8s.io":
		return "kubernetes", last
	}
	labels := strings.Split(host, ".")
	if len(labels) >= 2 && len(elems) > 1 {
		return labels[len(labels)-2], last
	}
	return last, last
}

func isMajorSuffix(s string) bool { return len(s) > 1 && s[0] == 'v' && allDigits(s[1:]) }

// groupVendors guesses vendors from a Maven-style group ("org.apache.logging"
// → apache, logging) or returns a plain group as it is.
func groupVendors(group string) []string {
	group = strings.TrimSpace(group)
	if group == "" {
		return nil
	}
	labels := strings.Split(group, ".")
	if len(labels) == 1 {
		return []string{group}
	}
	var vs []string
	if len(labels[0]) <= 3 && len(labels) > 1 { // org, com, io, net, de, …
		vs = append(vs, labels[1])
	} else {
		vs = append(vs, labels[0])
	}
	if last := labels[len(labels)-1]; last != vs[0] {
		vs = append(vs, last)
	}
	return vs
}

// parsePURL splits a package URL (pkg:type/namespace/name@version?…#…) into
// its type, namespace, name and version, percent-decoded.
func parsePURL(s string) (typ, ns, name, version string, ok bool) {
	if !hasPrefixFold(s, "pkg:") {
		return "", "", "", "", false
	}
	s = s[len("pkg:"):]
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i]
	}
	s = strings.Trim(s, "/")
	elems := strings.Split(s, "/")
	if len(elems) < 2 {
		return "", "", "", "", false
	}
	typ = strings.ToLower(elems[0])
	last := elems[len(elems)-1]
	if i := strings.LastIndexByte(last, '@'); i > 0 {
		last, version = last[:i], last[i+1:]
	}
	ns = strings.Join(elems[1:len(elems)-1], "/")
	return typ, unescape(ns), unescape(last), unescape(version), true
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
