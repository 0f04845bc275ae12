//go:build unix

package cpe

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time the process has used, all threads. Benchmarks
// report it per operation beside ns/op, which a shared, loaded machine
// inflates with time spent waiting for a CPU.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
