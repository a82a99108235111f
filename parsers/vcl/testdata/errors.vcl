# Syntax errors, each reported where it is; the parser resumes after each.
vcl 4.1;

backend default {
    .host = "127.0.0.1"
    .port = "8080";
}

sub vcl_recv {
    set req.http.X-A = "a"
    set req.http.X-B = "b";
    if (req.method == "OPTIONS" {
        return (synth(204));
    }
    sett req.http.X-C = "c";
    return (synth(200);
}

sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com";
    set resp.http.X-D = "unterminated;
    set resp.http.X-E = @;
}

frobnicate;

sub vcl_synth {
    set resp.http.X-F = "f";
