// Command corslint finds CORS mistakes in server and infrastructure
// configuration.
package main

import (
	"os"

	"github.com/corslint/corslint/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
