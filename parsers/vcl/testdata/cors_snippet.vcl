# A deliver snippet: Fastly inserts it into vcl_deliver.
if (fastly.ff.visits_this_service == 0 && req.http.Origin) {
  set resp.http.Access-Control-Allow-Origin = "*";
  set resp.http.Access-Control-Allow-Methods = "GET";
}
set resp.http.Vary:Origin = "";
