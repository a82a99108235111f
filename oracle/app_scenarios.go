package oracle

import "fmt"

// AppScenarios returns the measured cases for application code: Express
// with the cors middleware (express 4.22.3, cors 2.8.5) and Workers in
// Cloudflare's workerd, at the versions oracle/testdata/node pins. They
// are kept apart from Scenarios because their Config is JavaScript, which
// only the JavaScript dialect reads.
func AppScenarios() []Scenario {
	var all []Scenario
	all = append(all, expressScenarios()...)
	all = append(all, expressTSScenarios()...)
	all = append(all, workerdScenarios()...)
	all = append(all, proxiedAppScenarios()...)
	all = append(all, refusedMethodScenarios()...)
	all = append(all, requestHeaderScenarios()...)
	return all
}

// Header names the application scenarios pin down beyond the common ones.
const (
	aceh = "Access-Control-Expose-Headers"
	vary = "Vary"
)

// Chromium's reasons for the application scenarios' blocks.
const (
	reasonNoCredentials = "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'."
	reasonPutMethod     = "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
)

// expressApp is a whole Express application: the scenario's middleware
// and routes between the usual head and the listen call. PORT and HOST
// come from the environment, as on a platform that assigns them.
func expressApp(body string) string {
	return `const express = require('express');
const cors = require('cors');

const app = express();
` + body + `
app.listen(process.env.PORT, process.env.HOST);
`
}

// corsApp is an Express app with the cors middleware, given its options
// as written (empty for its defaults), in front of dataRoutes.
func corsApp(options string) string {
	return expressApp("\napp.use(cors(" + options + "));\n" + dataRoutes)
}

// dataRoutes are the routes most Express scenarios serve.
const dataRoutes = `
app.get('/api/data', (req, res) => {
  res.json({ data: true });
});
app.put('/api/data', (req, res) => {
  res.json({ updated: true });
});
`

// pinned are the header lines a response must carry, by name; a name
// with no values must be absent.
type pinned = map[string][]string

// wire is what one response must carry: its status and the pinned lines.
func wire(status int, headers pinned) *WireFacts {
	return &WireFacts{Status: status, Headers: headers}
}

// forPage pins the line most scenarios check: Access-Control-Allow-Origin
// naming the page's origin. A fresh map each time, as scenarios own theirs.
func forPage() pinned { return pinned{acao: {"{{.PageOrigin}}"}} }

// allowedForPage expects a request to pass, its preflight (answered with
// the given status) and actual response (200) both naming the page's
// origin.
func allowedForPage(preflightStatus int) Expect {
	return Expect{Allowed: true, Preflight: wire(preflightStatus, forPage()), Actual: wire(200, forPage())}
}

// expressAutoOptions is Express's own answer to OPTIONS on a path whose
// routes have other methods: 200 with Allow, no CORS headers of its own.
var expressAutoOptions = wire(200, pinned{acao: nil, acam: nil})

// manualReflect is the hand-written middleware of many answers: the
// request's Origin copied into the response, with credentials.
var manualReflect = expressApp(`
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  next();
});
` + dataRoutes)

// routerApp mounts a router with its own cors at /api, beside a route
// outside it.
var routerApp = expressApp(`
const api = express.Router();
api.use(cors({ origin: '{{.PageOrigin}}' }));
api.put('/items', (req, res) => {
  res.json({ updated: true });
});
app.use('/api', api);
app.put('/other', (req, res) => {
  res.json({ updated: true });
});
`)

// hostnameEndsWithApp is a manual allowlist that trusts every origin
// whose hostname ends with suffix, with credentials.
func hostnameEndsWithApp(suffix string) string {
	return expressApp(`
app.use((req, res, next) => {
  const origin = req.get('origin');
  if (origin && new URL(origin).hostname.endsWith('` + suffix + `')) {
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Allow-Credentials', 'true');
    res.append('Vary', 'Origin');
  }
  next();
});
` + dataRoutes)
}

// routeCorsApp puts cors on the PUT route and on app.options(path).
func routeCorsApp(optionsPath string) string {
	return expressApp(`
const corsOptions = { origin: '{{.PageOrigin}}' };
app.options('` + optionsPath + `', cors(corsOptions));
app.put('/api/data', cors(corsOptions), (req, res) => {
  res.json({ updated: true });
});
`)
}

