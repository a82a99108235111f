package js

import (
	"strings"
	"testing"
)

// BenchmarkParseLower reads a generated Express app of about 1 MB: many
// routes behind cors and hand-written middleware.
func BenchmarkParseLower(b *testing.B) {
	if available != "" {
		b.Skip(available)
	}
	src := []byte(benchApp(1 << 20))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Lower(Parse("app.js", src))
	}
}

// BenchmarkParse is tree-sitter's parse and the copy into Nodes alone.
func BenchmarkParse(b *testing.B) {
	if available != "" {
		b.Skip(available)
	}
	src := []byte(benchApp(1 << 20))
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Parse("app.js", src)
	}
}

func benchApp(size int) string {
	var sb strings.Builder
	sb.WriteString("const express = require('express');\nconst cors = require('cors');\nconst app = express();\nconst allowed = ['https://app.example.com'];\n")
	sb.WriteString("app.use(cors({ origin: allowed, credentials: true }));\n")
	for i := 0; sb.Len() < size; i++ {
		sb.WriteString("app.use('/v" + itoa(i) + "', (req, res, next) => {\n  const origin = req.headers.origin;\n  if (allowed.includes(origin)) {\n    res.setHeader('Access-Control-Allow-Origin', origin);\n  }\n  next();\n});\n")
		sb.WriteString("app.get('/v" + itoa(i) + "/items/:id', async (req, res) => {\n  const item = await db.find(req.params.id);\n  if (!item) {\n    return res.status(404).json({ error: 'not found' });\n  }\n  res.json(item);\n});\n")
	}
	return sb.String()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
