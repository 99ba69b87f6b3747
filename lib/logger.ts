import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const configured = process.env.PANGOLIN_LOG_LEVEL as Level | undefined;
  return order[configured ?? 'info'] ?? order.info;
}

/**
 * The request being answered, set by the production server (scripts/server.mjs) around each request: every line
 * logged while answering it carries its `requestId`. Shared through globalThis (Next loads this module through its
 * own bundles); without that server (next dev, tests, CLIs) lines carry no request id unless given one.
 */
const contextKey = Symbol.for('pangolin.requestContext');
type RequestContext = { requestId: string };
const g = globalThis as { [contextKey]?: AsyncLocalStorage<RequestContext> };
const requestContext = (g[contextKey] ??= new AsyncLocalStorage<RequestContext>());

/** Field names whose values never reach a log line (secrets passed in by mistake). */
const REDACTED = ['password', 'secret', 'token', 'authorization', 'cookie', 'clientSecret', 'secretAccessKey'];

const pinoLogger = pino(
  {
    level: 'debug',
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED, ...REDACTED.map((k) => `*.${k}`)], censor: '[redacted]' },
    mixin: () => {
      const ctx = requestContext.getStore();
      return ctx ? { requestId: ctx.requestId } : {};
    },
  },
  // Warnings and errors on stderr, the rest on stdout (as before pino): supervisors often colour or alert on it.
  pino.multistream(
    [
      { level: 'debug', stream: process.stdout },
      { level: 'warn', stream: process.stderr },
    ],
    { dedupe: true },
  ),
);

function serialise(fields: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { message: v.message, stack: v.stack, code: (v as { code?: string }).code } : v;
  }
  return out;
}

/** One JSON line per event (pino): time, level, message, the request id when answering one, then the fields. */
function log(level: Level, message: string, fields: Record<string, unknown> = {}) {
  if (order[level] < threshold()) return;
  pinoLogger[level](serialise(fields), message);
}

export const logger = {
  debug: (m: string, f?: Record<string, unknown>) => log('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => log('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => log('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => log('error', m, f),
};
