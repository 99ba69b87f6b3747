import { z } from 'zod';
import { registerOperations, type Operation } from '../openapi';
import { AREAS } from './types';

/* The health area's operations (Root only): database checks, their trends, and signalling a backend. */

const V = '/api/v1';
const status = z.enum(['ok', 'warning', 'critical', 'timed_out', 'failed', 'not_applicable']);
const check = z
  .object({
    id: z.string(),
    area: z.enum(AREAS.map((a) => a.id) as [string, ...string[]]),
    title: z.string(),
    status,
    figure: z.string().meta({ description: 'The headline figure, e.g. "12 of 100 connections"' }),
    reason: z.string().meta({ description: 'Why the status is what it is' }),
    data: z.unknown().optional().meta({ description: "The check's details (area pages only)" }),
    ms: z.number(),
  })
  .meta({ id: 'HealthCheck' });
const server = z
  .looseObject({ kind: z.enum(['postgres', 'pglite']), versionNum: z.number(), version: z.string() })
  .meta({ description: 'Facts about the database server the thresholds use' });
const report = z.object({ server, checks: z.array(check), ms: z.number().int() }).meta({ id: 'HealthReport' });
const trends = z.looseObject({ checks: z.array(check) }).meta({
  description: 'The checks plus the charted series (connections by state, commit and rollback rates, cache hits)',
});
const pidPath = z.object({ pid: z.string().regex(/^\d+$/).meta({ description: 'Backend process id' }) });
const signalled = z.object({ pid: z.number().int(), signalled: z.boolean() });

const ops: Operation[] = [
  {
    method: 'get',
    path: `${V}/health`,
    tag: 'Health',
    summary: 'Every database health check as a tile: status, figure and reason (Root)',
    response: report,
    errors: [403],
  },
  {
    method: 'get',
    path: `${V}/health/{area}`,
    tag: 'Health',
    summary: "One area's checks with their details; `trends` answers the charted rates (Root)",
    params: z.object({ area: z.enum(AREAS.map((a) => a.id) as [string, ...string[]]) }),
    query: z.object({
      range: z.enum(['1h', '24h', '7d']).optional().meta({ description: 'trends only: the time range (24h)' }),
    }),
    response: z.union([report, trends]),
    errors: [403, 404],
  },
  {
    method: 'post',
    path: `${V}/health/backends/{pid}/cancel`,
    tag: 'Health',
    summary: 'Cancel the statement a backend of the console database is running (Root; audited)',
    params: pidPath,
    response: signalled,
    errors: [400, 403, 404, 409, 422],
  },
  {
    method: 'post',
    path: `${V}/health/backends/{pid}/terminate`,
    tag: 'Health',
    summary: "End a backend's session of the console database, rolling back its transaction (Root; audited)",
    params: pidPath,
    response: signalled,
    errors: [400, 403, 404, 409, 422],
  },
];

registerOperations(...ops);
