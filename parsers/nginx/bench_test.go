package nginx

import (
	"bytes"
	"fmt"
	"testing"
)

// benchInput generates about size bytes of server and location blocks with
// the statements CORS configs are made of.
func benchInput(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 4096)
	b.WriteString("# generated for BenchmarkParse\nhttp {\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `    map $http_origin $cors_%[1]d {
        default "";
        "~^https://(app|admin)%[1]d\.example\.com$" $http_origin;
        https://partner%[1]d.example.org $http_origin; # exact match
    }
    upstream backend_%[1]d {
        server 10.0.%[2]d.1:8080 weight=3 max_fails=2;
        keepalive 16;
    }
    server {
        listen 443 ssl;
        server_name api%[1]d.example.com;
        # CORS for the API
        location /api/v%[1]d/ {
            add_header Access-Control-Allow-Origin $cors_%[1]d always;
            add_header Access-Control-Allow-Credentials true always;
            add_header Vary Origin always;
            if ($request_method = 'OPTIONS') {
                add_header Access-Control-Allow-Methods 'GET, POST, PUT, DELETE, OPTIONS';
                add_header Access-Control-Allow-Headers "Authorization, Content-Type";
                add_header Access-Control-Max-Age 7200;
                return 204;
            }
            if ($http_origin ~* "^https://[a-z]+\.example\.com$") {
                set $cors_ok "${cors_ok}1";
            }
            proxy_hide_header Access-Control-Allow-Origin;
            proxy_pass http://backend_%[1]d;
        }
        location ~* \.(?:woff2?|ttf)$ {
            add_header Access-Control-Allow-Origin "*";
            expires 30d;
        }
    }
`, i, i%256)
	}
	b.WriteString("}\n")
	return b.Bytes()
}

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
