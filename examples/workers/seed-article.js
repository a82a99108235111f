// The Cloudflare Worker from the article, as published: it answers
// preflights at the edge and copies the origin's response with CORS headers
// for allowed origins, but the echoed origin never comes with Vary: Origin.
const ALLOWED_ORIGINS = [
  'https://app.example.com',
  'https://staging.example.com',
];

const CORS_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization, X-Requested-With',
  'Access-Control-Max-Age': '86400',
};

function getCorsHeaders(request) {
  const origin = request.headers.get('Origin');
  if (ALLOWED_ORIGINS.includes(origin)) {
    return {
      ...CORS_HEADERS,
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Credentials': 'true',
    };
  }
  return {};
}

export default {
  async fetch(request) {
    // Handle preflight
    if (request.method === 'OPTIONS') {
      const headers = getCorsHeaders(request);
      if (Object.keys(headers).length === 0) {
        return new Response(null, { status: 403 });
      }
      return new Response(null, { status: 204, headers });
    }

    // Fetch from origin
    const response = await fetch(request);
    const newResponse = new Response(response.body, response);

    // Add CORS headers to actual response
    const corsHeaders = getCorsHeaders(request);
    for (const [key, value] of Object.entries(corsHeaders)) {
      newResponse.headers.set(key, value);
    }
    return newResponse;
  },
};
