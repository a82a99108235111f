// Package browser is the browser's side of CORS: given the request a page
// makes with fetch() and the headers a server answers with, it decides what
// Chromium decides and returns the console line Chromium prints.
//
// Everything here is a pure function of its arguments: no network, no clock,
// no shared state. Where Chromium and the Fetch standard disagree, the code
// follows Chromium 156 (services/network/cors in the Chromium tree), because
// that is what users see, and Verdict.Note says what the standard would do.
//
// Sources, cited again next to the code that mirrors them:
//
//   - services/network/public/cpp/cors/cors.cc: CheckAccess (the CORS check),
//     the CORS-safelisted request headers, forbidden methods.
//   - services/network/cors/cors_util.cc: the names that go into
//     Access-Control-Request-Headers, with the 1024-byte rule.
//   - services/network/cors/preflight_controller.cc: the preflight flow and
//     the order of its checks.
//   - services/network/cors/preflight_result.cc: parsing
//     Access-Control-Allow-Methods/-Headers/Max-Age and matching them.
//   - third_party/blink/renderer/platform/loader/cors/cors_error_string.cc:
//     the console messages.
//   - third_party/blink/renderer/core/fetch/{headers.cc,request.cc} and
//     platform/loader/fetch/fetch_utils.cc: what fetch() does to the method
//     and headers before anything reaches the network.
package browser
