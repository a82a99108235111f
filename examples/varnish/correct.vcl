# A correct CORS setup at the Varnish edge: an anchored allowlist checked
# once in vcl_recv, preflights answered by Varnish itself with every header
# they need, the backend's own CORS headers replaced on every delivered
# response (so a cached copy never carries another origin's), and Vary
# extended rather than replaced.
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8080";
}

sub vcl_recv {
    unset req.http.X-CORS-Origin;
    if (req.http.Origin ~ "^https://(app|staging)\.example\.com$") {
        set req.http.X-CORS-Origin = req.http.Origin;
    }
    if (req.method == "OPTIONS" && req.http.X-CORS-Origin) {
        return (synth(204));
    }
}

# The headers every CORS response carries, for the allowed origins only.
sub cors_headers {
    unset resp.http.Access-Control-Allow-Origin;
    unset resp.http.Access-Control-Allow-Credentials;
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

sub vcl_deliver {
    call cors_headers;
    set resp.http.Access-Control-Expose-Headers = "Content-Length, X-Request-ID";
}

sub vcl_synth {
    if (resp.status == 204 && req.method == "OPTIONS") {
        call cors_headers;
        set resp.http.Access-Control-Allow-Methods = "GET, POST, PUT, PATCH, DELETE";
        set resp.http.Access-Control-Allow-Headers = "Content-Type, Authorization, X-Requested-With";
        set resp.http.Access-Control-Max-Age = "7200";
        return (deliver);
    }
}
