// Package drivertest holds what the tests of the backend driver modules
// (cache/driver/...) share: locating a real server, a TCP proxy that can
// cut, stall and restore the connection to it, and re-running the test
// binary as a second process.
//
// It is internal to the cache tree; the driver modules may import it
// because Go's internal rule is about import paths, not modules.
package drivertest
