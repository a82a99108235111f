# Every construct of Varnish 7.1 VCL the parser reads; varnishd -C compiles
# this file (TestVarnishdCompiles).
vcl 4.1;

import std;
import directors;

include "./inc/cors.vcl";

probe health {
    .url = "/healthz";
    .interval = 5s;
    .timeout = 1.5s;
    .window = 5;
    .threshold = 3;
}

backend app {
    .host = "127.0.0.1";
    .port = "8080";
    .probe = health;
}

backend static {
    .host = "127.0.0.1";
    .port = "8081";
    .probe = {
        .request =
            "GET /ping HTTP/1.1"
            "Host: static.example.com"
            "Connection: close";
    }
}

acl purgers {
    "127.0.0.1";
    "10.0.0.0"/8;
    ! "10.1.0.0"/16;
}

sub vcl_init {
    new pool = directors.round_robin();
    pool.add_backend(app);
    pool.add_backend(static);
}

sub vcl_recv {
    set req.backend_hint = pool.backend();
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    } elseif (req.method == "OPTIONS" && req.http.Origin) {
        call cors_check;
        return (synth(204));
    } elsif (req.url ~ "^/static/") {
        set req.backend_hint = static;
    } else if (req.http.Authorization) {
        return (pass);
    } else {
        unset req.http.Cookie;
    }
    // the allowlist, saved for vcl_deliver
    call cors_check;
    C{
        /* inline C is skipped: { "braces" } do not count */
    }C
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.X-CORS-Origin) {
        hash_data(req.http.X-CORS-Origin);
    }
    return (lookup);
}

sub vcl_backend_response {
    if (beresp.ttl <= 0s || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    set beresp.grace = 1h;
    std.log("ttl: " + beresp.ttl);
}

sub vcl_deliver {
    call cors_headers;
    set resp.http.X-Cache = regsub(resp.http.X-Cache, "^\s*", "") + std.toupper(req.proto);
    set resp.http.X-Lower = (req.url + "x").lower();
}

sub vcl_synth {
    call cors_headers;
    if (resp.status == 204) {
        set resp.http.Access-Control-Allow-Methods = "GET, POST, PUT";
        set resp.http.Access-Control-Allow-Headers = "Content-Type, Authorization";
        set resp.http.Access-Control-Max-Age = "7200";
        return (deliver);
    }
    set resp.http.Content-Type = "text/html; charset=utf-8";
    synthetic({"<!DOCTYPE html>
<p>"} + resp.reason + """</p>
""");
    return (deliver);
}