func expressScenarios() []Scenario {
	get := Request{Path: "/api/data"}
	getCred := Request{Path: "/api/data", Credentials: true}
	put := Request{Path: "/api/data", Method: "PUT"}
	putJSON := Request{Path: "/api/data", Method: "PUT", Headers: map[string]string{"Content-Type": "application/json"}}
	auth := Request{Path: "/api/data", Headers: map[string]string{"Authorization": "Bearer x"}}
	const defaultMethods = "GET,HEAD,PUT,PATCH,POST,DELETE"

	allowlistFn := expressApp(`
const allowlist = ['{{.PageOrigin}}'];
app.use(cors({
  origin: (origin, callback) => callback(null, allowlist.includes(origin)),
  credentials: true,
}));
` + dataRoutes)
	allowlistErr := expressApp(`
const allowlist = ['{{.PageOrigin}}'];
app.use(cors({
  origin: (origin, callback) => {
    if (allowlist.includes(origin)) {
      callback(null, true);
    } else {
      callback(new Error('Not allowed by CORS'));
    }
  },
}));
` + dataRoutes)
	regexpAndArray := expressApp(`
app.use(cors({
  origin: ['{{.PageOrigin}}', /\.example\.localhost:\d+$/],
}));
` + dataRoutes)

	// elseAfterNegated keeps the allowlist test in the outer if and the
	// method test in the else if.
	elseAfterNegated := expressApp(`
const allowlist = ['{{.PageOrigin}}'];
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (!allowlist.includes(origin)) {
    next();
  } else if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Methods', 'GET, PUT');
    res.sendStatus(204);
  } else {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    next();
  }
});
` + dataRoutes)

	return []Scenario{
		{
			Name: "express/defaults", Server: "express", Request: get,
			Config: corsApp(""),
			Source: "cors() sends Access-Control-Allow-Origin: * to every origin, no Vary",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"*"}, vary: nil, acac: nil})},
		},
		{
			Name: "express/defaults-credentials", Server: "express", Request: getCred,
			Config: corsApp(""),
			Source: "cors() with a credentialed fetch: * is refused",
			Expect: Expect{Console: blocked(reasonWildcard),
				Actual: wire(200, pinned{acao: {"*"}, acac: nil})},
		},
		{
			Name: "express/defaults-preflight", Server: "express", Request: putJSON,
			Config: corsApp(""),
			Source: "cors() answers a preflight itself: 204, its default methods, the requested headers reflected",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{
					acao: {"*"}, acam: {defaultMethods}, acah: {"content-type"},
					vary: {"Access-Control-Request-Headers"}, acma: nil}),
				Actual: wire(200, pinned{acao: {"*"}})},
		},
		{
			Name: "express/origin-string", Server: "express", Request: get, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}' }"),
			Source: "origin as a string: sent as is, with Vary: Origin",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-string-other-origin", Server: "express", Request: get,
			Config: corsApp("{ origin: '{{.PageOrigin}}' }"),
			Source: "origin as a string: sent to every origin, so another origin reads a mismatch",
			Expect: Expect{Console: blocked(fmt.Sprintf(reasonNotEqualFmt, "{{.PageOrigin}}")),
				Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-array-string", Server: "express", Request: put, Trusted: true,
			Config: regexpAndArray,
			Source: "origin as an array of a string and a RegExp: the listed origin is reflected",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{
					acao: {"{{.PageOrigin}}"}, vary: {"Origin, Access-Control-Request-Headers"}, acam: {defaultMethods}}),
				Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-array-regexp", Server: "express", Request: get, LookAlike: "app.example.localhost",
			Config: regexpAndArray,
			Source: "origin as an array of a string and a RegExp: an origin the RegExp matches is reflected",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.Origin}}"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-array-other-origin", Server: "express", Request: put,
			Config: regexpAndArray,
			Source: "origin as an array: an unlisted origin's preflight is still answered 204, without Access-Control-Allow-Origin",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: wire(204, pinned{
					acao: nil, vary: {"Origin, Access-Control-Request-Headers"}, acam: {defaultMethods}})},
		},
		{
			Name: "express/origin-regexp-unanchored", Server: "express", Request: getCred, LookAlike: "127.0.0.1.evil.localhost",
			Config: corsApp(`{ origin: /127\.0\.0\.1/, credentials: true }`),
			Source: "an unanchored RegExp passes any origin that contains the text",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.Origin}}"}, acac: {"true"}})},
		},
		{
			Name: "express/origin-regexp-anchored", Server: "express", Request: getCred, LookAlike: "127.0.0.1.evil.localhost",
			Config: corsApp(`{ origin: /^http:\/\/127\.0\.0\.1:\d+$/, credentials: true }`),
			Source: "an anchored RegExp refuses the look-alike origin: no Access-Control-Allow-Origin",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Actual: wire(200, pinned{acao: nil, acac: {"true"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-true-credentials", Server: "express", Request: getCred,
			Config: corsApp("{ origin: true, credentials: true }"),
			Source: "origin: true reflects every origin, so with credentials any site reads the response",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.Origin}}"}, acac: {"true"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-star-credentials", Server: "express", Request: getCred, Trusted: true,
			Config: corsApp("{ origin: '*', credentials: true }"),
			Source: "origin: '*' with credentials: true sends both headers as written, which no browser accepts",
			Expect: Expect{Console: blocked(reasonWildcard),
				Actual: wire(200, pinned{acao: {"*"}, acac: {"true"}})},
		},
		{
			Name: "express/origin-string-no-credentials", Server: "express", Request: getCred, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}' }"),
			Source: "without credentials: true a credentialed fetch fails on Access-Control-Allow-Credentials",
			Expect: Expect{Console: blocked(reasonNoCredentials),
				Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, acac: nil})},
		},
		{
			Name: "express/origin-string-credentials", Server: "express", Request: getCred, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}', credentials: true }"),
			Source: "origin as a string with credentials: true: the credentialed fetch from that origin passes",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, acac: {"true"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-array-credentials", Server: "express", Request: getCred, LookAlike: "app.example.localhost",
			Config: expressApp(`
app.use(cors({
  origin: ['{{.PageOrigin}}', /\.example\.localhost:\d+$/],
  credentials: true,
}));
` + dataRoutes),
			Source: "origin as an array with credentials: true: an origin the RegExp matches is reflected with credentials",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.Origin}}"}, acac: {"true"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-function", Server: "express", Request: getCred, Trusted: true,
			Config: allowlistFn,
			Source: "origin as a function over an allowlist: the listed origin is reflected with credentials",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, acac: {"true"}, vary: {"Origin"}})},
		},
		{
			Name: "express/origin-function-other-origin", Server: "express", Request: put,
			Config: allowlistFn,
			Source: "origin function answering false: cors sets nothing and passes the preflight on to Express, which answers 200",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: wire(200, pinned{acao: nil, acam: nil, vary: nil, acac: nil})},
		},
		{
			Name: "express/origin-function-error", Server: "express", Request: get,
			Config: allowlistErr,
			Source: "origin function passing an Error: Express's error handler answers 500 without CORS headers",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Actual: wire(500, pinned{acao: nil})},
		},
		{
			Name: "express/origin-function-error-preflight", Server: "express", Request: put,
			Config: allowlistErr,
			Source: "origin function passing an Error: a refused origin's preflight is Express's 500 too, without CORS headers",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: &WireFacts{Status: 500, Headers: map[string][]string{acao: nil, acam: nil}}},
		},
		{
			Name: "express/manual-next-error", Server: "express", Request: get,
			Config: expressApp(`
const allowlist = ['{{.PageOrigin}}'];
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (!allowlist.includes(origin)) {
    return next(new Error('Not allowed by CORS'));
  }
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  next();
});
` + dataRoutes),
			Source: "hand-written middleware passing an Error to next() for other origins: Express's error handler answers 500",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Actual: &WireFacts{Status: 500, Headers: map[string][]string{acao: nil}}},
		},
		{
			Name: "express/origin-function-error-allowed", Server: "express", Request: put, Trusted: true,
			Config: allowlistErr,
			Source: "origin function passing an Error: the listed origin still gets its preflight answered",
			Expect: allowedForPage(204),
		},
		{
			Name: "express/methods-without-put", Server: "express", Request: put, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}', methods: ['GET', 'POST'] }"),
			Source: "methods set without PUT: the preflight lists GET,POST and PUT is refused",
			Expect: Expect{Console: blocked(reasonPutMethod),
				Preflight: wire(204, pinned{acam: {"GET,POST"}})},
		},
		{
			Name: "express/methods-with-put", Server: "express", Request: put, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}', methods: 'GET,PUT' }"),
			Source: "methods as a string with PUT: sent as written",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acam: {"GET,PUT"}}),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "express/allowed-headers-without-authorization", Server: "express", Request: auth, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}', allowedHeaders: ['Content-Type'] }"),
			Source: "allowedHeaders set: no reflection, Vary lacks Access-Control-Request-Headers, Authorization is refused",
			Expect: Expect{Console: blocked(reasonAuthHeader),
				Preflight: wire(204, pinned{acah: {"Content-Type"}, vary: {"Origin"}})},
		},
		{
			Name: "express/allowed-headers-reflected", Server: "express", Request: auth, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}' }"),
			Source: "allowedHeaders unset: the requested headers are reflected, so Authorization passes",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acah: {"authorization"}, vary: {"Origin, Access-Control-Request-Headers"}}),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "express/exposed-headers-max-age", Server: "express", Request: put, Trusted: true,
			Config: corsApp(`{ origin: '{{.PageOrigin}}', exposedHeaders: ['X-Total-Count'], maxAge: 600 }`),
			Source: "exposedHeaders goes on the preflight and the actual response, maxAge on the preflight only",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{aceh: {"X-Total-Count"}, acma: {"600"}}),
				Actual:    wire(200, pinned{aceh: {"X-Total-Count"}, acma: nil})},
		},
		{
			Name: "express/preflight-continue-route", Server: "express", Request: put, Trusted: true,
			Config: expressApp(`
app.use(cors({ origin: '{{.PageOrigin}}', preflightContinue: true }));
app.options('/api/data', (req, res) => {
  res.status(200).send('preflight handled by the route');
});
` + dataRoutes),
			Source: "preflightContinue: the route answers OPTIONS and the headers cors set are kept",
			Expect: Expect{Allowed: true,
				Preflight: wire(200, pinned{acao: {"{{.PageOrigin}}"}, acam: {defaultMethods}}),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "express/preflight-continue-no-route", Server: "express", Request: put, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}', preflightContinue: true }"),
			Source: "preflightContinue without an OPTIONS route: Express's automatic 200 carries the headers cors set",
			Expect: Expect{Allowed: true,
				Preflight: wire(200, pinned{acao: {"{{.PageOrigin}}"}, acam: {defaultMethods}}),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "express/options-success-status", Server: "express", Request: put, Trusted: true,
			Config: corsApp("{ origin: '{{.PageOrigin}}', optionsSuccessStatus: 200 }"),
			Source: "optionsSuccessStatus sets the preflight's status",
			Expect: allowedForPage(200),
		},
		{
			Name: "express/route-only-preflight", Server: "express", Request: put, Trusted: true,
			Config: expressApp(`
app.put('/api/data', cors({ origin: '{{.PageOrigin}}' }), (req, res) => {
  res.json({ updated: true });
});
`),
			Source: "cors on the PUT route only: the preflight is an OPTIONS request, which Express answers without it",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO), Preflight: expressAutoOptions},
		},
		{
			Name: "express/route-only-with-options", Server: "express", Request: put, Trusted: true,
			Config: routeCorsApp("/api/data"),
			Source: "cors on the route and on app.options for it: the preflight is answered",
			Expect: allowedForPage(204),
		},
		{
			Name: "express/options-star", Server: "express", Request: put, Trusted: true,
			Config: routeCorsApp("*"),
			Source: "app.options('*', cors()) as cors's README has it: every path's preflight is answered",
			Expect: allowedForPage(204),
		},
		{
			Name: "express/route-only-get", Server: "express", Request: get, Trusted: true,
			Config: expressApp(`
app.get('/api/data', cors({ origin: '{{.PageOrigin}}' }), (req, res) => {
  res.json({ data: true });
});
`),
			Source: "cors on one GET route: a simple request needs no preflight, so it is enough",
			Expect: Expect{Allowed: true,
				Actual: wire(200, forPage())},
		},
		{
			Name: "express/after-routes", Server: "express", Request: get, Trusted: true,
			Config: expressApp(dataRoutes + "\napp.use(cors({ origin: '{{.PageOrigin}}' }));\n"),
			Source: "cors registered after the routes: the route answers first and cors never runs",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Actual: wire(200, pinned{acao: nil})},
		},
		{
			Name: "express/router", Server: "express", Request: Request{Path: "/api/items", Method: "PUT"}, Trusted: true,
			Config: routerApp,
			Source: "a router with its own cors answers preflights under its mount path",
			Expect: allowedForPage(204),
		},
		{
			Name: "express/router-outside", Server: "express", Request: Request{Path: "/other", Method: "PUT"}, Trusted: true,
			Config: routerApp,
			Source: "a router's cors does not reach paths outside its mount path",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO), Preflight: expressAutoOptions},
		},
		{
			Name: "express/manual-reflect-credentials", Server: "express", Request: getCred,
			Config: manualReflect,
			Source: "manual middleware copying req.headers.origin with credentials: any site reads the response",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.Origin}}"}, acac: {"true"}, vary: nil})},
		},
		{
			Name: "express/manual-reflect-put", Server: "express", Request: put,
			Config: manualReflect,
			Source: "manual middleware without an OPTIONS branch: Express's automatic 200 has no Access-Control-Allow-Methods",
			Expect: Expect{Console: blocked(reasonPutMethod),
				Preflight: wire(200, pinned{acao: {"{{.Origin}}"}, acam: nil})},
		},
		{
			Name: "express/manual-else-after-negated-allowlist", Server: "express", Request: put, Trusted: true,
			Config: elseAfterNegated,
			Source: "if (!allowed) next(); else if (OPTIONS) answer; else set: the last branch runs for the allowed origin's PUT",
			Expect: Expect{Allowed: true,
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}, acam: {"GET, PUT"}}},
				Actual:    &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}}}},
		},
		{
			Name: "express/manual-else-after-negated-allowlist-other-origin", Server: "express", Request: put,
			Config: elseAfterNegated,
			Source: "the same middleware passes another origin's preflight on to Express's own 200",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: &WireFacts{Status: 200, Headers: map[string][]string{acao: nil, acam: nil}}},
		},
		{
			Name: "express/manual-ends-with", Server: "express", Request: getCred, LookAlike: "evilexample.localhost",
			Config: hostnameEndsWithApp("example.localhost"),
			Source: "a manual allowlist with endsWith: evilexample.localhost passes a test meant for example.localhost",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.Origin}}"}, acac: {"true"}, vary: {"Origin"}})},
		},
		{
			Name: "express/manual-exact-subdomain", Server: "express", Request: getCred, LookAlike: "evilexample.localhost",
			Config: hostnameEndsWithApp(".example.localhost"),
			Source: "a manual allowlist with endsWith on the dotted suffix refuses the look-alike",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Actual: wire(200, pinned{acao: nil})},
		},
		{
			Name: "express/error-in-route", Server: "express", Request: Request{Path: "/api/boom"},
			Config: expressApp(`
app.use(cors());
app.get('/api/boom', (req, res) => {
  throw new Error('boom');
});
`),
			Source: "an error thrown in a route: Express's default error handler keeps the headers cors set",
			Expect: Expect{Allowed: true,
				Actual: wire(500, pinned{acao: {"*"}})},
		},
		{
			Name: "express/not-found", Server: "express", Request: Request{Path: "/api/missing"},
			Config: corsApp(""),
			Source: "a 404 for an unknown path keeps the headers cors set, so the page reads the 404",
			Expect: Expect{Allowed: true,
				Actual: wire(404, pinned{acao: {"*"}})},
		},
	}
}

