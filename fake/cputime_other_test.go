//go:build !unix

package fake

import "time"

// processCPU is 0 where getrusage is missing: BenchmarkPipeline then
// reports no cpu-ns/op.
func processCPU() time.Duration { return 0 }
