import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as openapiRoute from '@/app/api/v1/openapi.json/route';
import { Validator } from '@seriousme/openapi-schema-validator';
import { catalogOperations } from '@/lib/catalog/openapi';
import { findOperation, registeredOperations } from '@/lib/openapi';
import { call } from './support/catalog';

vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const ROOT = path.resolve(__dirname, '..');
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === 'route.ts' ? [full] : [];
  });
}

/** app/api/v1/catalogs/[catalog]/route.ts → /api/v1/catalogs/{catalog} */
const openApiPath = (file: string) =>
  `/${path.relative(path.join(ROOT, 'app'), path.dirname(file)).split(path.sep).join('/')}`.replace(
    /\[(\w+)\]/g,
    '{$1}',
  );

describe('the OpenAPI document', () => {
  it('is served as OpenAPI 3.1 with every catalog operation, its errors and its security', async () => {
    const res = await call(openapiRoute.GET, '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { in: 'header', name: 'X-API-Key' },
    });
    for (const op of catalogOperations) {
      const documentedOp = doc.paths[op.path]?.[op.method];
      expect(documentedOp, `${op.method} ${op.path}`).toBeDefined();
      expect(Object.keys(documentedOp.responses)).toEqual(
        expect.arrayContaining([String(op.status ?? 200), '401', ...(op.errors ?? []).map(String)]),
      );
    }
    // Request bodies are the mutations' own schemas: strict objects with their rules.
    const createWarehouse = doc.paths['/api/v1/warehouses'].post.requestBody.content['application/json'].schema;
    const body = createWarehouse.$ref ? doc.components.schemas[createWarehouse.$ref.split('/').pop()] : createWarehouse;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.storageType.enum).toEqual(['s3', 'azure', 'gcs', 'local']);
    expect(body.properties.name).toMatchObject({ maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' });
    expect(body.required).toEqual(expect.arrayContaining(['name', 'storageType']));
    const list = doc.paths['/api/v1/catalogs/{catalog}/namespaces/{ns}/assets'].get.parameters.map(
      (p: { name: string; in: string }) => `${p.in}:${p.name}`,
    );
    expect(list).toEqual(
      expect.arrayContaining([
        'path:catalog',
        'path:ns',
        'query:branch',
        'query:q',
        'query:type',
        'query:sort',
        'query:dir',
        'query:cursor',
        'query:limit',
        'header:x-pangolin-tenant',
      ]),
    );
  });

  it('documents every handler served under /api/v1, and serves every documented operation (it cannot drift)', async () => {
    await import('@/app/api/v1/openapi.json/route');
    const served: string[] = [];
    for (const file of routeFiles(path.join(ROOT, 'app/api/v1'))) {
      const mod = await import(file);
      for (const m of METHODS.filter((x) => typeof mod[x] === 'function')) {
        const p = openApiPath(file);
        // PUT/DELETE on .../namespaces/tree reach a namespace named "tree": documented as /namespaces/{ns}.
        if (p.endsWith('/namespaces/tree') && m !== 'GET') continue;
        served.push(`${m} ${p}`);
        expect(findOperation(m, p), `${m} ${p} is served but not documented`).toBeDefined();
      }
    }
    for (const o of registeredOperations())
      expect(served, `${o.method} ${o.path} is documented but not served`).toContain(
        `${o.method.toUpperCase()} ${o.path}`,
      );
    expect(served.length).toBeGreaterThan(100);
  });

  it('is a valid OpenAPI 3.1 document (checked by a maintained validator), with summaries on every operation', async () => {
    const res = await call(openapiRoute.GET, '/api/v1/openapi.json');
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator is not a rubber stamp: a broken document fails.
    const broken = structuredClone(res.body);
    broken.paths['/api/v1/users'].get.responses = { ok: 'yes' };
    expect((await new Validator().validate(broken)).valid).toBe(false);
    const ids = new Set<string>();
    for (const [p, item] of Object.entries(res.body.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.summary, `${method} ${p} has a summary`).toMatch(/\w/);
        expect(op.operationId, `${method} ${p}`).toBeTruthy();
        expect(ids.has(op.operationId), `operationId ${op.operationId} is unique`).toBe(false);
        ids.add(op.operationId);
        const errorStatuses = Object.keys(op.responses).filter((st) => Number(st) >= 400);
        for (const st of errorStatuses)
          expect(op.responses[st].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
      }
    }
  });

  it('documents governance, health and sign-in with their bodies, answers and examples', async () => {
    const doc = (await call(openapiRoute.GET, '/api/v1/openapi.json')).body;
    const login = doc.paths['/api/v1/users/login'].post;
    expect(login.security).toEqual([]);
    expect(Object.keys(login.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
    expect(login.requestBody.content['application/json'].example).toMatchObject({ username: 'ana' });
    const createUser = doc.paths['/api/v1/users'].post;
    expect(createUser.responses['201']).toBeDefined();
    const userBody = createUser.requestBody.content['application/json'].schema;
    expect(userBody.properties.role.enum ?? userBody.properties.role.anyOf).toBeDefined();
    expect(doc.paths['/api/v1/service-users'].post.responses['201']).toBeDefined();
    expect(doc.paths['/api/v1/access-requests/{id}'].put.requestBody).toBeDefined();
    expect(doc.paths['/api/v1/health'].get.tags).toEqual(['Health']);
    const tags = new Set(
      Object.values(doc.paths as Record<string, Record<string, { tags: string[] }>>).flatMap((i) =>
        Object.values(i).flatMap((o) => o.tags),
      ),
    );
    for (const t of [
      'Users',
      'Roles',
      'Grants',
      'Service users',
      'Access requests',
      'Tokens',
      'Settings',
      'Authentication',
    ])
      expect(tags).toContain(t);
  });
});