// tsApp is an Express application in TypeScript, as a project with
// esModuleInterop writes it.
func tsApp(imports, body string) string {
	return imports + `
const app = express();
` + body + `
app.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
`
}

const tsManualAllowlist = `
const allowed = new Set<string>(['{{.PageOrigin}}']);

app.use((req: Request, res: Response, next: NextFunction) => {
  const origin = req.headers.origin;
  if (origin && allowed.has(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, PUT');
    res.sendStatus(204);
    return;
  }
  next();
});

app.put('/api/data', (req: Request, res: Response) => {
  res.json({ updated: true });
});
`

const tsImportsManual = "import express, { Request, Response, NextFunction } from 'express';\n"
const tsImportsCors = "import express, { Request, Response } from 'express';\nimport cors, { CorsOptions } from 'cors';\n"

const tsRoutes = `
app.get('/api/data', (req: Request, res: Response) => {
  res.json({ data: true });
});
`

func expressTSScenarios() []Scenario {
	put := Request{Path: "/api/data", Method: "PUT"}
	getCred := Request{Path: "/api/data", Credentials: true}
	return []Scenario{
		{
			Name: "express/ts-manual-allowlist", Server: "express", AppFile: "app.ts", Request: put, Trusted: true,
			Config: tsApp(tsImportsManual, tsManualAllowlist),
			Source: "TypeScript: a manual allowlist with Set.has and its own OPTIONS branch",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acam: {"GET, PUT"}}),
				Actual:    wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}})},
		},
		{
			Name: "express/ts-manual-allowlist-other-origin", Server: "express", AppFile: "app.ts", Request: put,
			Config: tsApp(tsImportsManual, tsManualAllowlist),
			Source: "TypeScript: the OPTIONS branch answers 204 to an unlisted origin too, without Access-Control-Allow-Origin",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: wire(204, pinned{acao: nil, acam: {"GET, PUT"}})},
		},
		{
			Name: "express/ts-cors-origin-true", Server: "express", AppFile: "app.ts", Request: getCred,
			Config: tsApp(tsImportsCors, `
const options: CorsOptions = { origin: true, credentials: true };
app.use(cors(options));
`+tsRoutes),
			Source: "TypeScript: typed CorsOptions with origin: true and credentials: any site reads the response",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.Origin}}"}, acac: {"true"}})},
		},
		{
			Name: "express/ts-cors-allowlist", Server: "express", AppFile: "app.ts", Request: getCred,
			Config: tsApp(tsImportsCors, `
const options: CorsOptions = { origin: ['{{.PageOrigin}}'], credentials: true };
app.use(cors(options));
`+tsRoutes),
			Source: "TypeScript: typed CorsOptions with an allowlist: another origin gets no Access-Control-Allow-Origin",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Actual: wire(200, pinned{acao: nil, acac: {"true"}, vary: {"Origin"}})},
		},
	}
}

