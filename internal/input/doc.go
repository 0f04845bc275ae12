// Package input describes faults in user-supplied files: which file, and
// where in it (a JSON pointer, or a line and column).
//
// It may import only the standard library.
package input
