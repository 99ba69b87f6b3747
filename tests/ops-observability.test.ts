// What an operator watches: readiness (503 while draining, liveness stays up), GET /metrics (Prometheus text, only
// to a local scraper or with PANGOLIN_METRICS_TOKEN) and the JSON log lines (pino) with the request id on each.
import { AsyncLocalStorage } from 'node:async_hooks';
import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '@/lib/logger';
import { createTenant } from '@/lib/catalog/tenants';
import { tenantWorld, uniqueName } from './support/fixtures';
import { run } from './support/governance';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const serverState = Symbol.for('pangolin.server');
const g = globalThis as { [serverState]?: { draining: boolean } };
afterEach(() => {
  delete g[serverState];
  delete process.env.PANGOLIN_METRICS_TOKEN;
  vi.restoreAllMocks();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  new NextRequest(`http://localhost${url}`, { headers });

describe('health for load balancers', () => {
  it('ready is 200, then 503 once the server drains; live stays 200', async () => {
    const ready = await import('@/app/api/health/ready/route');
    const live = await import('@/app/api/health/live/route');
    const r1 = await ready.GET();
    expect(r1.status).toBe(200);
    expect(await r1.json()).toEqual({ status: 'ready' });

    g[serverState] = { draining: true }; // what scripts/server.mjs sets on SIGTERM
    const r2 = await ready.GET();
    expect(r2.status).toBe(503);
    expect(await r2.json()).toEqual({ status: 'draining' });
    expect(r2.headers.get('retry-after')).toBe('5');
    expect(live.GET().status).toBe(200);
  });
});

describe('GET /metrics', () => {
  const scrape = async (headers: Record<string, string>) => {
    const { GET } = await import('@/app/metrics/route');
    return GET(get('/metrics', headers));
  };

  it('serves Prometheus text to a loopback peer, with the app and process series', async () => {
    const w = await tenantWorld();
    await run(createTenant, w.root, { name: uniqueName('metrics'), adminUsername: uniqueName('metrics-admin') });
    const res = await scrape({ 'x-pangolin-peer': '127.0.0.1' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const onPostgres = !!process.env.TEST_DATABASE_URL; // PGlite has no pool
    for (const name of [
      ...(onPostgres
        ? [
            'pangolin_db_pool_connections{state="total"}',
            'pangolin_db_pool_connections{state="idle"}',
            'pangolin_db_pool_connections{state="waiting"}',
          ]
        : ['# TYPE pangolin_db_pool_connections gauge']),
      '# TYPE pangolin_audit_append_seconds histogram',
      '# TYPE pangolin_audit_lane_wait_seconds histogram',
      'pangolin_iceberg_commit_conflicts_total 0',
      '# TYPE pangolin_merge_duration_seconds histogram',
      '# TYPE pangolin_delivery_queue_depth gauge',
      '# TYPE pangolin_delivery_failures_total counter',
      '# TYPE process_cpu_seconds_total counter',
      '# TYPE nodejs_eventloop_lag_seconds gauge',
      '# TYPE process_resident_memory_bytes gauge',
    ]) {
      expect(text, name).toContain(name);
    }
    // The mutation above appended at least one audit row, timed.
    expect(Number(/^pangolin_audit_append_seconds_count (\d+)/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    ['another machine', { 'x-pangolin-peer': '10.1.2.3' }],
    [
      'a loopback peer that forwarded the request (a local proxy)',
      { 'x-pangolin-peer': '127.0.0.1', 'x-pangolin-forwarded': '1' },
    ],
    ['no known peer (next dev)', {}],
    ['a wrong token', { 'x-pangolin-peer': '10.1.2.3', authorization: 'Bearer wrong-token-of-the-same-len' }],
  ])('refuses %s (403)', async (_who, headers) => {
    process.env.PANGOLIN_METRICS_TOKEN = 'the-metrics-token-for-scraping';
    const res = await scrape(headers);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
  });

  it('serves anyone presenting PANGOLIN_METRICS_TOKEN', async () => {
    process.env.PANGOLIN_METRICS_TOKEN = 'the-metrics-token-for-scraping';
    const res = await scrape({ 'x-pangolin-peer': '10.1.2.3', authorization: 'Bearer the-metrics-token-for-scraping' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE pangolin_db_pool_connections gauge');
  });

  it('without PANGOLIN_METRICS_TOKEN, no bearer opens it', async () => {
    const res = await scrape({ 'x-pangolin-peer': '10.1.2.3', authorization: 'Bearer ' });
    expect(res.status).toBe(403);
  });
});

describe('logs', () => {
  const capture = (stream: NodeJS.WriteStream) => {
    const lines: string[] = [];
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    return () =>
      lines
        .flatMap((l) => l.split('\n'))
        .filter(Boolean)
        .map((l) => JSON.parse(l));
  };

  it('writes one JSON line per event with the request id of the request being answered', () => {
    const previous = process.env.PANGOLIN_LOG_LEVEL;
    process.env.PANGOLIN_LOG_LEVEL = 'info';
    try {
      const out = capture(process.stdout);
      const err = capture(process.stderr);
      // The store scripts/server.mjs runs every request in.
      const ctx = (globalThis as Record<symbol, AsyncLocalStorage<{ requestId: string }>>)[
        Symbol.for('pangolin.requestContext')
      ];
      ctx.run({ requestId: 'req-123' }, () => {
        logger.info('catalog listed', { tenant: 't1' });
        logger.warn('storage slow', { err: new Error('timeout'), password: 'hunter2-secret', nested: { token: 'x' } });
      });
      logger.info('outside any request');
      vi.restoreAllMocks();
      const [info, outside] = out();
      expect(info).toMatchObject({ level: 'info', message: 'catalog listed', requestId: 'req-123', tenant: 't1' });
      expect(info.time).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(outside.requestId).toBeUndefined();
      const [warn] = err();
      expect(warn).toMatchObject({ level: 'warn', message: 'storage slow', requestId: 'req-123' });
      expect(warn.err.message).toBe('timeout');
      expect(warn.password).toBe('[redacted]');
      expect(warn.nested.token).toBe('[redacted]');
      expect(out().some((l) => l.level === 'warn')).toBe(false); // warnings on stderr only
    } finally {
      process.env.PANGOLIN_LOG_LEVEL = previous;
    }
  });

  it('drops lines below PANGOLIN_LOG_LEVEL', () => {
    const previous = process.env.PANGOLIN_LOG_LEVEL;
    process.env.PANGOLIN_LOG_LEVEL = 'warn';
    try {
      const out = capture(process.stdout);
      logger.info('not shown');
      logger.debug('not shown either');
      vi.restoreAllMocks();
      expect(out()).toEqual([]);
    } finally {
      process.env.PANGOLIN_LOG_LEVEL = previous;
    }
  });
});