// moduleWorker wraps a Worker's fetch handler in module syntax.
func moduleWorker(body string) string {
	return "export default {\n  async fetch(request) {\n" + body + "  },\n};\n"
}

// workerPreflight answers a preflight at the edge for the trusted origin.
const workerPreflight = `    const origin = request.headers.get('Origin');
    const allowed = origin === '{{.PageOrigin}}';
    if (request.method === 'OPTIONS') {
      if (!allowed) {
        return new Response(null, { status: 403 });
      }
      return new Response(null, {
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': origin,
          'Access-Control-Allow-Methods': 'GET, PUT',
          'Access-Control-Max-Age': '600',
          'Vary': 'Origin',
        },
      });
    }
`

// workerInlinePreflight is workerPreflight with the origin test written
// where it is used.
const workerInlinePreflight = `    const origin = request.headers.get('Origin');
    if (request.method === 'OPTIONS') {
      if (origin !== '{{.PageOrigin}}') {
        return new Response(null, { status: 403 });
      }
      return new Response(null, {
        status: 204,
        headers: {
          'Access-Control-Allow-Origin': origin,
          'Access-Control-Allow-Methods': 'GET, PUT',
          'Access-Control-Max-Age': '600',
          'Vary': 'Origin',
        },
      });
    }
`

