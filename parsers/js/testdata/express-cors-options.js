// Every option of the cors package, on an app, a router and one route.
const express = require('express');
const cors = require('cors');

const app = express();
const api = express.Router();

const corsOptions = {
  origin: [/\.example\.com$/, 'https://partner.example.org'],
  credentials: true,
  methods: ['GET', 'PUT', 'DELETE'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  exposedHeaders: 'X-Request-Id',
  maxAge: 600,
  optionsSuccessStatus: 200,
};

app.use('/api', api);
api.use(cors(corsOptions));
api.get('/items', (req, res) => res.json([]));
api.put('/items/:id', (req, res) => res.status(204).end());

app.options('/public', cors());
app.get('/public', cors(), (req, res) => res.send('hi'));

app.get('/fixed', cors({ origin: 'https://app.example.com', preflightContinue: true }), (req, res) => res.send('ok'));
app.get('/off', cors({ origin: false }), (req, res) => res.send('no cors'));
