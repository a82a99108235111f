package vcl

import (
	"bytes"
	"fmt"
	"testing"
)

// benchInput generates about size bytes of VCL: backends, acls and the
// subroutines CORS setups are made of.
func benchInput(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 4096)
	b.WriteString("# generated for BenchmarkParse\nvcl 4.1;\nimport std;\n\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `backend app%[1]d {
    .host = "10.0.%[2]d.1";
    .port = "8080";
    .probe = { .url = "/healthz"; .interval = 5s; .timeout = 1s; }
}

acl trusted%[1]d {
    "10.%[2]d.0.0"/16;
    ! "10.%[2]d.1.0"/24;
}

sub cors_check%[1]d {
    unset req.http.X-CORS-Origin;
    if (req.http.Origin ~ "^https://(app|admin)%[1]d\.example\.com$") {
        set req.http.X-CORS-Origin = req.http.Origin; // allowed
    }
}

sub cors_headers%[1]d {
    if (req.http.X-CORS-Origin) {
        set resp.http.Access-Control-Allow-Origin = req.http.X-CORS-Origin;
        set resp.http.Access-Control-Allow-Credentials = "true";
    }
    if (resp.http.Vary) {
        set resp.http.Vary = resp.http.Vary + ", Origin";
    } else {
        set resp.http.Vary = "Origin";
    }
}

sub vcl_recv {
    if (req.http.host == "api%[1]d.example.com") {
        set req.backend_hint = app%[1]d;
        call cors_check%[1]d;
        if (req.method == "OPTIONS" && req.http.X-CORS-Origin) {
            return (synth(204, "Preflight"));
        }
        if (req.method == "PURGE" && client.ip ~ trusted%[1]d) {
            return (purge);
        }
    }
}

sub vcl_deliver {
    if (req.http.host == "api%[1]d.example.com") {
        call cors_headers%[1]d;
        set resp.http.X-Served-By = "edge-%[1]d";
    }
}

sub vcl_synth {
    if (resp.status == 204 && req.http.host == "api%[1]d.example.com") {
        call cors_headers%[1]d;
        set resp.http.Access-Control-Allow-Methods = "GET, POST, PUT, DELETE";
        set resp.http.Access-Control-Allow-Headers = "Content-Type, Authorization";
        set resp.http.Access-Control-Max-Age = "7200";
        synthetic({"preflight "} + req.url);
        return (deliver);
    }
}

`, i, i%250)
	}
	return b.Bytes()
}

// BenchmarkParse measures the lexer and parser alone.
func BenchmarkParse(b *testing.B) {
	src := benchInput(1 << 20)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Parse("bench.vcl", src, Options{FS: noFiles()})
	}
}

// BenchmarkParseLower adds the lowering, with the request flow followed
// through every subroutine, on a smaller input: the flow's work grows
// with the number of concatenated vcl_* bodies.
func BenchmarkParseLower(b *testing.B) {
	src := benchInput(64 << 10)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Lower(Parse("bench.vcl", src, Options{FS: noFiles()}))
	}
}

// fastlyBenchInput generates about size bytes of a Fastly service's VCL:
// origin tables, preflights answered through error and vcl_error, and
// the headers vcl_deliver adds to every answer.
func fastlyBenchInput(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 4096)
	b.WriteString("# generated for BenchmarkParseLowerFastly\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `table origins%[1]d {
  "https://app%[1]d.example.com": "true",
  "https://admin%[1]d.example.com": "true",
}

backend F_app%[1]d {
  .host = "app%[1]d.example.com";
  .port = "443";
}

sub vcl_recv {
#FASTLY recv
  if (req.http.host == "api%[1]d.example.com") {
    set req.backend = F_app%[1]d;
    if (req.method == "OPTIONS" && table.lookup(origins%[1]d, req.http.Origin) == "true") {
      error 601 "preflight";
    }
  }
}

sub vcl_error {
#FASTLY error
  if (obj.status == 601 && req.http.host == "api%[1]d.example.com") {
    set obj.status = 204;
    set obj.http.Access-Control-Allow-Methods = "GET, POST, PUT, DELETE";
    set obj.http.Access-Control-Allow-Headers = "Content-Type, Authorization";
    set obj.http.Access-Control-Max-Age = "7200";
    synthetic {""};
    return(deliver);
  }
}

sub vcl_deliver {
#FASTLY deliver
  if (req.http.host == "api%[1]d.example.com" && table.lookup(origins%[1]d, req.http.Origin) == "true") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
    set resp.http.Access-Control-Allow-Credentials = "true";
  }
}

`, i)
	}
	return b.Bytes()
}

// BenchmarkParseLowerFastly is BenchmarkParseLower for Fastly's flow.
func BenchmarkParseLowerFastly(b *testing.B) {
	src := fastlyBenchInput(64 << 10)
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Lower(Parse("bench.vcl", src, Options{FS: noFiles()}))
	}
}