// copyUpstream fetches the origin's response and copies it, as its own
// headers are immutable.
const copyUpstream = `    const upstream = await fetch(request);
    const response = new Response(upstream.body, upstream);
`

func workerdScenarios() []Scenario {
	put := Request{Path: "/api/data", Method: "PUT"}
	return []Scenario{
		{
			Name: "workerd/proxy-with-cors", Server: "workerd", Request: put, Trusted: true,
			Config: moduleWorker(workerPreflight + copyUpstream + `    if (allowed) {
      response.headers.set('Access-Control-Allow-Origin', origin);
      response.headers.append('Vary', 'Origin');
    }
    return response;
`),
			Source: "a Worker answering the preflight and copying the origin's response to add the header",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acam: {"GET, PUT"}}),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "workerd/proxy-preflight-only", Server: "workerd", Request: put, Trusted: true,
			Config: moduleWorker(workerPreflight + "    return fetch(request);\n"),
			Source: "a Worker answering only the preflight: the proxied response lacks the header",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Preflight: wire(204, forPage()),
				Actual:    wire(200, pinned{acao: nil})},
		},
		{
			Name: "workerd/proxy-immutable-headers", Server: "workerd", Request: put, Trusted: true,
			Config: moduleWorker(workerPreflight + `    const response = await fetch(request);
    response.headers.set('Access-Control-Allow-Origin', origin);
    return response;
`),
			Source: "a Worker setting a header on fetch()'s own response: its headers are immutable, the Worker throws, workerd answers 500",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Preflight: wire(204, forPage()),
				Actual:    wire(500, pinned{acao: nil})},
		},
		{
			Name: "workerd/proxy-append-doubles", Server: "workerd", Request: put, Trusted: true,
			Upstream: UpstreamOptions{ReflectOrigin: true},
			Config: moduleWorker(workerPreflight + copyUpstream + `    response.headers.append('Access-Control-Allow-Origin', origin);
    return response;
`),
			Source: "a Worker appending the header the origin already sends: two values",
			Expect: Expect{Console: blocked(fmt.Sprintf(reasonMultipleFmt, "{{.PageOrigin}}, {{.PageOrigin}}")),
				Preflight: wire(204, forPage()),
				Actual:    wire(200, pinned{acao: {"{{.PageOrigin}}, {{.PageOrigin}}"}})},
		},
		{
			Name: "workerd/proxy-set-replaces", Server: "workerd", Request: put, Trusted: true,
			Upstream: UpstreamOptions{ReflectOrigin: true},
			Config: moduleWorker(workerPreflight + copyUpstream + `    response.headers.set('Access-Control-Allow-Origin', origin);
    return response;
`),
			Source: "a Worker setting the header the origin already sends: one value",
			Expect: allowedForPage(204),
		},
		{
			Name: "workerd/inline-proxy-with-cors", Server: "workerd", Request: put, Trusted: true,
			Config: moduleWorker(workerInlinePreflight + copyUpstream + `    if (origin === '{{.PageOrigin}}') {
      response.headers.set('Access-Control-Allow-Origin', origin);
      response.headers.append('Vary', 'Origin');
    }
    return response;
`),
			Source: "a Worker with the origin test inline, answering the preflight and adding the header to the copied response",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acam: {"GET, PUT"}, acma: {"600"}}),
				Actual:    wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}})},
		},
		{
			Name: "workerd/inline-proxy-preflight-only", Server: "workerd", Request: put, Trusted: true,
			Config: moduleWorker(workerInlinePreflight + "    return fetch(request);\n"),
			Source: "a Worker with the origin test inline, answering only the preflight",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Preflight: wire(204, forPage()),
				Actual:    wire(200, pinned{acao: nil})},
		},
		{
			Name: "workerd/inline-preflight-other-origin", Server: "workerd", Request: put,
			Config: moduleWorker(workerInlinePreflight + "    return fetch(request);\n"),
			Source: "a Worker with the origin test inline, refusing another origin's preflight with 403",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: wire(403, pinned{acao: nil})},
		},
		{
			Name: "workerd/service-worker", Server: "workerd", Request: put, Trusted: true,
			Config: `addEventListener('fetch', (event) => {
  event.respondWith(handle(event.request));
});

async function handle(request) {
` + workerInlinePreflight + copyUpstream + `    if (origin === '{{.PageOrigin}}') {
      response.headers.set('Access-Control-Allow-Origin', origin);
    }
    return response;
}
`,
			Source: "a Worker in service-worker syntax, answering the preflight and adding the header to the copied response",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acam: {"GET, PUT"}}),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "workerd/let-and-const-tests", Server: "workerd", Request: put, Trusted: true,
			Config: moduleWorker(`    const origin = request.headers.get('Origin');
    let allowed = ['{{.PageOrigin}}'].includes(origin);
    const isPreflight = request.method === 'OPTIONS';
    if (isPreflight) {
      if (!allowed) {
        return new Response(null, { status: 403 });
      }
      return new Response(null, {
        status: 204,
        headers: { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Methods': 'GET, PUT', 'Vary': 'Origin' },
      });
    }
    const upstream = await fetch(request);
    const response = new Response(upstream.body, upstream);
    if (allowed) {
      response.headers.set('Access-Control-Allow-Origin', origin);
    }
    return response;
`),
			Source: "a Worker keeping the origin test in a let and the method test in a const",
			Expect: Expect{Allowed: true,
				Preflight: &WireFacts{Status: 204, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}, acam: {"GET, PUT"}}},
				Actual:    &WireFacts{Status: 200, Headers: map[string][]string{acao: {"{{.PageOrigin}}"}}}},
		},
		{
			Name: "workerd/preflight-other-origin", Server: "workerd", Request: put,
			Config: moduleWorker(workerPreflight + "    return fetch(request);\n"),
			Source: "a Worker refusing another origin's preflight with 403",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: wire(403, pinned{acao: nil})},
		},
	}
}

