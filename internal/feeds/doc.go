// Package feeds loads vulnerability sources from files and folders into a
// vuln.KB, recognizing each file by its content: OSV records (one JSON file,
// a folder tree, osv.dev's all.zip, or osv-scanner's offline layout), the CISA
// KEV catalog, FIRST EPSS scores (CSV, plain or gzip), NVD CVE API 2.0 pages
// and CSAF 2.0 advisories. A malformed file or record is skipped with a
// counted warning naming the file and place; one bad file never stops a load.
//
// It may import internal/vuln and its readers, internal/csaf and internal/input.
package feeds
