// Option 1 of the Express section of the article "CORS Preflight Request
// Blocked: The Complete Fix for Every Web Server", as published: the cors
// package with one fixed origin and credentials. The package answers
// preflights and adds Vary: Origin itself; Chromium caps the Max-Age of
// 86400 at 7200 silently. Nothing to report.
const express = require('express');
const cors = require('cors');
const app = express();

// Option 1: Allow a specific origin with credentials
app.use(cors({
  origin: 'https://app.example.com',
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  credentials: true,
  maxAge: 86400
}));

app.get('/data', (req, res) => res.json({ message: 'Success' }));

app.listen(3000);
