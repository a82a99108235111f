// The Lambda proxy integration passes this response through unchanged, so
// the CORS headers of the actual response come from here.
exports.handler = async () => ({
  statusCode: 200,
  headers: {
    "Access-Control-Allow-Origin": "https://app.example.com",
    "Access-Control-Allow-Credentials": "true",
  },
  body: JSON.stringify({ message: "Success" }),
});
