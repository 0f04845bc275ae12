package match

import (
	"testing"

	"medvigil/internal/sbom"
	"medvigil/internal/vuln"
)

func TestPackageOf(t *testing.T) {
	tests := []struct {
		purl string
		want Package
		ok   bool
	}{
		{"pkg:npm/%40angular/core@16.2.0", Package{"npm", "@angular/core", "16.2.0"}, true},
		{"pkg:pypi/Django_REST.framework@3.14.0", Package{"PyPI", "django-rest-framework", "3.14.0"}, true},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", Package{"Maven", "org.apache.logging.log4j:log4j-core", "2.14.1"}, true},
		{"pkg:golang/github.com/gin-gonic/gin@v1.9.0", Package{"Go", "github.com/gin-gonic/gin", "v1.9.0"}, true},
		{"pkg:golang/go@1.21.0", Package{"Go", "stdlib", "1.21.0"}, true},
		// Distribution packages: the namespace is the distribution; the
		// source package (upstream qualifier) is what advisories name.
		{"pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", Package{"Debian", "openssl", "3.0.11-1~deb12u2"}, true},
		{"pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&upstream=openssl&distro=debian-12", Package{"Debian", "openssl", "3.0.11-1~deb12u2"}, true},
		{"pkg:deb/ubuntu/libcurl4@7.81.0-1ubuntu1.15?upstream=curl%407.81.0-1ubuntu1.15", Package{"Ubuntu", "curl", "7.81.0-1ubuntu1.15"}, true},
		{"pkg:apk/alpine/busybox@1.36.1-r5?distro=3.19.1", Package{"Alpine", "busybox", "1.36.1-r5"}, true},
		{"pkg:deb/raspbian/openssl@1.1.1", Package{}, false},
		{"pkg:generic/openssl@1.1.1", Package{}, false},
		{"not a purl", Package{}, false},
	}
	for _, tt := range tests {
		got, ok := PackageOf(tt.purl)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("PackageOf(%q) = %+v, %v; want %+v, %v", tt.purl, got, ok, tt.want, tt.ok)
		}
	}
}

// TestDebianMatch: Debian OSV records (ecosystem "Debian:12", source package
// names, dpkg version order) match deb purls of binary and source packages.
func TestDebianMatch(t *testing.T) {
	kb := vuln.NewKB()
	kb.Add(&vuln.Advisory{ID: "DSA-0000-1", Source: vuln.SourceOSV, Affected: []vuln.Affected{{Ecosystem: "Debian:12", Name: "openssl",
		Ranges: []vuln.Range{{Type: vuln.RangeEcosystem, Events: []vuln.Event{{Introduced: "0"}, {Fixed: "3.0.11-1~deb12u2"}}}}}}})
	ix := NewIndex(kb)
	tests := []struct {
		purl string
		hit  bool
	}{
		{"pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-12", true},
		{"pkg:deb/debian/libssl3@3.0.11-1~deb12u1?upstream=openssl&distro=debian-12", true},
		{"pkg:deb/debian/openssl@3.0.11-1~deb12u2?distro=debian-12", false}, // the fixed version
		{"pkg:deb/debian/openssl@3.0.11-1~deb12u10", false},                 // dpkg order: u10 > u2
		{"pkg:deb/debian/libssl3@3.0.11-1~deb12u1", false},                  // binary name, no upstream
	}
	for _, tt := range tests {
		c := sbom.Component{Ref: "c", Name: "x", PURL: tt.purl}
		q := NewQuery(&c)
		got := len(ix.MatchQuery(&q)) > 0
		if got != tt.hit {
			t.Errorf("%s: matched %v, want %v", tt.purl, got, tt.hit)
		}
	}
}
