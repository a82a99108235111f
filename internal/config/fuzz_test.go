package config

import (
	"errors"
	"testing"
)

// FuzzParse: any bytes give a configuration or positioned errors, never a
// panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(Starter))
	f.Add([]byte("rules:\n  CORS101: off\nclients:\n  - origin: https://a.example\n    credentials: true\n"))
	f.Add([]byte("a: &x [1, *x]\n"))
	f.Add([]byte("trusted-origins: [\"https://a.example:99999\"]\nstack: ['**/[']\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := Parse("c.yaml", src, lookup)
		if err == nil {
			if cfg == nil {
				t.Fatal("nil config without an error")
			}
			return
		}
		var e *posError
		if !errors.As(err, &e) {
			t.Fatalf("error without a position: %v", err)
		}
	})
}
