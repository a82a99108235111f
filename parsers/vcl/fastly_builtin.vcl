# What Fastly does where a service's VCL returns nothing: the default
# return state of each subroutine, and the boilerplate's pass for methods
# other than GET and HEAD (https://www.fastly.com/documentation/reference/vcl/request-lifecycle).
# corslint runs it after the file's own code, as a snippet runs before it.

sub vcl_recv {
  if (req.method != "HEAD" && req.method != "GET" && req.method != "FASTLYPURGE") {
    return(pass);
  }
  return(lookup);
}

sub vcl_hash {
  set req.hash += req.url;
  set req.hash += req.http.host;
  return(hash);
}

sub vcl_miss {
  return(fetch);
}

sub vcl_pass {
  return(pass);
}

sub vcl_fetch {
  return(deliver);
}

sub vcl_error {
  return(deliver);
}

sub vcl_deliver {
  return(deliver);
}
