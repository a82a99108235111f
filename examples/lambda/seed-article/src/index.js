// The article's handler, as published.
exports.handler = async (event) => {
  const headers = {
    'Access-Control-Allow-Origin': 'https://app.example.com',
    'Access-Control-Allow-Credentials': true,
  };
  return {
    statusCode: 200,
    headers: headers,
    body: JSON.stringify({ message: 'Success' }),
  };
};
