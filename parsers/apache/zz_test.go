package apache

import (
	"os"
	"testing"
)

func TestZZ(t *testing.T) {
	b, _ := os.ReadFile("/tmp/c296/httpd.conf")
	_ = b
	t.Log(dumpResponses(Lower(parseFile(t, "/tmp/c296/httpd.conf", Options{}))))
}
