# A Fastly service's custom VCL: tables, subfields, the error flow.
table cors_origins {
  "https://app.example.com": "true",
  "https://old.example.com": "false",
}

table redirects STRING {
  "/old": "/new"
}

backend F_origin {
  .host = "origin.example.com";
  .port = "443";
}

sub vcl_recv {
#FASTLY recv
  declare local var.allowed BOOL;
  set var.allowed = table.contains(cors_origins, req.http.Origin);
  set req.http.Session = req.http.Cookie:session_id;
  if (req.method == "OPTIONS" && req.http.Origin) {
    error 601 "preflight";
  }
  if (req.url.path ~ "^/old") {
    error 701 table.lookup(redirects, req.url.path);
  }
  return(lookup);
}

sub vcl_fetch {
#FASTLY fetch
  set beresp.http.Cache-Control:max-age = "300";
  unset beresp.http.Set-Cookie;
  return(deliver);
}

sub vcl_error {
#FASTLY error
  if (obj.status == 601) {
    set obj.status = 204;
    set obj.http.Access-Control-Allow-Methods = "GET, POST";
    set obj.http.Access-Control-Allow-Headers = "Content-Type";
    synthetic {""};
    return(deliver);
  }
  if (obj.status == 701) {
    set obj.status = 301;
    set obj.http.Location = obj.response;
    return(deliver);
  }
}

sub vcl_deliver {
#FASTLY deliver
  if (table.lookup(cors_origins, req.http.Origin) == "true") {
    set resp.http.Access-Control-Allow-Origin = req.http.Origin;
  }
  set resp.http.Vary:Origin = "";
  unset resp.http.Vary:Cookie;
  return(deliver);
}
