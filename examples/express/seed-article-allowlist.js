// Option 2 of the article's Express section, as published: the cors
// package with an origin function over an allowlist. The package echoes an
// allowed origin with Vary: Origin; a refused one goes to Express's error
// handler (500, no CORS headers), which the browser blocks as it should.
// Nothing to report.
const express = require('express');
const cors = require('cors');

const app = express();

// Option 2: Dynamic origin allowlist
const allowedOrigins = [
  'https://app.example.com',
  'https://staging.example.com'
];
app.use(cors({
  origin: function(origin, callback) {
    // Allow requests with no origin (mobile apps, curl)
    if (!origin) return callback(null, true);
    if (allowedOrigins.includes(origin)) {
      return callback(null, true);
    }
    return callback(new Error('Not allowed by CORS'));
  },
  credentials: true
}));

app.get('/data', (req, res) => res.json({ message: 'Success' }));

app.listen(3000);
