package match

import (
	"strings"

	"github.com/package-url/packageurl-go"
)

// Package is a component's identity in OSV terms.
type Package struct {
	Ecosystem string // OSV ecosystem, "" when the purl type has none
	Name      string // normalized per ecosystem
	Version   string
}

// ecosystemOf maps a purl type to its OSV ecosystem (OSV schema,
// ecosystems.json; purl spec PURL-TYPES.rst). Distribution packages (deb,
// apk, rpm) need the distro qualifier to name an OSV ecosystem such as
// "Debian:12"; without one the bare distribution name is used.
func ecosystemOf(p packageurl.PackageURL) string {
	switch p.Type {
	case "npm":
		return "npm"
	case "pypi":
		return "PyPI"
	case "golang":
		return "Go"
	case "maven":
		return "Maven"
	case "cargo":
		return "crates.io"
	case "gem":
		return "RubyGems"
	case "nuget":
		return "NuGet"
	case "composer":
		return "Packagist"
	case "pub":
		return "Pub"
	case "hex":
		return "Hex"
	case "swift":
		return "SwiftURL"
	case "cran":
		return "CRAN"
	case "hackage":
		return "Hackage"
	case "conan":
		return "ConanCenter"
	case "deb":
		return distroEcosystem(p, map[string]string{"debian": "Debian", "ubuntu": "Ubuntu"})
	case "apk":
		return distroEcosystem(p, map[string]string{"alpine": "Alpine", "wolfi": "Wolfi", "chainguard": "Chainguard"})
	case "rpm":
		return distroEcosystem(p, map[string]string{"redhat": "Red Hat", "rocky-linux": "Rocky Linux", "almalinux": "AlmaLinux", "opensuse": "openSUSE", "suse": "SUSE", "mageia": "Mageia", "openeuler": "openEuler"})
	}
	return ""
}

// distroEcosystem names a distribution ecosystem from the purl namespace and
// its distro qualifier ("debian-12", "bookworm" is not understood).
func distroEcosystem(p packageurl.PackageURL, names map[string]string) string {
	eco, ok := names[strings.ToLower(p.Namespace)]
	if !ok {
		return ""
	}
	return eco
}

// PEP503Name normalizes a Python package name (PEP 503): lower case, and every
// run of "-", "_" and "." becomes one "-".
func PEP503Name(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		b.WriteRune(r)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// normalizeName spells a package name the way OSV records spell it:
// PyPI names per PEP 503 (lower case, runs of -_. become -), Maven as
// group:artifact, npm with its @scope, Go as the full module path (the Go
// toolchain itself is "stdlib"), Packagist as vendor/package in lower case.
func normalizeName(eco string, p packageurl.PackageURL) string {
	switch eco {
	case "PyPI":
		return PEP503Name(p.Name)
	case "Maven":
		if p.Namespace == "" {
			return p.Name
		}
		return p.Namespace + ":" + p.Name
	case "Go":
		if p.Namespace == "" && p.Name == "go" {
			return "stdlib"
		}
		name := p.Name
		if p.Namespace != "" {
			name = p.Namespace + "/" + p.Name
		}
		return name
	case "Packagist":
		return strings.ToLower(join(p.Namespace, p.Name))
	case "NuGet":
		return p.Name
	case "Debian", "Ubuntu", "Alpine", "Wolfi", "Chainguard", "Red Hat", "Rocky Linux", "AlmaLinux", "openSUSE", "SUSE", "Mageia", "openEuler":
		// The namespace names the distribution, not part of the package.
		// Distribution advisories name source packages: a binary package
		// (libssl3) carries its source in the upstream qualifier
		// ("openssl" or "openssl@3.0.11-1", as Syft writes it).
		if up := p.Qualifiers.Map()["upstream"]; up != "" {
			name, _, _ := strings.Cut(up, "@")
			return name
		}
		return p.Name
	}
	return join(p.Namespace, p.Name)
}

func join(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// nameKey is how names compare in the index: NuGet names are
// case-insensitive, others exact.
func nameKey(eco, name string) string {
	if eco == "NuGet" {
		return strings.ToLower(name)
	}
	return name
}

// PackageOf returns the OSV identity of a purl; ok is false when the purl
// does not parse or its type maps to no ecosystem.
func PackageOf(purl string) (Package, bool) {
	if purl == "" {
		return Package{}, false
	}
	p, err := packageurl.FromString(purl)
	if err != nil {
		return Package{}, false
	}
	eco := ecosystemOf(p)
	if eco == "" {
		return Package{}, false
	}
	return Package{Ecosystem: eco, Name: normalizeName(eco, p), Version: p.Version}, true
}
