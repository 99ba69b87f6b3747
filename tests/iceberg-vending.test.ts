/**
 * Credential vending and remote signing over the real /v1 handler (issue #19): S3 through AWS STS (a loopback STS
 * endpoint that checks each AssumeRole and mints keys the s3rver emulator accepts), Azure through directory SAS
 * tokens signed with the account key, the permission and expiry rules, the audit rows, and remote signing against
 * s3rver.
 *
 * What the emulators do not prove: s3rver checks only that an access key id exists — it verifies neither SigV4
 * signatures nor session tokens and enforces no session policy — so that the vended keys reach *only* the table's
 * prefix is checked on the AssumeRole request (the session policy), not by the store. Azurite implements container
 * and blob SAS but not the directory SAS (sr=d) of ADLS Gen2 accounts, so the vended SAS is checked by computing its
 * signature from the account key with Microsoft's documented string-to-sign, not by Azurite. The static strategy's
 * SAS is used against Azurite. GCS (downscoped tokens) needs Google's STS and is covered only by its access boundary.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { IcebergRestCatalog } from 'iceberg-js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCatalog } from '@/lib/catalog/catalogs';
import { createWarehouse, updateWarehouse } from '@/lib/catalog/warehouses';
import { createServiceUser } from '@/lib/governance/service-users';
import { closeObjectStores, parseObjectLocation } from '@/lib/storage/fileio';
import { accessBoundary } from '@/lib/storage/vending/gcs';
import { bearerFor, insertGrants, lastAudit, run, tenantUser } from './support/governance';
import { tenantWorld } from './support/fixtures';
import { ns, ordersSchema, rest, startIcebergServer, type Server } from './support/iceberg';
import { newLog, validatingFetch, type ValidationLog } from './support/iceberg-openapi';
import { startAzurite, startGcsJsonApi, startS3 } from './support/object-stores';

vi.hoisted(() => {
  // Longer than STS's 15-minute minimum, so a token's remaining life (not the TTL) can be what caps a vend.
  process.env.PANGOLIN_VENDED_CREDENTIALS_TTL_SECS = '1800';
});

const BUCKET = 'vend-bucket';
const ROLE = 'arn:aws:iam::123456789012:role/lake-vending';

let server: Server;
let s3: Awaited<ReturnType<typeof startS3>>;
let azure: Awaited<ReturnType<typeof startAzurite>>;
let sts: Awaited<ReturnType<typeof startSts>>;
const log: ValidationLog = newLog();

type AssumeRole = { form: URLSearchParams; authorization: string };

/**
 * An STS endpoint on loopback speaking AssumeRole (the awsQuery protocol the SDK uses): it records each request and
 * answers with fresh keys it registers with s3rver, expiring after the requested duration.
 */
