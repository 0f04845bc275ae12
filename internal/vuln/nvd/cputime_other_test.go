//go:build !unix

package nvd

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
