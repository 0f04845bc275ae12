//go:build !unix

package cpe

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
