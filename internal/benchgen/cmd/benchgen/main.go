// Command benchgen writes the synthetic monorepo corslint's benchmarks
// run on, for measuring other tools (cat, time) over the same files.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/corslint/corslint/internal/benchgen"
)

func main() {
	out := flag.String("out", "", "directory to write (must not exist)")
	seed := flag.Uint64("seed", 1, "seed: the same seed gives the same files")
	files := flag.Int("files", 10000, "number of files")
	size := flag.Int64("bytes", 50<<20, "total size aimed at")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "benchgen: -out is required")
		os.Exit(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "benchgen: %s exists\n", *out)
		os.Exit(2)
	}
	st, err := benchgen.Generate(*out, benchgen.Options{Seed: *seed, Files: *files, Bytes: *size})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d files, %d bytes in %s\n", len(st.Files), st.Bytes, *out)
	for _, k := range benchgen.Kinds {
		fmt.Printf("  %-14s %d\n", k, st.ByKind[k])
	}
}
