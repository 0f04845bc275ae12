// Package monitor keeps the server's findings current: it holds the loaded
// knowledge base with its match index and a portfolio (the inverted index from
// package identity to stored SBOMs), imports SBOMs (parse, store, match, record
// findings — in one transaction), and after each knowledge-base change
// re-evaluates only the product versions the changed advisories can touch.
// New, changed and resolved findings become events in the organization's log
// and are handed to the notifier.
//
// Data flows one way: store and knowledge base in, findings and events out.
// It may import the other internal packages.
package monitor