// Probe is one plain HTTP request to an application, for facts a browser
// does not show: a request without Origin, or the exact answer to a
// request no page makes.
type Probe struct {
	Name    string
	Server  string // "express"
	AppFile string
	Config  string // template over Vars, as Scenario.Config
	Method  string
	Path    string
	Headers map[string]string // templates over Vars
	Source  string
	Expect  WireFacts
}

// ProbeOrigin is the Origin probes send as {{.PageOrigin}}; nothing
// listens there.
const ProbeOrigin = "http://app.example.localhost:8101"

// AppProbes returns the plain-HTTP facts about Express and cors.
func AppProbes() []Probe {
	preflight := map[string]string{"Origin": "{{.PageOrigin}}", "Access-Control-Request-Method": "PUT"}
	return []Probe{
		{
			Name: "express/probe-manual-reflect-no-origin", Server: "express", Config: manualReflect,
			Method: "GET", Path: "/api/data",
			Source: "res.setHeader with req.headers.origin throws when the request has no Origin: every same-origin or non-browser request gets 500",
			Expect: WireFacts{Status: 500, Headers: map[string][]string{acao: nil}},
		},
		{
			Name: "express/probe-preflight-without-request-headers", Server: "express",
			Config: corsApp(""),
			Method: "OPTIONS", Path: "/api/data", Headers: preflight,
			Source: "cors reflects Access-Control-Request-Headers; without it, no Access-Control-Allow-Headers at all, but the Vary",
			Expect: WireFacts{Status: 204, Headers: map[string][]string{
				acao: {"*"}, acah: nil, vary: {"Access-Control-Request-Headers"}, "Content-Length": {"0"}}},
		},
		{
			Name: "express/probe-plain-options", Server: "express",
			Config: corsApp("{ origin: '{{.PageOrigin}}' }"),
			Method: "OPTIONS", Path: "/api/data",
			Source: "cors answers every OPTIONS request as a preflight, with or without Origin and Access-Control-Request-Method",
			Expect: WireFacts{Status: 204, Headers: map[string][]string{
				acao: {"{{.PageOrigin}}"}, acam: {"GET,HEAD,PUT,PATCH,POST,DELETE"}, "Allow": nil}},
		},
		{
			Name: "express/probe-denied-preflight-falls-through", Server: "express",
			Config: corsApp(`{ origin: (origin, callback) => callback(null, origin === '{{.PageOrigin}}') }`),
			Method: "OPTIONS", Path: "/api/data",
			Headers: map[string]string{"Origin": "http://127.0.0.1:1", "Access-Control-Request-Method": "PUT"},
			Source:  "an origin callback answering false leaves the preflight to Express, which lists the path's methods in Allow",
			Expect: WireFacts{Status: 200, Headers: map[string][]string{
				acao: nil, vary: nil, "Allow": {"GET,HEAD,PUT"}}},
		},
	}
}

