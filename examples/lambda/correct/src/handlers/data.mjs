// Every path returns the CORS headers: API Gateway's proxy integration
// passes the returned object through unchanged, and an error thrown out of
// the handler would become API Gateway's own 502 instead.
const CORS = {
  'Access-Control-Allow-Origin': 'https://app.example.com',
  'Access-Control-Allow-Credentials': 'true',
};

export const handler = async (event) => {
  try {
    if (event.httpMethod === 'POST' && !event.body) {
      return { statusCode: 400, headers: CORS, body: JSON.stringify({ message: 'Missing body' }) };
    }
    return {
      statusCode: 200,
      headers: { ...CORS, 'Content-Type': 'application/json' },
      body: JSON.stringify({ message: 'Success' }),
    };
  } catch (err) {
    return { statusCode: 500, headers: CORS, body: JSON.stringify({ message: 'Internal error' }) };
  }
};
