//go:build !unix

package portfolio

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
