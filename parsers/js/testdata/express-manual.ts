import express, { Request, Response, NextFunction } from 'express';

const app = express();
const allowed = new Set(['https://app.example.com']);

function corsMiddleware(req: Request, res: Response, next: NextFunction) {
  const origin = req.get('Origin');
  if (origin && allowed.has(origin)) {
    res.header('Access-Control-Allow-Origin', origin); // trusted
    res.header('Access-Control-Allow-Credentials', 'true');
  } else if (origin?.endsWith('example.com')) {
    res.set({ 'Access-Control-Allow-Origin': origin });
  }
  res.vary('Origin');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    return res.sendStatus(204);
  }
  next();
}

app.use(corsMiddleware);
app.route('/api/users').get((req: Request, res: Response) => res.json([])).post((req: Request, res: Response) => res.status(201).json({}));
