//go:build !unix

package spdx

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
