// The article's Worker, corrected: every response that depends on the
// request's Origin says Vary: Origin, so neither Cloudflare's cache nor the
// browser's reuses one origin's answer for another. On the origin's
// response Vary is appended to, so what the origin varies on stays.
const ALLOWED_ORIGINS = [
  'https://app.example.com',
  'https://staging.example.com',
];

function getCorsHeaders(request) {
  const origin = request.headers.get('Origin');
  if (ALLOWED_ORIGINS.includes(origin)) {
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
    };
  }
  return {};
}

export default {
  async fetch(request) {
    if (request.method === 'OPTIONS') {
      const headers = new Headers(getCorsHeaders(request));
      headers.append('Vary', 'Origin');
      if (!headers.has('Access-Control-Allow-Origin')) {
        return new Response(null, { status: 403, headers });
      }
      headers.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
      headers.set('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Requested-With');
      headers.set('Access-Control-Max-Age', '7200');
      return new Response(null, { status: 204, headers });
    }

    const response = await fetch(request);
    const newResponse = new Response(response.body, response);
    for (const [key, value] of Object.entries(getCorsHeaders(request))) {
      newResponse.headers.set(key, value);
    }
    newResponse.headers.append('Vary', 'Origin');
    return newResponse;
  },
};