async function startSts(onKeys: (id: string, secret: string) => void) {
  const calls: AssumeRole[] = [];
  const srv = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    calls.push({ form, authorization: String(req.headers.authorization ?? '') });
    if (form.get('Action') !== 'AssumeRole') {
      res.writeHead(400, { 'content-type': 'text/xml' });
      return res.end('<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>');
    }
    const id = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secret = randomBytes(20).toString('hex');
    onKeys(id, secret);
    const expiration = new Date(Date.now() + Number(form.get('DurationSeconds')) * 1000).toISOString();
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>${id}</AccessKeyId><SecretAccessKey>${secret}</SecretAccessKey>
<SessionToken>FwoGZX${randomBytes(24).toString('hex')}</SessionToken><Expiration>${expiration}</Expiration></Credentials>
<AssumedRoleUser><Arn>${form.get('RoleArn')}/${form.get('RoleSessionName')}</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>`);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  process.env.PANGOLIN_EGRESS_ALLOW = '127.0.0.1';
  [server, s3, azure] = await Promise.all([startIcebergServer(), startS3(BUCKET), startAzurite()]);
  sts = await startSts((id, secret) => s3.addKey(id, secret));
  const svc = new BlobServiceClient(azure.endpoint, new StorageSharedKeyCredential(azure.account, azure.accountKey));
  await svc.getContainerClient('lake').create();
});

afterAll(async () => {
  closeObjectStores();
  await Promise.all([server?.close(), s3?.close(), azure?.close(), sts?.close()]);
  expect(log.failures).toEqual([]);
});

const hex = (n: number) => randomBytes(n).toString('hex');

/** A tenant with an S3 warehouse (vending as given), catalog "lake", table sales.orders and its sibling sales.other. */
async function s3World(vending: Record<string, unknown>) {
  const w = await tenantWorld();
  const accessKeyId = `AKIA${hex(8).toUpperCase()}`;
  const secretAccessKey = hex(20);
  s3.addKey(accessKeyId, secretAccessKey);
  const wh = await run<{ id: string }>(createWarehouse, w.admin, {
    name: 'wh',
    storageType: 's3',
    bucket: BUCKET,
    region: 'eu-west-1',
    endpoint: s3.endpoint,
    pathStyle: true,
    accessKeyId,
    secretAccessKey,
    ...vending,
  });
  // Tenants share the emulator's bucket (tests/support/setup.ts allows shared storage): each catalog its own folder.
  const name = `lake_${hex(3)}`;
  const cat = await run<{ id: string }>(createCatalog, w.admin, { catalogType: 'local', name, warehouse: 'wh' });
  const adminToken = (await bearerFor(w.admin)).jwt;
  const admin = new IcebergRestCatalog({
    baseUrl: server.url,
    warehouse: name,
    auth: { type: 'bearer', token: adminToken },
    fetch: validatingFetch(log),
  });
  await admin.createNamespace({ namespace: [`sales`] });
  const orders = await admin.createTableResult({ namespace: ['sales'] }, { name: 'orders', schema: ordersSchema });
  await admin.createTableResult({ namespace: ['sales'] }, { name: 'other', schema: ordersSchema });
  const reader = await tenantUser(w.tenant.id, [{ scopeType: 'catalog', catalogId: cat.id, actions: ['read'] }]);
  const readerToken = (await bearerFor(reader)).jwt;
  const tablePath = `/v1/${cat.id}/namespaces/${ns('sales')}/tables/orders`;
  return {
    ...w,
    cat,
    name,
    dir: `${name}/sales/orders`,
    warehouseId: wh.id,
    accessKeyId,
    secretAccessKey,
    adminToken,
    reader,
    readerToken,
    tablePath,
    orders,
    location: orders.metadata.location as string,
  };
}

const VEND = { 'x-iceberg-access-delegation': 'vended-credentials' };

/** The statements of an AssumeRole's session policy. */
const policyOf = (call: AssumeRole) =>
  JSON.parse(call.form.get('Policy')!) as {
    Statement: { Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string[]>> }[];
  };

describe('S3 through AWS STS', () => {
  it('vends a read-only session scoped to the table prefix to a reader, on load and on /credentials', async () => {
    const w = await s3World({ vendingStrategy: 'sts', roleArn: ROLE, stsEndpoint: sts.endpoint, externalId: 'ext-42' });
    const before = sts.calls.length;
    const loaded = await rest(server, log, 'GET', w.tablePath, { token: w.readerToken, headers: VEND });
    expect(loaded.status).toBe(200);
    expect(loaded.headers.get('cache-control')).toBe('no-store');
    const [cred] = loaded.body['storage-credentials'];
    expect(cred.prefix).toBe(w.location);
    expect(w.location).toBe(`s3://${BUCKET}/${w.name}/sales/orders`);
    expect(cred.config).toMatchObject({
      's3.endpoint': s3.endpoint,
      's3.path-style-access': 'true',
      'client.region': 'eu-west-1',
    });
    // Engines that read only `config` find the same keys there, and where to refresh them.
    expect(loaded.body.config['s3.access-key-id']).toBe(cred.config['s3.access-key-id']);
    expect(loaded.body.config['client.refresh-credentials-endpoint']).toBe(
      `v1/${w.cat.id}/namespaces/sales/tables/orders/credentials`,
    );

    // The AssumeRole the catalog made: the warehouse's role and external id, signed with the warehouse's key,
    // for the TTL (1800 s here), with a session policy that allows reading only under the table's prefix.
    expect(sts.calls.length).toBe(before + 1);
    const call = sts.calls.at(-1)!;
    expect(call.form.get('RoleArn')).toBe(ROLE);
    expect(call.form.get('ExternalId')).toBe('ext-42');
    expect(call.authorization).toContain(`Credential=${w.accessKeyId}/`);
    expect(Number(call.form.get('DurationSeconds'))).toBeGreaterThan(1790);
    expect(Number(call.form.get('DurationSeconds'))).toBeLessThanOrEqual(1800);
    expect(call.form.get('RoleSessionName')).toMatch(/^pangolin-[\w+=,.@-]+$/);
    const policy = policyOf(call);
    const actions = policy.Statement.flatMap((s) => s.Action);
    expect(actions).toContain('s3:GetObject');
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).not.toContain('s3:DeleteObject');
    for (const s of policy.Statement) {
      for (const r of s.Resource)
        expect([`arn:aws:s3:::${BUCKET}/${w.name}/sales/orders/*`, `arn:aws:s3:::${BUCKET}`]).toContain(r);
      if (s.Action.includes('s3:ListBucket'))
        expect(s.Condition).toEqual({ StringLike: { 's3:prefix': [w.dir, `${w.dir}/*`] } });
    }
    const expiresAt = Number(cred.config['s3.session-token-expires-at-ms']);
    expect(expiresAt).toBeGreaterThan(Date.now() + 1790_000);

    // The vended keys work against the store (s3rver accepts them: it does not enforce the session policy).
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: cred.config['s3.access-key-id'],
        secretAccessKey: cred.config['s3.secret-access-key'],
        sessionToken: cred.config['s3.session-token'],
      },
    });
    const key = parseObjectLocation(w.orders['metadata-location']!).key;
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(JSON.parse(await got.Body!.transformToString())['table-uuid']).toBe(w.orders.metadata['table-uuid']);
    client.destroy();

    // GET …/credentials answers the same entry: the session is reused while it has half the TTL left (one
    // AssumeRole for a job's many loads), and audited again.
    const audited = await lastAudit('asset.vend_credentials', { actorId: w.reader.id });
    const creds = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: w.readerToken });
    expect(creds.status).toBe(200);
    expect(creds.body['storage-credentials']).toEqual([cred]);
    expect(sts.calls.length).toBe(before + 1);
    expect((await lastAudit('asset.vend_credentials', { actorId: w.reader.id })).id).not.toBe(audited.id);
    // Another caller gets a session of their own.
    const other = await tenantUser(w.tenant.id, [{ scopeType: 'catalog', catalogId: w.cat.id, actions: ['read'] }]);
    const theirs = await rest(server, log, 'GET', `${w.tablePath}/credentials`, {
      token: (await bearerFor(other)).jwt,
    });
    expect(theirs.body['storage-credentials'][0].config['s3.access-key-id']).not.toBe(cred.config['s3.access-key-id']);
    expect(sts.calls.length).toBe(before + 2);

    // Each vend is an audit row: table, access, expiry, strategy — never a key.
    const row = await lastAudit('asset.vend_credentials', { actorId: w.reader.id });
    expect(row).toMatchObject({ result: 'success', resourceName: 'sales.orders', resourceType: 'asset' });
    expect(row.metadata).toMatchObject({ access: 'read', strategy: 'sts', prefix: w.location, branch: 'main' });
    expect(Date.parse((row.metadata as { expiresAt: string }).expiresAt)).toBeGreaterThan(Date.now() + 1700_000);
    const text = JSON.stringify(row);
    for (const secret of [
      creds.body['storage-credentials'][0].config['s3.secret-access-key'],
      creds.body['storage-credentials'][0].config['s3.session-token'],
      w.secretAccessKey,
    ])
      expect(text).not.toContain(secret);
  });

  it('gives a writer a read-write session, and iceberg-js receives it with accessDelegation', async () => {
    const w = await s3World({ vendingStrategy: 'sts', roleArn: ROLE, stsEndpoint: sts.endpoint });
    const client = new IcebergRestCatalog({
      baseUrl: server.url,
      warehouse: w.name,
      auth: { type: 'bearer', token: w.adminToken },
      accessDelegation: ['vended-credentials'],
      fetch: validatingFetch(log),
    });
    const loaded = (await client.loadTableResult({ namespace: ['sales'], name: 'orders' }))!;
    const cred = loaded['storage-credentials']![0];
    expect(cred.prefix).toBe(w.location);
    const actions = policyOf(sts.calls.at(-1)!).Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']));
    expect(sts.calls.at(-1)!.form.has('ExternalId')).toBe(false);
    // A data file written with the vended keys lands in the table's folder.
    const s3c = new S3Client({
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: cred.config['s3.access-key-id'],
        secretAccessKey: cred.config['s3.secret-access-key'],
        sessionToken: cred.config['s3.session-token'],
      },
    });
    await s3c.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `${w.name}/sales/orders/data/a.parquet`, Body: 'PAR1' }),
    );
    s3c.destroy();
    expect((await lastAudit('asset.vend_credentials', { actorId: w.admin.id })).metadata).toMatchObject({
      access: 'read-write',
    });

    // A staged create (Spark's CTAS) gets read-write credentials for the location it will write, audited under
    // the namespace (the table does not exist yet).
    const staged = await rest(server, log, 'POST', `/v1/${w.cat.id}/namespaces/sales/tables`, {
      token: w.adminToken,
      headers: VEND,
      body: { name: 'ctas', schema: ordersSchema, 'stage-create': true },
    });
    expect(staged.status).toBe(200);
    expect(staged.body['metadata-location']).toBeUndefined();
    expect(staged.body['storage-credentials'][0].prefix).toBe(`s3://${BUCKET}/${w.name}/sales/ctas`);
    expect(staged.body.config['client.refresh-credentials-endpoint']).toBeUndefined();
    expect(policyOf(sts.calls.at(-1)!).Statement[0].Action).toContain('s3:PutObject');
    const stagedRow = await lastAudit('asset.vend_credentials', { actorId: w.admin.id });
    expect(stagedRow).toMatchObject({ resourceId: null, resourceName: 'sales.ctas', result: 'success' });

    // A create with the header answers credentials for the new table's location.
    const created = await client.createTableResult({ namespace: ['sales'] }, { name: 'fresh', schema: ordersSchema });
    expect(created['storage-credentials']![0].prefix).toBe(`s3://${BUCKET}/${w.name}/sales/fresh`);
    expect(policyOf(sts.calls.at(-1)!).Statement[0].Resource).toEqual([
      `arn:aws:s3:::${BUCKET}/${w.name}/sales/fresh/*`,
    ]);
  });

  it("never outlives the caller's token, refuses what STS cannot do, and follows the table's grants", async () => {
    const w = await s3World({ vendingStrategy: 'sts', roleArn: ROLE, stsEndpoint: sts.endpoint });
    const short = (await bearerFor(w.reader, 1000)).jwt;
    const capped = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: short });
    expect(capped.status).toBe(200);
    const secs = Number(sts.calls.at(-1)!.form.get('DurationSeconds'));
    expect(secs).toBeGreaterThan(990);
    expect(secs).toBeLessThanOrEqual(1000);

    // STS sessions last at least 900 s: a token with less left gets a clear 401, not a longer session.
    const shorter = (await bearerFor(w.reader, 600)).jwt;
    const calls = sts.calls.length;
    const refused = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: shorter });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/AWS STS sessions last at least 900 s/);
    expect(sts.calls.length).toBe(calls);

    // No read grant: 403 (and audited as a refused vend); another tenant's table: 404.
    const nobody = (await bearerFor(w.user)).jwt;
    const denied = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: nobody });
    expect(denied.status).toBe(403);
    expect((await lastAudit('asset.vend_credentials', { actorId: w.user.id })).result).toBe('denied');
    const stranger = await tenantWorld();
    const foreign = await rest(server, log, 'GET', `${w.tablePath}/credentials`, {
      token: (await bearerFor(stranger.admin)).jwt,
    });
    expect(foreign.status).toBe(404);
    expect(sts.calls.length).toBe(calls);

    // A read grant on this table alone is enough for read-only credentials; `write` on it makes them read-write.
    const one = await tenantUser(w.tenant.id);
    const token = (await bearerFor(one)).jwt;
    const assetId = (await lastAudit('asset.vend_credentials', { actorId: w.reader.id })).resourceId!;
    await insertGrants(w.tenant.id, { userId: one.id }, [
      { scopeType: 'asset', catalogId: w.cat.id, assetId, actions: ['read'] },
    ]);
    expect((await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token })).status).toBe(200);
    expect(policyOf(sts.calls.at(-1)!).Statement.flatMap((s) => s.Action)).not.toContain('s3:PutObject');
    await insertGrants(w.tenant.id, { userId: one.id }, [
      { scopeType: 'asset', catalogId: w.cat.id, assetId, actions: ['write'] },
    ]);
    expect((await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token })).status).toBe(200);
    expect(policyOf(sts.calls.at(-1)!).Statement.flatMap((s) => s.Action)).toContain('s3:PutObject');
  });

  it("refuses a table whose location holds another table's files", async () => {
    const w = await s3World({ vendingStrategy: 'sts', roleArn: ROLE, stsEndpoint: sts.endpoint });
    const admin = new IcebergRestCatalog({
      baseUrl: server.url,
      warehouse: w.name,
      auth: { type: 'bearer', token: w.adminToken },
      fetch: validatingFetch(log),
    });
    // A table created at a parent of sales.orders' folder would reach its files through its own credentials.
    await admin.createTableResult(
      { namespace: ['sales'] },
      { name: 'wide', schema: ordersSchema, location: `s3://${BUCKET}/${w.name}/sales` },
    );
    const calls = sts.calls.length;
    const r = await rest(server, log, 'GET', `/v1/${w.cat.id}/namespaces/sales/tables/wide/credentials`, {
      token: w.adminToken,
    });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/holds or lies inside another table's files/);
    // And one inside another table's folder likewise.
    await admin.createTableResult(
      { namespace: ['sales'] },
      { name: 'inner', schema: ordersSchema, location: `s3://${BUCKET}/${w.name}/sales/orders/data/inner` },
    );
    const inner = await rest(server, log, 'GET', `/v1/${w.cat.id}/namespaces/sales/tables/inner/credentials`, {
      token: w.adminToken,
    });
    expect(inner.status).toBe(403);
    // A create asking for credentials at such a location still creates the table (answered without credentials).
    const created = await rest(server, log, 'POST', `/v1/${w.cat.id}/namespaces/sales/tables`, {
      token: w.adminToken,
      headers: VEND,
      body: { name: 'nested', schema: ordersSchema, location: `s3://${BUCKET}/${w.name}/sales/other/nested` },
    });
    expect(created.status).toBe(200);
    expect(created.body['metadata-location']).toMatch(/\/sales\/other\/nested\/metadata\//);
    expect(created.body['storage-credentials']).toBeUndefined();
    expect(sts.calls.length).toBe(calls);
  });
});

