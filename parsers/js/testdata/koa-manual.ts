import Koa from 'koa';

const app = new Koa();
const allowed = ['https://app.example.com'];

app.use(async (ctx, next) => {
  const origin = ctx.get('Origin');
  if (allowed.includes(origin)) {
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Allow-Credentials', 'true');
  }
  ctx.vary('Origin');
  if (ctx.method === 'OPTIONS') {
    ctx.set({ 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type' });
    ctx.status = 204;
    return;
  }
  await next();
});
