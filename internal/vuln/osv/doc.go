// Package osv reads OSV vulnerability records (OSV schema 1.x,
// https://ossf.github.io/osv-schema/) into vuln.Advisory: one record from
// bytes (Decode), or many from a folder tree, a single file or an osv.dev
// all.zip archive (Load). Looks recognises an OSV record by its content.
//
// It imports only internal/vuln, internal/input, the standard library and
// github.com/pandatix/go-cvss (to score CVSS vectors).
package osv