// proxiedApp is an Express app with cors for the page origin, as the
// upstream of a proxy.
var proxiedApp = corsApp("{ origin: '{{.PageOrigin}}' }")

// proxiedAppScenarios put nginx in front of a real Express app: the
// article's most common double.
func proxiedAppScenarios() []Scenario {
	get := Request{Path: "/api/data"}
	return []Scenario{
		{
			Name: "nginx/express-behind-double", Server: "nginx", Request: get, Trusted: true, UpstreamApp: proxiedApp,
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location /api/ {
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}" always;
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Source: "nginx adds Access-Control-Allow-Origin in front of an Express app whose cors adds it too: two lines",
			Expect: Expect{Console: blocked(fmt.Sprintf(reasonMultipleFmt, "{{.PageOrigin}}, {{.PageOrigin}}")),
				Actual: wire(200, pinned{acao: {"{{.PageOrigin}}", "{{.PageOrigin}}"}})},
		},
		{
			Name: "nginx/express-behind-hidden", Server: "nginx", Request: get, Trusted: true, UpstreamApp: proxiedApp,
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location /api/ {
            proxy_hide_header Access-Control-Allow-Origin;
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}" always;
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Source: "nginx hides the Express app's Access-Control-Allow-Origin and adds its own: one line",
			Expect: Expect{Allowed: true,
				Actual: wire(200, pinned{acao: {"{{.PageOrigin}}"}, vary: {"Origin"}})},
		},
	}
}

// workerCORS is a Worker's CORS headers for the page origin, kept in one
// const that both the preflight answer and the other answers use.
const workerCORS = `const CORS = {
  'Access-Control-Allow-Origin': '{{.PageOrigin}}',
  'Access-Control-Allow-Methods': 'GET, POST, PUT',
  'Vary': 'Origin',
};

`

