# Fastly VCL: read without errors, checked statement by statement.
sub vcl_recv {
#FASTLY recv
  declare local var.origin STRING;
  set var.origin = req.http.Origin;
  if (req.request == "OPTIONS") {
    error 912 "CORS preflight";
  }
  set req.url = "/v2/" req.url.path;
  set req.hash += req.url;
  return(lookup);
}

sub vcl_error {
  if (obj.status == 912) {
    set obj.status = 204;
    set obj.http.Access-Control-Allow-Origin = "*";
    set obj.http.Access-Control-Max-Age = "86400";
    synthetic {""};
    return (deliver);
  }
}

sub vcl_deliver {
  if (req.http.Origin) {
    set resp.http.Access-Control-Allow-Origin = "*";
  }
  add resp.http.Server-Timing = "edge; desc=" if(fastly_info.state ~ "HIT", "hit", "miss");
}