describe('no vending strategy', () => {
  it('answers loads without credentials (as the spec allows) and /credentials with a clear 403', async () => {
    const w = await s3World({});
    const loaded = await rest(server, log, 'GET', w.tablePath, { token: w.readerToken, headers: VEND });
    expect(loaded.status).toBe(200);
    expect(loaded.body['storage-credentials']).toBeUndefined();
    expect(loaded.body.config).toEqual({});
    const r = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: w.readerToken });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ type: 'ForbiddenException' });
    expect(r.body.error.message).toMatch(/vending strategy is "none"/);
  });

  it('static keys are handed out only by a warehouse that says so', async () => {
    await expect(
      run(createWarehouse, (await tenantWorld()).admin, {
        name: 'wh',
        storageType: 's3',
        bucket: `b-${hex(4)}`,
        vendingStrategy: 'static',
      }),
    ).rejects.toMatchObject({ fieldErrors: { allowStatic: [expect.stringMatching(/not scoped/)] } });
    const w = await s3World({ vendingStrategy: 'static', allowStatic: true });
    const r = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: w.readerToken });
    expect(r.status).toBe(200);
    expect(r.body['storage-credentials'][0].config).toMatchObject({
      's3.access-key-id': w.accessKeyId,
      's3.secret-access-key': w.secretAccessKey,
    });
    expect((await lastAudit('asset.vend_credentials', { actorId: w.reader.id })).metadata).toMatchObject({
      strategy: 'static',
      expiresAt: null,
    });
  });
});