// refusedMethodScenarios are code that refuses some methods with an
// error status: a Worker's method tests (a conjunction of !==, a list's
// includes), a Worker without an OPTIONS answer, and an Express
// app.options('*') that answers 405.
func refusedMethodScenarios() []Scenario {
	put := Request{Path: "/api/data", Method: "PUT"}
	preflight := `    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: CORS });
    }
`
	return []Scenario{
		{
			Name: "workerd/method-conjunction-405", Server: "workerd", Request: put, Trusted: true,
			Config: workerCORS + moduleWorker(preflight+`    if (request.method !== 'GET' && request.method !== 'POST') {
      return new Response(null, { status: 405 });
    }
    return new Response('ok', { headers: CORS });
`),
			Source: "a Worker that answers the preflight first, then refuses every method but GET and POST with 405 (a conjunction of !== tests): PUT passes the preflight and gets 405 without the CORS headers",
			Expect: Expect{Console: blocked(reasonNoACAO),
				Preflight: wire(204, forPage()),
				Actual:    wire(405, pinned{acao: nil})},
		},
		{
			Name: "workerd/method-list-includes", Server: "workerd", Request: put, Trusted: true,
			Config: workerCORS + moduleWorker(preflight+`    if (!['GET', 'POST', 'PUT'].includes(request.method)) {
      return new Response(null, { status: 405 });
    }
    return new Response('ok', { headers: CORS });
`),
			Source: "a Worker that refuses the methods missing from a list (!list.includes(request.method)): PUT is listed and gets the headers of the const the preflight answer used too",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, forPage()),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "workerd/options-unserved-405", Server: "workerd", Request: put, Trusted: true,
			Config: workerCORS + moduleWorker(`    if (request.method === 'GET' || request.method === 'PUT') {
      return new Response('ok', { headers: CORS });
    }
    return new Response(null, { status: 405 });
`),
			Source: "a Worker that serves GET and PUT with the CORS headers but answers every other method, OPTIONS included, with 405",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: wire(405, pinned{acao: nil})},
		},
		{
			Name: "express/options-refused-405", Server: "express", Request: put, Trusted: true,
			Config: expressApp(`
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '{{.PageOrigin}}');
  res.setHeader('Access-Control-Allow-Methods', 'GET, PUT');
  next();
});
app.options('*', (req, res) => res.sendStatus(405));
` + dataRoutes),
			Source: "hand-written CORS headers before app.options('*', (req, res) => res.sendStatus(405)): the preflight carries them but its status is 405",
			Expect: Expect{Console: blockedPreflight(reasonNotOK),
				Preflight: wire(405, forPage())},
		},
	}
}

// authMiddleware refuses requests without Authorization with 401;
// letOptionsPass, when set, lets OPTIONS requests through first.
func authMiddleware(letOptionsPass bool) string {
	pass := ""
	if letOptionsPass {
		pass = `  if (req.method === 'OPTIONS') {
    return next();
  }
`
	}
	return `
app.use((req, res, next) => {
` + pass + `  if (!req.headers.authorization) {
    return res.status(401).json({ error: 'unauthorized' });
  }
  next();
});
app.use(cors({ origin: '{{.PageOrigin}}' }));
` + dataRoutes
}

// requestHeaderScenarios are code that reads the request's headers: an
// auth middleware in front of cors, and a hand-written echo of
// Access-Control-Request-Headers.
func requestHeaderScenarios() []Scenario {
	auth := Request{Path: "/api/data", Headers: map[string]string{"Authorization": "Bearer x"}}
	return []Scenario{
		{
			Name: "express/auth-before-cors", Server: "express", Request: auth, Trusted: true,
			Config: expressApp(authMiddleware(false)),
			Source: "an auth middleware before cors() answers 401 to requests without Authorization; the preflight never carries it, so it gets 401 without the CORS headers",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: wire(401, pinned{acao: nil})},
		},
		{
			Name: "express/auth-lets-options-pass", Server: "express", Request: auth, Trusted: true,
			Config: expressApp(authMiddleware(true)),
			Source: "the same auth middleware letting OPTIONS through to cors(), which answers the preflight",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acah: {"authorization"}}),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "express/manual-echo-request-headers", Server: "express", Trusted: true,
			Request: Request{Path: "/api/data", Method: "PUT", Headers: map[string]string{"X-Api-Key": "k"}},
			Config: expressApp(`
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '{{.PageOrigin}}');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, PUT');
    res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers']);
    return res.sendStatus(204);
  }
  next();
});
` + dataRoutes),
			Source: "hand-written middleware echoing Access-Control-Request-Headers into Access-Control-Allow-Headers, as cors does when allowedHeaders is unset",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acah: {"x-api-key"}}),
				Actual:    wire(200, forPage())},
		},
		{
			Name: "workerd/auth-before-options", Server: "workerd", Request: auth, Trusted: true,
			Config: workerCORS + moduleWorker(`    if (!request.headers.get('Authorization')) {
      return new Response('unauthorized', { status: 401 });
    }
    if (request.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { ...CORS, 'Access-Control-Allow-Headers': 'Authorization' } });
    }
    return new Response('ok', { headers: CORS });
`),
			Source: "a Worker that refuses requests without Authorization before it answers OPTIONS: the preflight gets 401 without the CORS headers",
			Expect: Expect{Console: blockedPreflight(reasonNoACAO),
				Preflight: wire(401, pinned{acao: nil})},
		},
		{
			Name: "nginx/echo-request-headers", Server: "nginx", Trusted: true,
			Request: Request{Path: "/api/data", Method: "PUT", Headers: map[string]string{"X-Api-Key": "k"}},
			Config: nginxConfig(`    server {
        listen 127.0.0.1:{{.Port}};
        location /api/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin "{{.PageOrigin}}" always;
                add_header Access-Control-Allow-Methods "GET, PUT" always;
                add_header Access-Control-Allow-Headers $http_access_control_request_headers always;
                return 204;
            }
            add_header Access-Control-Allow-Origin "{{.PageOrigin}}" always;
            proxy_pass http://{{.Upstream}};
        }
    }
`),
			Source: "nginx echoing $http_access_control_request_headers into Access-Control-Allow-Headers on its own preflight answer",
			Expect: Expect{Allowed: true,
				Preflight: wire(204, pinned{acao: {"{{.PageOrigin}}"}, acah: {"x-api-key"}}),
				Actual:    wire(200, forPage())},
		},
	}
}
