package js

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzParse(f *testing.F) {
	if available != "" {
		f.Skip(available)
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	for _, p := range paths {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("const cors = require('cors'); const app = require('express')(); app.use(cors({origin: (o, cb) => cb(null, o && o.endsWith('.x.com'))}));"))
	f.Fuzz(func(t *testing.T, src []byte) {
		Lower(Parse("fuzz.ts", src))
	})
}

func FuzzDetect(f *testing.F) {
	f.Add("app.js", []byte("import express from 'express'\n"))
	f.Add("x.ts", []byte("const cors = require(\"cors\"); res.setHeader('Access-Control-Allow-Origin', o)"))
	f.Fuzz(func(t *testing.T, path string, head []byte) {
		s := detect(path, head)
		if s.Confidence != 0 && grammarOf(path) == grammarNone {
			t.Errorf("%s is no JavaScript but was detected", path)
		}
	})
}
