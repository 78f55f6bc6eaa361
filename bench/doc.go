// Package bench compares this repository's groupcache engine with
// golang/groupcache on identical workloads. The benchmarks live in this
// package's tests; the package itself holds what they share: an Impl for
// each implementation, reached through the same small interfaces so that
// one benchmark body drives both, a Zipf sampler, and the code that builds
// and runs peer processes (see package peerproc for their side).
//
// Sub-benchmarks are named with key=value parts ending in impl=ours or
// impl=upstream, so that benchstat -col /impl sets the two side by side;
// run.sh does that for the whole suite.
package bench
