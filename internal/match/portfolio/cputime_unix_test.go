//go:build unix

package portfolio

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, all threads: the benchmark
// reports it beside wall time, which other load on the machine inflates.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
