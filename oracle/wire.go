package oracle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// exchange is one request and the response to it, read back from the bytes
// of one TCP connection.
type exchange struct {
	Method   string
	Path     string
	Request  http.Header
	Response Wire
}

// isPreflight tells a CORS preflight from a plain OPTIONS request.
func (e exchange) isPreflight() bool {
	return e.Method == http.MethodOptions && e.Request.Get("Access-Control-Request-Method") != ""
}

// parseExchanges pairs the requests a client wrote with the responses the
// server wrote back on one connection. HTTP/1.1 without pipelining answers
// in order, so the n-th response belongs to the n-th request.
func parseExchanges(clientBytes, serverBytes []byte) ([]exchange, error) {
	var reqs []exchange
	br := bufio.NewReader(bytes.NewReader(clientBytes))
	for {
		req, err := http.ReadRequest(br)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("request %d: %w", len(reqs)+1, err)
		}
		// The body must be consumed to reach the next request.
		if _, err := io.Copy(io.Discard, req.Body); err != nil {
			return nil, fmt.Errorf("request %d body: %w", len(reqs)+1, err)
		}
		reqs = append(reqs, exchange{Method: req.Method, Path: req.URL.RequestURI(), Request: req.Header})
	}
	methods := make([]string, len(reqs))
	for i, r := range reqs {
		methods[i] = r.Method
	}
	resps, err := parseResponses(serverBytes, methods)
	if len(resps) < len(reqs) {
		reqs = reqs[:len(resps)]
	}
	for i := range reqs {
		reqs[i].Response = resps[i]
	}
	return reqs, err
}

// parseResponses reads HTTP/1.x responses byte by byte instead of with
// net/http, which would fold repeated headers into a map and lose their
// order. methods[i] is the method of the i-th request (HEAD has no body).
func parseResponses(b []byte, methods []string) ([]Wire, error) {
	var out []Wire
	for len(b) > 0 {
		end := bytes.Index(b, []byte("\r\n\r\n"))
		if end < 0 {
			return out, fmt.Errorf("response %d: header block not terminated", len(out)+1)
		}
		lines := strings.Split(string(b[:end]), "\r\n")
		b = b[end+4:]
		status, err := parseStatusLine(lines[0])
		if err != nil {
			return out, fmt.Errorf("response %d: %w", len(out)+1, err)
		}
		var headers []Header
		for _, line := range lines[1:] {
			if line != "" && (line[0] == ' ' || line[0] == '\t') && len(headers) > 0 {
				// Obsolete line folding continues the previous value.
				headers[len(headers)-1].Value += " " + strings.TrimSpace(line)
				continue
			}
			name, value, ok := strings.Cut(line, ":")
			if !ok {
				return out, fmt.Errorf("response %d: malformed header line %q", len(out)+1, line)
			}
			headers = append(headers, Header{Name: name, Value: strings.Trim(value, " \t")})
		}
		if status < 200 {
			// Interim responses precede the final one for the same request.
			continue
		}
		w := Wire{Status: status, Headers: headers}
		method := ""
		if len(out) < len(methods) {
			method = methods[len(out)]
		}
		out = append(out, w)

		switch {
		case method == http.MethodHead || status == 204 || status == 304:
		case isChunked(&w):
			n, err := chunkedLength(b)
			if err != nil {
				return out, fmt.Errorf("response %d: %w", len(out), err)
			}
			b = b[n:]
		case len(w.Values("Content-Length")) > 0:
			n, err := strconv.Atoi(w.Values("Content-Length")[0])
			if err != nil || n < 0 || n > len(b) {
				return out, fmt.Errorf("response %d: bad or truncated Content-Length", len(out))
			}
			b = b[n:]
		default:
			// The body runs to the end of the connection.
			b = nil
		}
	}
	return out, nil
}

func parseStatusLine(line string) (int, error) {
	proto, rest, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(proto, "HTTP/1.") {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	code, _, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	return n, nil
}

func isChunked(w *Wire) bool {
	te := w.Values("Transfer-Encoding")
	return len(te) > 0 && strings.EqualFold(strings.TrimSpace(lastElement(te[len(te)-1])), "chunked")
}

func lastElement(list string) string {
	if i := strings.LastIndexByte(list, ','); i >= 0 {
		return list[i+1:]
	}
	return list
}

// chunkedLength returns how many bytes of b a chunked body, trailers
// included, occupies.
func chunkedLength(b []byte) (int, error) {
	pos := 0
	for {
		nl := bytes.Index(b[pos:], []byte("\r\n"))
		if nl < 0 {
			return 0, errors.New("truncated chunk size")
		}
		sizeField, _, _ := strings.Cut(string(b[pos:pos+nl]), ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeField), 16, 64)
		if err != nil || size < 0 {
			return 0, fmt.Errorf("bad chunk size %q", sizeField)
		}
		pos += nl + 2
		if size == 0 {
			for {
				nl := bytes.Index(b[pos:], []byte("\r\n"))
				if nl < 0 {
					return 0, errors.New("truncated trailers")
				}
				pos += nl + 2
				if nl == 0 {
					return pos, nil
				}
			}
		}
		if int64(len(b)-pos) < size+2 {
			return 0, errors.New("truncated chunk")
		}
		pos += int(size) + 2
	}
}