describe('S3 remote signing', () => {
  async function signed(
    w: Awaited<ReturnType<typeof s3World>>,
    token: string,
    method: string,
    uri: string,
    body?: string,
  ) {
    return rest(server, log, 'POST', `${w.tablePath}/sign`, {
      token,
      body: {
        region: 'eu-west-1',
        uri,
        method,
        headers: { 'x-amz-content-sha256': ['UNSIGNED-PAYLOAD'] },
        ...(body ? { body } : {}),
      },
    });
  }

  it('signs requests for the table files only, by method as the grants allow, and they work against s3rver', async () => {
    const w = await s3World({ remoteSigning: true });
    const loaded = await rest(server, log, 'GET', w.tablePath, {
      token: w.readerToken,
      headers: { 'x-iceberg-access-delegation': 'remote-signing' },
    });
    expect(loaded.body.config).toMatchObject({
      's3.remote-signing-enabled': 'true',
      's3.signer.uri': server.url,
      's3.signer.endpoint': `v1/${w.cat.id}/namespaces/sales/tables/orders/sign`,
    });
    expect(loaded.body['storage-credentials']).toBeUndefined();
    expect(JSON.stringify(loaded.body)).not.toContain(w.secretAccessKey);
    expect((await lastAudit('asset.vend_credentials', { actorId: w.reader.id })).metadata).toMatchObject({
      strategy: 'remote-signing',
      access: 'read',
    });

    const key = parseObjectLocation(w.orders['metadata-location']!).key;
    const uri = `${s3.endpoint}/${BUCKET}/${key}`;
    const ok = await signed(w, w.readerToken, 'GET', uri);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-cache');
    expect(ok.body.uri).toBe(uri);
    expect(ok.body.headers.authorization[0]).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${w.accessKeyId}/\\d{8}/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$`,
      ),
    );
    // s3rver checks the key id only (not the signature): the request is one it serves.
    const headers = Object.fromEntries(
      Object.entries(ok.body.headers as Record<string, string[]>).map(([k, v]) => [k, v[0]]),
    );
    delete headers.host;
    const got = await fetch(uri, { headers });
    expect(got.status).toBe(200);
    expect(JSON.parse(await got.text())['table-uuid']).toBe(w.orders.metadata['table-uuid']);

    // A listing of the table's prefix is signed; of the bucket or a sibling's prefix, not.
    expect(
      (await signed(w, w.readerToken, 'GET', `${s3.endpoint}/${BUCKET}?list-type=2&prefix=${w.name}/sales/orders/`))
        .status,
    ).toBe(200);
    expect((await signed(w, w.readerToken, 'GET', `${s3.endpoint}/${BUCKET}?list-type=2&prefix=lake/`)).status).toBe(
      403,
    );

    // Outside the table: a sibling table, a dot-segment escape, another bucket, another host.
    const refusals = [
      `${s3.endpoint}/${BUCKET}/${w.name}/sales/other/metadata/x.json`,
      `${s3.endpoint}/${BUCKET}/${w.name}/sales/orders/%2e%2e/other/metadata/x.json`,
      `${s3.endpoint}/${BUCKET}/${w.name}/sales/orders/../other/metadata/x.json`,
      `${s3.endpoint}/other-bucket/${w.name}/sales/orders/metadata/x.json`,
      `http://169.254.169.254/${BUCKET}/${w.name}/sales/orders/metadata/x.json`,
      `${s3.endpoint}/${BUCKET}/${w.name}/sales/orders`,
    ];
    for (const u of refusals) {
      const r = await signed(w, w.readerToken, 'GET', u);
      expect({ u, status: r.status }).toEqual({ u, status: 403 });
    }
    // Sub-resources and headers that change more than the table's bytes are not signed, even for writers.
    expect((await signed(w, w.adminToken, 'PUT', `${s3.endpoint}/${BUCKET}/${w.dir}/data/b.parquet?acl`)).status).toBe(
      403,
    );
    const publicRead = await rest(server, log, 'POST', `${w.tablePath}/sign`, {
      token: w.adminToken,
      body: {
        region: 'eu-west-1',
        uri: `${s3.endpoint}/${BUCKET}/${w.dir}/data/b.parquet`,
        method: 'PUT',
        headers: { 'x-amz-acl': ['public-read'] },
      },
    });
    expect(publicRead.status).toBe(403);
    // A reader may not write; the admin may, and the write lands in s3rver.
    const dataUri = `${s3.endpoint}/${BUCKET}/${w.name}/sales/orders/data/b.parquet`;
    const put = await signed(w, w.readerToken, 'PUT', dataUri);
    expect(put.status).toBe(403);
    expect(put.body.error.message).toMatch(/only read/);
    const adminPut = await signed(w, w.adminToken, 'PUT', dataUri);
    expect(adminPut.status).toBe(200);
    const h = Object.fromEntries(
      Object.entries(adminPut.body.headers as Record<string, string[]>).map(([k, v]) => [k, v[0]]),
    );
    delete h.host;
    expect((await fetch(dataUri, { method: 'PUT', headers: h, body: 'PAR1' })).status).toBe(200);

    // Bulk deletes: only with the body, bound by its hash, naming the table's keys only.
    const del = (keys: string[]) => `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
    const sha = (b: string) => createHash('sha256').update(b).digest('hex');
    const inside = del([`${w.name}/sales/orders/data/b.parquet`]);
    const bound = { 'x-amz-content-sha256': [sha(inside)] };
    const bulk = await rest(server, log, 'POST', `${w.tablePath}/sign`, {
      token: w.adminToken,
      body: {
        region: 'eu-west-1',
        uri: `${s3.endpoint}/${BUCKET}?delete`,
        method: 'POST',
        headers: bound,
        body: inside,
      },
    });
    expect(bulk.status).toBe(200);
    const outside = del([`${w.name}/sales/orders/data/b.parquet`, `${w.name}/sales/other/metadata/x.json`]);
    const bulkOut = await rest(server, log, 'POST', `${w.tablePath}/sign`, {
      token: w.adminToken,
      body: {
        region: 'eu-west-1',
        uri: `${s3.endpoint}/${BUCKET}?delete`,
        method: 'POST',
        headers: { 'x-amz-content-sha256': [sha(outside)] },
        body: outside,
      },
    });
    expect(bulkOut.status).toBe(403);
    const unbound = await rest(server, log, 'POST', `${w.tablePath}/sign`, {
      token: w.adminToken,
      body: {
        region: 'eu-west-1',
        uri: `${s3.endpoint}/${BUCKET}?delete`,
        method: 'POST',
        headers: bound,
        body: outside,
      },
    });
    expect(unbound.status).toBe(403);
  });

  it('is refused where the warehouse does not sign', async () => {
    const w = await s3World({});
    const r = await signed(w, w.adminToken, 'GET', `${s3.endpoint}/${BUCKET}/${w.name}/sales/orders/metadata/x.json`);
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/remote signing is off/);
  });
});

/** Microsoft's documented service SAS string-to-sign (version 2020-12-06 and later), computed here independently. */
function expectedSasSignature(q: URLSearchParams, account: string, accountKey: string, resource: string) {
  const stringToSign = [
    q.get('sp') ?? '',
    q.get('st') ?? '',
    q.get('se') ?? '',
    `/blob/${account}/${resource}`,
    q.get('si') ?? '',
    q.get('sip') ?? '',
    q.get('spr') ?? '',
    q.get('sv') ?? '',
    q.get('sr') ?? '',
    q.get('snapshot') ?? '',
    q.get('ses') ?? '',
    q.get('rscc') ?? '',
    q.get('rscd') ?? '',
    q.get('rsce') ?? '',
    q.get('rscl') ?? '',
    q.get('rsct') ?? '',
  ].join('\n');
  return createHmac('sha256', Buffer.from(accountKey, 'base64')).update(stringToSign, 'utf8').digest('base64');
}

describe('Azure through directory SAS', () => {
  async function azureWorld(extra: Record<string, unknown> = {}) {
    const w = await tenantWorld();
    await run(createWarehouse, w.admin, {
      name: 'wh',
      storageType: 'azure',
      container: 'lake',
      accountName: azure.account,
      endpoint: azure.endpoint,
      accountKey: azure.accountKey,
      vendingStrategy: 'sas',
      ...extra,
    });
    const cat = await run<{ id: string }>(createCatalog, w.admin, {
      catalogType: 'local',
      name: `az${hex(3)}`,
      warehouse: 'wh',
    });
    const adminToken = (await bearerFor(w.admin)).jwt;
    const admin = new IcebergRestCatalog({
      baseUrl: server.url,
      warehouse: cat.id,
      auth: { type: 'bearer', token: adminToken },
      fetch: validatingFetch(log),
    });
    await admin.createNamespace({ namespace: ['sales'] });
    const orders = await admin.createTableResult({ namespace: ['sales'] }, { name: 'orders', schema: ordersSchema });
    const reader = await tenantUser(w.tenant.id, [{ scopeType: 'catalog', catalogId: cat.id, actions: ['read'] }]);
    return { ...w, cat, adminToken, reader, orders, tablePath: `/v1/${cat.id}/namespaces/sales/tables/orders` };
  }

  it('vends a SAS for the table directory only: read and list for readers, writes for writers, until the token ends', async () => {
    const w = await azureWorld();
    const host = `${azure.account}.dfs.core.windows.net`;
    const location = w.orders.metadata.location as string;
    const dir = parseObjectLocation(`${location}/x`).key.slice(0, -2);
    expect(location).toBe(`abfss://lake@${host}/${dir}`);

    const short = await bearerFor(w.reader, 1200);
    const r = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: short.jwt });
    expect(r.status).toBe(200);
    const [cred] = r.body['storage-credentials'];
    expect(cred.prefix).toBe(location);
    const sas = new URLSearchParams(cred.config[`adls.sas-token.${host}`]);
    expect(sas.get('sr')).toBe('d');
    expect(sas.get('sdd')).toBe(String(dir.split('/').length));
    expect(sas.get('sp')).toBe('rl');
    // Capped by the reader's token (1200 s), under the 1800 s TTL; the expiry key says the same instant.
    const se = Date.parse(sas.get('se')!);
    expect(Math.abs(se - short.expiresAt.getTime())).toBeLessThan(1000);
    expect(Number(cred.config[`adls.sas-token-expires-at-ms.${host}`])).toBe(se);
    // Signed with the account key over this directory (and no other): Microsoft's string-to-sign, computed here.
    expect(sas.get('sig')).toBe(expectedSasSignature(sas, azure.account, azure.accountKey, `lake/${dir}`));
    expect(sas.get('sig')).not.toBe(
      expectedSasSignature(sas, azure.account, azure.accountKey, 'lake/lake/sales/other'),
    );

    const writer = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: w.adminToken });
    const wsas = new URLSearchParams(writer.body['storage-credentials'][0].config[`adls.sas-token.${host}`]);
    expect(wsas.get('sp')).toBe('racwdl');
    expect(wsas.get('sig')).toBe(expectedSasSignature(wsas, azure.account, azure.accountKey, `lake/${dir}`));

    const row = await lastAudit('asset.vend_credentials', { actorId: w.reader.id });
    expect(row.metadata).toMatchObject({ strategy: 'sas', access: 'read' });
    expect(JSON.stringify(row)).not.toContain(sas.get('sig')!);
  });

  it('static: the warehouse SAS token, which Azurite accepts (not scoped: the console says so)', async () => {
    const sasToken = generateAccountSASQueryParameters(
      {
        permissions: AccountSASPermissions.parse('rl'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
        expiresOn: new Date(Date.now() + 3_600_000),
        protocol: SASProtocol.HttpsAndHttp,
      },
      new StorageSharedKeyCredential(azure.account, azure.accountKey),
    ).toString();
    const w = await azureWorld({ vendingStrategy: 'static', allowStatic: true, sasToken });
    const host = `${azure.account}.dfs.core.windows.net`;
    const r = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: w.adminToken });
    const vended = r.body['storage-credentials'][0].config[`adls.sas-token.${host}`];
    expect(vended).toBe(sasToken);
    const key = parseObjectLocation(w.orders['metadata-location']!).key;
    const blob = new BlobServiceClient(`${azure.endpoint}?${vended}`).getContainerClient('lake').getBlobClient(key);
    expect(JSON.parse((await blob.downloadToBuffer()).toString('utf8'))['table-uuid']).toBe(
      w.orders.metadata['table-uuid'],
    );
  });

  it('a warehouse without an account key cannot sign a SAS, and says so', async () => {
    const w = await azureWorld();
    // The account key removed as an admin would: stored credentials cleared, only a SAS token kept.
    await run(updateWarehouse, w.admin, {
      id: (await lastAudit('warehouse.create', { actorId: w.admin.id })).resourceId!,
      name: 'wh',
      storageType: 'azure',
      container: 'lake',
      accountName: azure.account,
      endpoint: azure.endpoint,
      vendingStrategy: 'sas',
      clearCredentials: true,
      sasToken: 'sv=2020-01-01&sig=abcd',
    });
    const r = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { token: w.adminToken });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/no Azure account key to sign a SAS with/);
  });
});

