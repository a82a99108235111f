import Fastify from 'fastify';
import fastifyCors from '@fastify/cors';
import Koa from 'koa';
import koaCors from '@koa/cors';
import { Hono } from 'hono';
import { cors } from 'hono/cors';

const fastify = Fastify({ logger: true });
await fastify.register(fastifyCors, { origin: 'https://app.example.com', methods: ['GET', 'PUT'] });

const koa = new Koa();
koa.use(koaCors({ credentials: true }));

const app = new Hono();
app.use('/api/*', cors({ origin: ['https://app.example.com', 'https://admin.example.com'], allowHeaders: ['Content-Type'] }));
app.get('/api/hello', (c) => c.json({ ok: true }));
