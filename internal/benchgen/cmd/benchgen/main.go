// Command benchgen writes the synthetic monorepo corslint's benchmarks
// run on, so that other tools (cat, time) can be measured over the same
// files. A complete copy already at -out is kept.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/corslint/corslint/internal/benchgen"
)

func main() {
	out := flag.String("out", "", "directory to write")
	seed := flag.Uint64("seed", 1, "seed: the same seed gives the same files")
	files := flag.Int("files", 10000, "number of files")
	size := flag.Int64("bytes", 50<<20, "total size aimed at")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "benchgen: -out is required")
		os.Exit(2)
	}
	n, err := benchgen.Ensure(*out, benchgen.Options{Seed: *seed, Files: *files, Bytes: *size})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d files, %d bytes in %s\n", *files, n, *out)
}