describe('GCS downscoped tokens', () => {
  it("limit the token to the table's objects and listings of its prefix (the exchange itself needs Google)", () => {
    const read = accessBoundary('lake', 'db/t', 'read').accessBoundary.accessBoundaryRules[0];
    expect(read.availableResource).toBe('//storage.googleapis.com/projects/_/buckets/lake');
    expect(read.availablePermissions).toEqual(['inRole:roles/storage.objectViewer']);
    expect(read.availabilityCondition.expression).toBe(
      "resource.name.startsWith('projects/_/buckets/lake/objects/db/t/') || api.getAttribute('storage.googleapis.com/objectListPrefix', '').startsWith('db/t/')",
    );
    const write = accessBoundary('lake', "it's", 'read-write').accessBoundary.accessBoundaryRules[0];
    expect(write.availablePermissions).toEqual(['inRole:roles/storage.objectAdmin']);
    expect(write.availabilityCondition.expression).toContain("'projects/_/buckets/lake/objects/it\\'s/'");
  });
});

describe('warehouse vending settings', () => {
  it('refuses a strategy that does not fit the storage, and what a strategy lacks, beside its field', async () => {
    const { admin } = await tenantWorld();
    const base = { name: 'wh', storageType: 's3', bucket: `b-${hex(4)}` };
    const refusal = (input: Record<string, unknown>) =>
      run(createWarehouse, admin, { ...base, ...input }).then(
        () => null,
        (e: { fieldErrors?: Record<string, string[]> }) => e.fieldErrors,
      );
    expect(await refusal({ vendingStrategy: 'sas' })).toEqual({
      vendingStrategy: ['The sas strategy does not apply to s3 storage; use none, static, sts'],
    });
    expect(await refusal({ vendingStrategy: 'sts' })).toEqual({
      roleArn: ['Role ARN is required for the sts strategy'],
    });
    expect(await refusal({ vendingStrategy: 'sts', roleArn: 'lake-vending' })).toEqual({
      roleArn: ['Role ARN must look like arn:aws:iam::123456789012:role/lakehouse-vending'],
    });
    expect(await refusal({ storageType: 'gcs', vendingStrategy: 'downscoped', remoteSigning: true })).toEqual({
      remoteSigning: ['Remote signing is for S3 storage only'],
    });
    expect(
      await refusal({ storageType: 'local', rootPath: 'x', bucket: undefined, vendingStrategy: 'static' }),
    ).toMatchObject({
      vendingStrategy: [expect.stringMatching(/does not apply to local storage; use none$/)],
    });
    // A role in another partition is fine; the stored settings are what vending reads.
    const ok = await run<{ id: string }>(createWarehouse, admin, {
      ...base,
      vendingStrategy: 'sts',
      roleArn: 'arn:aws-cn:iam::123456789012:role/x',
      stsEndpoint: 'https://sts.cn-north-1.amazonaws.com.cn',
      externalId: 'ext',
      remoteSigning: true,
    });
    const row = await lastAudit('warehouse.create', { resourceId: ok.id });
    expect(JSON.stringify(row)).not.toContain('"ext"');
    expect((row.metadata as { sealedFields: string[] }).sealedFields).toEqual(['externalId']);
    expect((row.metadata as { storageConfig: object }).storageConfig).toMatchObject({
      roleArn: 'arn:aws-cn:iam::123456789012:role/x',
      stsEndpoint: 'https://sts.cn-north-1.amazonaws.com.cn',
      remoteSigning: true,
    });
  });

  it("caps credentials by an expiring service user's key as by a token", async () => {
    const w = await s3World({ vendingStrategy: 'sts', roleArn: ROLE, stsEndpoint: sts.endpoint });
    const su = await run<{ id: string; apiKey: string }>(createServiceUser, w.admin, {
      name: `etl-${hex(3)}`,
      expiresAt: new Date(Date.now() + 1_200_000).toISOString(),
    });
    await insertGrants(w.tenant.id, { serviceUserId: su.id }, [
      { scopeType: 'catalog', catalogId: w.cat.id, actions: ['read'] },
    ]);
    const r = await rest(server, log, 'GET', `${w.tablePath}/credentials`, { headers: { 'x-api-key': su.apiKey } });
    expect(r.status).toBe(200);
    const secs = Number(sts.calls.at(-1)!.form.get('DurationSeconds'));
    expect(secs).toBeGreaterThan(1190);
    expect(secs).toBeLessThanOrEqual(1200);
  });
});

