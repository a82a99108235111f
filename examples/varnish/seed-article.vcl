# The Varnish VCL from the article "CORS Preflight Request Blocked: The
# Complete Fix for Every Web Server", completed with a version line and a
# backend so that varnishd loads it. hash_data(req.http.Origin) keeps one
# cached copy per origin, but Vary is replaced rather than extended.
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8080";
}

sub vcl_hash {
    # Include Origin header in cache key for CORS
    if (req.http.Origin) {
        hash_data(req.http.Origin);
    }
}

sub vcl_deliver {
    # Ensure Vary: Origin is always present
    if (resp.http.Access-Control-Allow-Origin) {
        set resp.http.Vary = "Origin";
    }
}
