package oracle

import (
	"reflect"
	"testing"
)

func TestParseResponsesKeepsOrderAndRepeats(t *testing.T) {
	raw := "HTTP/1.1 100 Continue\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 2\r\naccess-control-allow-origin:  *\r\n\r\nok" +
		"HTTP/1.1 204 No Content\r\nVary: Origin\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: x\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n" +
		"HTTP/1.0 500 Internal Server Error\r\nX-B: 2\r\n\r\nbody until close"
	got, err := parseResponses([]byte(raw), []string{"GET", "OPTIONS", "GET", "HEAD", "GET"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Wire{
		{200, []Header{{"Access-Control-Allow-Origin", "*"}, {"Content-Length", "2"}, {"access-control-allow-origin", "*"}}},
		{204, []Header{{"Vary", "Origin"}}},
		{200, []Header{{"Transfer-Encoding", "chunked"}, {"X-A", "1"}}},
		{200, []Header{{"Content-Length", "99"}}},
		{500, []Header{{"X-B", "2"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if vs := got[0].Values("ACCESS-CONTROL-ALLOW-ORIGIN"); len(vs) != 2 {
		t.Errorf("Values folds case: got %q", vs)
	}
}

func TestParseExchangesPairsRequests(t *testing.T) {
	client := "OPTIONS /a HTTP/1.1\r\nHost: x\r\nOrigin: http://o\r\nAccess-Control-Request-Method: PUT\r\n\r\n" +
		"PUT /a HTTP/1.1\r\nHost: x\r\nOrigin: http://o\r\nContent-Length: 3\r\n\r\nabc"
	server := "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
	ex, err := parseExchanges([]byte(client), []byte(server))
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 || !ex[0].isPreflight() || ex[1].isPreflight() || ex[1].Method != "PUT" || ex[1].Response.Status != 200 {
		t.Fatalf("unexpected exchanges: %+v", ex)
	}
}

func TestParseResponsesRejectsTruncation(t *testing.T) {
	for _, raw := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
		"garbage\r\n\r\n",
	} {
		if _, err := parseResponses([]byte(raw), []string{"GET"}); err == nil {
			t.Errorf("no error for %q", raw)
		}
	}
}
