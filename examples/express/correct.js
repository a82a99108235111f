// The article's manual middleware, corrected: the allowed origin is echoed
// with Vary: Origin, so no cache serves one origin's answer to another, and
// preflights are answered before any route.
const express = require('express');

const app = express();
const allowedOrigins = ['https://app.example.com', 'https://staging.example.com'];

app.use((req, res, next) => {
  const origin = req.headers.origin;
  res.vary('Origin');
  if (allowedOrigins.includes(origin)) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization');
    res.setHeader('Access-Control-Max-Age', '7200');
    return res.sendStatus(204);
  }
  next();
});

app.get('/data', (req, res) => res.json({ message: 'Success' }));

app.listen(3000);
