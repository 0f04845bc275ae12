// Package cli is the medvigil command line: cobra commands that wire the
// domain packages together, draw progress on stderr and print results on
// stdout. Run is the whole program; cmd/medvigil only calls it.
//
// It may import any internal package; nothing imports it.
package cli
