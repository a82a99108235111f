// Package difftest tests corslint's predictions against real servers the
// way compilers are tested: it generates configurations and requests from
// a seed, runs them on real nginx, Apache httpd and Varnish, compares every
// answer header by header with what package serverside says, shrinks each
// disagreement to a minimal configuration and keeps it as a regression
// case that replays offline.
//
// The generator, the comparison and the replay are plain Go; the runner
// that starts the servers needs the build tag "oracle":
//
//	go test -tags oracle ./oracle/difftest/
package difftest
