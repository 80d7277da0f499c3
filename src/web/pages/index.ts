import type { FastifyInstance } from 'fastify';
import type { LiveEvent } from '../events.js';
import type { WebContext } from '../server.js';
import { registerCompose } from './compose.js';
import { registerConversations } from './conversations.js';
import { registerHealth } from './health.js';
import { registerMessage } from './message.js';
import { registerQueue } from './queue.js';
import { registerSettings } from './settings.js';
import { registerThread } from './thread.js';

/** Keeps proxies and idle timers from closing a quiet event stream. */
const HEARTBEAT_MS = 25_000;

export function registerPages(app: FastifyInstance, ctx: WebContext): void {
  registerConversations(app, ctx);
  registerThread(app, ctx);
  registerMessage(app, ctx);
  registerCompose(app, ctx);
  registerHealth(app, ctx);
  registerQueue(app, ctx);
  registerSettings(app, ctx);

  /** Server-sent events (WHATWG HTML §9.2): `message`, `state`, `modem`, each with a JSON body. */
  app.get('/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
      Connection: 'keep-alive',
    });
    res.write('retry: 3000\n\n');
    const send = (e: LiveEvent): void => {
      res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
    };
    const unsubscribe = ctx.events.subscribe(send);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    beat.unref();
    req.raw.on('close', () => {
      clearInterval(beat);
      unsubscribe();
    });
  });
}
