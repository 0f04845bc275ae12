package epss

import (
	"io"

	"medvigil/internal/input"
)

// ReadMax is Read with a smaller limit than MaxSize, to test the limit.
func ReadMax(name string, r io.Reader, max int64) (*Scores, []*input.Error, error) {
	return read(name, r, max)
}