describe('GCS downscoped tokens without Google', () => {
  it('a vend that cannot reach Google answers 503 naming it, with nothing of the key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const bucket = `g-${hex(4)}`;
    const gcs = await startGcsJsonApi(bucket);
    try {
      const w = await tenantWorld();
      await run(createWarehouse, w.admin, {
        name: 'wh',
        storageType: 'gcs',
        bucket,
        endpoint: gcs.endpoint,
        vendingStrategy: 'downscoped',
        serviceAccountJson: JSON.stringify({
          type: 'service_account',
          client_email: 'lake@pangolin-test.iam.gserviceaccount.com',
          private_key: privateKey,
          // Never used: tokens come from Google's own endpoints, not from an address in the JSON.
          token_uri: `${gcs.endpoint}/token`,
        }),
      });
      const cat = await run<{ id: string }>(createCatalog, w.admin, {
        catalogType: 'local',
        name: 'g',
        warehouse: 'wh',
      });
      const token = (await bearerFor(w.admin)).jwt;
      const admin = new IcebergRestCatalog({
        baseUrl: server.url,
        warehouse: 'g',
        auth: { type: 'bearer', token },
        fetch: validatingFetch(log),
      });
      await admin.createNamespace({ namespace: ['db'] });
      await admin.createTableResult({ namespace: ['db'] }, { name: 't', schema: ordersSchema });
      const r = await rest(server, log, 'GET', `/v1/${cat.id}/namespaces/db/tables/t/credentials`, { token });
      expect(r.status).toBe(503);
      expect(r.body.error.message).toMatch(/^Google STS is unavailable/);
      expect(r.text).not.toContain(privateKey.split('\n')[5]);
      expect(gcs.requests.some((q) => q.path === '/token')).toBe(false);
    } finally {
      await gcs.close();
    }
  }, 60_000);
});

describe('connection snippets', () => {
  it('ask for vended credentials where the warehouse vends them', async () => {
    const w = await s3World({ vendingStrategy: 'sts', roleArn: ROLE, stsEndpoint: sts.endpoint });
    const { getCatalog } = await import('@/lib/catalog/queries/catalogs');
    const { connectSnippets } = await import('@/lib/iceberg/snippets');
    const detail = await getCatalog(w.admin, w.cat.id);
    expect(detail.warehouse?.vendingStrategy).toBe('sts');
    const by = (vendedCredentials: boolean) =>
      Object.fromEntries(
        connectSnippets({ serverUrl: 'http://h', catalog: w.name, vendedCredentials }).map((s) => [s.engine, s.code]),
      );
    expect(by(true).Spark).toContain(
      `.config("spark.sql.catalog.${w.name}.header.X-Iceberg-Access-Delegation", "vended-credentials")`,
    );
    expect(by(true).Trino).toContain('iceberg.rest-catalog.vended-credentials-enabled=true');
    expect(by(false).Spark).not.toContain('X-Iceberg-Access-Delegation');
    expect(by(false).Trino).not.toContain('vended-credentials');
  });
});
