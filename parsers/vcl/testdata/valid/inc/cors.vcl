/* CORS, included by syntax.vcl. */
sub cors_check {
    unset req.http.X-CORS-Origin;
    if (std.tolower(req.http.Origin) ~ "^https://(app|admin)\.example\.com$") {
        set req.http.X-CORS-Origin = req.http.Origin;
    }
}

sub cors_headers {
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
