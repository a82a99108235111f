vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8080";
}

sub vcl_deliver {
    set resp.http.Access-Control-Allow-Origin = "https://app.example.com"; # trailing
    set resp.http.X-Latin1 = "café";
}
