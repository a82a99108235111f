package apache

import (
	"bytes"
	"fmt"
	"testing"
)

// benchInput generates about size bytes of virtual hosts with the
// statements Apache CORS configurations are made of, comparable to the
// nginx parser's benchmark input.
func benchInput(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 4096)
	b.WriteString("# generated for BenchmarkParse\nServerRoot \"/etc/apache2\"\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `<VirtualHost *:443>
    ServerName api%[1]d.example.com
    DocumentRoot "/srv/www/%[1]d"
    # CORS for the API
    SetEnvIfNoCase Origin "^https://(app|admin)%[1]d\.example\.com$" CORS_ORIGIN=$0
    <Location "/api/v%[1]d/">
        Header always set Access-Control-Allow-Origin "%%{CORS_ORIGIN}e" env=CORS_ORIGIN
        Header always set Access-Control-Allow-Credentials "true" env=CORS_ORIGIN
        Header always merge Vary Origin
        Header unset Access-Control-Allow-Origin
        ProxyPass "http://10.0.%[2]d.1:8080/" retry=0 \
            timeout=30
    </Location>
    RewriteEngine On
    RewriteCond %%{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]
    <If "%%{HTTP:Origin} =~ m#^https://[a-z]+\.example\.com$#">
        Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS"
        Header always set Access-Control-Allow-Headers "Authorization, Content-Type"
        Header always set Access-Control-Max-Age "7200"
    </If>
    <FilesMatch "\.(?:woff2?|ttf)$">
        Header set Access-Control-Allow-Origin "*"
    </FilesMatch>
</VirtualHost>
`, i, i%256)
	}
	return b.Bytes()
}

// BenchmarkParse measures the parser alone, the figure to compare with the
// nginx parser's BenchmarkParse.
func BenchmarkParse(b *testing.B) {
	src := benchInput(10 << 20)
	if c := Parse("bench.conf", src, Options{}); len(c.Diagnostics) != 0 {
		b.Fatalf("generated input does not parse: %v", c.Diagnostics[0])
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Parse("bench.conf", src, Options{})
	}
}

// BenchmarkParseLower adds lowering into the model.
func BenchmarkParseLower(b *testing.B) {
	src := benchInput(2 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Lower(Parse("bench.conf", src, Options{}))
	}
}

// manyLocations is n <Location> sections at server level, each with a
// CORS header, the input that made route building quadratic.
func manyLocations(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<Location /l%d>\n    Header set Access-Control-Allow-Origin \"*\"\n</Location>\n", i*30)
	}
	return b.Bytes()
}

// BenchmarkLowerManyLocations measures parsing and lowering 33,000
// <Location> sections (47 s when each was matched against every other).
func BenchmarkLowerManyLocations(b *testing.B) {
	src := manyLocations(33000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Lower(Parse("httpd.conf", src, Options{}))
	}
}

// BenchmarkWalk measures one request walked through about 100 KB of
// virtual hosts, the last one named (the walk reads every section of the
// chosen host and lists the others once).
func BenchmarkWalk(b *testing.B) {
	cfg := Parse("/etc/apache2/bench.conf", benchInput(100<<10), Options{ServerRoot: "/etc/apache2"})
	req := Request{Method: "GET", Host: "api1.example.com", Port: 443, Path: "/data.json", Headers: [][2]string{{"Origin", "https://app1.example.com"}}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Evaluate(cfg, nil, req)
	}
}
