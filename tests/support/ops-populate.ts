// Fills a migrated database with a few thousand consistent rows in EVERY table (set-based SQL per tenant, plus
// hash-chained audit rows through lib/audit), for the backup round-trip and upgrade tests. When a table is
// added to the schema, add it here: the round-trip test fails while any table is left empty.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { appendAudit } from '@/lib/audit-chain';

export type PopulateOptions = {
  tenants?: number;
  catalogsPerTenant?: number;
  commitsPerCatalog?: number;
  assetsPerCommit?: number;
};

const FAKE_ARGON2 = '$argon2id$v=19$m=65536,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$0123456789abcdefghijklmnopqrstuvwxyzABCDE';

async function populateTenant(db: Db, n: number, o: Required<PopulateOptions>): Promise<string> {
  const t = randomUUID();
  const s = `${n}-${t.slice(0, 8)}`;
  await db.transaction(async (tx) => {
    const run = (q: ReturnType<typeof sql>) => tx.execute(q);
    await run(
      sql`INSERT INTO tenants (id, name, description, properties) VALUES (${t}, ${`ops-${s}`}, 'populated', '{"region":"eu-west-1"}')`,
    );
    await run(sql`INSERT INTO system_settings (tenant_id, settings, smtp_password_encrypted, sso)
      VALUES (${t}, '{"auditRetentionDays": 90, "allowPublicSignup": false}', 'v1.aaa.bbb.ccc',
        '{"enabled": true, "admitClaim": "groups", "admitValues": ["lake-acme"], "provision": true, "groupsClaim": "groups", "mappings": [{"group": "lake-admins", "role": {"builtin": "tenant_admin"}}], "contact": "data@acme.example"}')`);
    // Iceberg Idempotency-Keys: answered (replayable) and one still pending.
    await run(sql`INSERT INTO iceberg_idempotency_keys (tenant_id, principal, idempotency_key, request_hash, state, claim_id, response_status, response_headers, response_body_encrypted, expires_at)
      SELECT ${t}, 'service_user:' || gen_random_uuid(), gen_random_uuid(), md5(i::text), CASE WHEN i < 3 THEN 'done' ELSE 'pending' END, gen_random_uuid(),
             CASE WHEN i < 3 THEN 200 END, CASE WHEN i < 3 THEN '{"content-type": "application/json"}'::jsonb END,
             CASE WHEN i < 3 THEN 'v1.iv.tag.body' || i END, now() + interval '35 minutes'
      FROM generate_series(1, 3) i`);
    await run(sql`INSERT INTO warehouses (tenant_id, id, name, storage_type, storage_config, credentials_encrypted, vending_strategy, use_sts)
      SELECT ${t}, gen_random_uuid(), 'wh-' || i, 's3', jsonb_build_object('bucket', 'bucket-' || i, 'region', 'eu-west-1', 'pathStyle', i % 2 = 0),
             'v1.iv.tag.body' || i, CASE WHEN i = 1 THEN 'sts' ELSE 'static' END, i = 1
      FROM generate_series(1, 3) i`);
    await run(sql`INSERT INTO catalogs (tenant_id, id, name, catalog_type, warehouse_id, storage_location, federated_config, properties)
      SELECT ${t}, gen_random_uuid(), 'cat-' || i,
             CASE WHEN i = ${o.catalogsPerTenant} THEN 'federated' ELSE 'local' END,
             CASE WHEN i = ${o.catalogsPerTenant} THEN NULL ELSE (SELECT id FROM warehouses WHERE tenant_id = ${t} ORDER BY name LIMIT 1 OFFSET (i - 1) % 3) END,
             's3://bucket/cat-' || i,
             CASE WHEN i = ${o.catalogsPerTenant} THEN '{"url": "https://remote.example.com/catalog", "authType": "bearer"}'::jsonb END,
             jsonb_build_object('owner', 'team-' || i)
      FROM generate_series(1, ${o.catalogsPerTenant}) i`);
    await run(sql`INSERT INTO federated_sync_stats (tenant_id, catalog_id, status, last_sync_at, duration_ms, namespaces_synced, tables_synced, stats)
      SELECT tenant_id, id, 'succeeded', now() - interval '1 hour', 1234, 5, 40, '{"remoteVersion": "1.2"}' FROM catalogs
      WHERE tenant_id = ${t} AND catalog_type = 'federated'`);
    // Five top-level namespaces per catalog, four children each.
    await run(sql`INSERT INTO namespaces (tenant_id, id, catalog_id, parent_id, path, name, properties)
      SELECT ${t}, gen_random_uuid(), c.id, NULL, ARRAY['ns' || i], 'ns' || i, jsonb_build_object('level', '1')
      FROM catalogs c, generate_series(1, 5) i WHERE c.tenant_id = ${t}`);
    await run(sql`INSERT INTO namespaces (tenant_id, id, catalog_id, parent_id, path, name)
      SELECT ${t}, gen_random_uuid(), p.catalog_id, p.id, p.path || ('sub' || j), 'sub' || j
      FROM namespaces p, generate_series(1, 4) j WHERE p.tenant_id = ${t}`);
    // History per catalog: root commit, a chain on main, one commit on branch dev.
    await run(sql`WITH seq AS MATERIALIZED (
        SELECT c.id AS catalog_id, d, gen_random_uuid() AS id FROM catalogs c, generate_series(0, ${o.commitsPerCatalog}) d WHERE c.tenant_id = ${t})
      INSERT INTO commits (tenant_id, id, catalog_id, branch_name, parent_id, depth, author_name, message, operations, change_count, created_at)
      SELECT ${t}, id, catalog_id, 'main', lag(id) OVER (PARTITION BY catalog_id ORDER BY d), d, 'populate',
             CASE WHEN d = 0 THEN 'Initialize catalog' ELSE 'Add tables, batch ' || d END, '[]'::jsonb,
             CASE WHEN d = 0 THEN 0 ELSE ${o.assetsPerCommit} END, now() - (${o.commitsPerCatalog} - d + 1) * interval '1 hour'
      FROM seq`);
    await run(sql`INSERT INTO commits (tenant_id, id, catalog_id, branch_name, parent_id, depth, author_name, message, change_count)
      SELECT ${t}, gen_random_uuid(), catalog_id, 'dev', id, depth + 1, 'populate', 'Rewrite five tables', 5 FROM commits
      WHERE tenant_id = ${t} AND depth = ${o.commitsPerCatalog}`);
    await run(sql`INSERT INTO branches (tenant_id, id, catalog_id, name, head_commit_id, branch_type, protected, created_from_commit_id)
      SELECT ${t}, gen_random_uuid(), h.catalog_id, 'main', h.id, 'main', true, r.id FROM commits h
      JOIN commits r ON r.tenant_id = h.tenant_id AND r.catalog_id = h.catalog_id AND r.depth = 0
      WHERE h.tenant_id = ${t} AND h.branch_name = 'main' AND h.depth = ${o.commitsPerCatalog}`);
    await run(sql`INSERT INTO branches (tenant_id, id, catalog_id, name, head_commit_id, branch_type, created_from_commit_id)
      SELECT ${t}, gen_random_uuid(), catalog_id, 'dev', id, 'experimental', parent_id FROM commits WHERE tenant_id = ${t} AND branch_name = 'dev'`);

    await run(sql`CREATE TEMP TABLE pop_assets ON COMMIT DROP AS
      SELECT gen_random_uuid() AS id, c.id AS commit_id, c.catalog_id, c.depth, k,
             (SELECT n.id FROM namespaces n WHERE n.tenant_id = ${t} AND n.catalog_id = c.catalog_id ORDER BY n.path OFFSET k % 25 LIMIT 1) AS namespace_id,
             't_' || c.depth || '_' || k AS name, CASE WHEN k % 10 = 0 THEN 'view' ELSE 'table' END AS asset_type
      FROM commits c, generate_series(1, ${o.assetsPerCommit}) k
      WHERE c.tenant_id = ${t} AND c.branch_name = 'main' AND c.depth > 0`);
    await run(sql`INSERT INTO asset_identities (tenant_id, id, catalog_id, asset_type, created_at)
      SELECT ${t}, id, catalog_id, asset_type, now() - interval '1 day' FROM pop_assets`);
    await run(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, namespace_id, name, asset_type, metadata_location, schema_id, properties)
      SELECT ${t}, commit_id, id, 'create', namespace_id, name, asset_type, 's3://bucket/' || name || '/metadata/00001.json', 0,
             jsonb_build_object('format-version', '2', 'k', k::text)
      FROM pop_assets`);
    await run(sql`INSERT INTO asset_versions (tenant_id, commit_id, asset_id, op, namespace_id, name, asset_type, metadata_location, schema_id, properties)
      SELECT ${t}, d.id, a.id, 'update', a.namespace_id, a.name, a.asset_type, 's3://bucket/' || a.name || '/metadata/00002.json', 1,
             jsonb_build_object('format-version', '2', 'k', a.k::text, 'rewritten', 'true')
      FROM pop_assets a JOIN commits d ON d.tenant_id = ${t} AND d.catalog_id = a.catalog_id AND d.branch_name = 'dev'
      WHERE a.depth = 1 AND a.k <= 5`);
    // Head state: main holds every asset as created; dev the same but with its five rewrites.
    await run(sql`INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, schema_id, properties, last_commit_id)
      SELECT ${t}, b.id, v.asset_id, b.catalog_id, v.namespace_id, v.name, v.asset_type, v.metadata_location, v.schema_id, v.properties, v.commit_id
      FROM asset_versions v JOIN pop_assets a ON a.id = v.asset_id AND a.commit_id = v.commit_id
      JOIN branches b ON b.tenant_id = ${t} AND b.catalog_id = a.catalog_id AND b.name = 'main' WHERE v.tenant_id = ${t}`);
    await run(sql`INSERT INTO assets (tenant_id, branch_id, asset_id, catalog_id, namespace_id, name, asset_type, metadata_location, schema_id, properties, last_commit_id)
      SELECT DISTINCT ON (v.asset_id) ${t}, b.id, v.asset_id, b.catalog_id, v.namespace_id, v.name, v.asset_type, v.metadata_location, v.schema_id, v.properties, v.commit_id
      FROM asset_versions v JOIN commits c ON c.tenant_id = v.tenant_id AND c.id = v.commit_id
      JOIN branches b ON b.tenant_id = ${t} AND b.catalog_id = c.catalog_id AND b.name = 'dev'
      WHERE v.tenant_id = ${t} ORDER BY v.asset_id, c.depth DESC`);
    await run(sql`INSERT INTO metadata_locations (tenant_id, id, asset_id, branch_id, commit_id, location, previous_location)
      SELECT ${t}, gen_random_uuid(), v.asset_id, b.id, v.commit_id, v.metadata_location,
             CASE WHEN v.op = 'update' THEN replace(v.metadata_location, '00002', '00001') END
      FROM asset_versions v JOIN commits c ON c.tenant_id = v.tenant_id AND c.id = v.commit_id
      JOIN branches b ON b.tenant_id = v.tenant_id AND b.catalog_id = c.catalog_id AND b.name = c.branch_name WHERE v.tenant_id = ${t}`);
    await run(sql`INSERT INTO tags (tenant_id, id, catalog_id, name, commit_id, message)
      SELECT ${t}, gen_random_uuid(), catalog_id, 'v' || depth, id, 'release ' || depth FROM commits
      WHERE tenant_id = ${t} AND branch_name = 'main' AND depth IN (1, ${o.commitsPerCatalog})`);
    await run(sql`INSERT INTO business_metadata (tenant_id, asset_id, description, tags, properties, discoverable)
      SELECT ${t}, id, 'About ' || name, CASE WHEN k % 3 = 0 THEN ARRAY['pii', 'finance'] ELSE ARRAY['public'] END,
             jsonb_build_object('steward', 'team-' || (k % 4)), k % 2 = 0
      FROM pop_assets WHERE k % 4 = 0`);

    // People and access.
    await run(sql`INSERT INTO users (id, tenant_id, username, email, display_name, password_hash, role, oauth_provider, oauth_subject, active, last_login_at)
      SELECT gen_random_uuid(), ${t}, 'u-' || ${s} || '-' || i, 'u' || i || '-' || ${s} || '@example.com', 'User ' || i, ${FAKE_ARGON2},
             CASE WHEN i = 1 THEN 'tenant_admin' ELSE 'tenant_user' END, CASE WHEN i = 10 THEN 'github' END, CASE WHEN i = 10 THEN 'gh-' || ${s} END,
             i <> 9, now() - i * interval '1 day'
      FROM generate_series(1, 10) i`);
    await run(sql`INSERT INTO service_users (tenant_id, id, name, description, role, key_id, api_key_hash, expires_at)
      SELECT ${t}, gen_random_uuid(), 'svc-' || i, 'pipeline ' || i, CASE WHEN i = 1 THEN 'tenant_admin' ELSE 'tenant_user' END,
             substr(md5(${s} || i), 1, 16), encode(sha256(('secret' || ${s} || i)::bytea), 'hex'), now() + interval '30 days'
      FROM generate_series(1, 3) i`);
    await run(
      sql`INSERT INTO roles (tenant_id, id, name, description) SELECT ${t}, gen_random_uuid(), 'role-' || i, 'Role ' || i FROM generate_series(1, 4) i`,
    );
    await run(sql`INSERT INTO user_roles (tenant_id, user_id, role_id)
      SELECT ${t}, u.id, r.id FROM users u JOIN roles r ON r.tenant_id = u.tenant_id AND r.name = 'role-' || (1 + (split_part(u.username, '-', 4))::int % 4)
      WHERE u.tenant_id = ${t} AND u.role = 'tenant_user'`);
    await run(sql`INSERT INTO user_identities (tenant_id, issuer, subject, user_id, admin_from_mapping, last_sign_in_at)
      SELECT ${t}, 'https://idp.example.com/realms/acme', 'sub-' || u.username, u.id, u.role = 'tenant_admin', now()
      FROM users u WHERE u.tenant_id = ${t} AND u.oauth_provider IS NOT NULL`);
    await run(sql`UPDATE user_roles SET from_sso = true
      WHERE tenant_id = ${t} AND user_id IN (SELECT user_id FROM user_identities WHERE tenant_id = ${t})`);
    await run(sql`WITH u AS (SELECT id FROM users WHERE tenant_id = ${t} AND role = 'tenant_user' ORDER BY username LIMIT 1),
        c AS (SELECT id FROM catalogs WHERE tenant_id = ${t} ORDER BY name LIMIT 1),
        ns AS (SELECT id, catalog_id FROM namespaces WHERE tenant_id = ${t} ORDER BY path LIMIT 5),
        a AS (SELECT id, catalog_id FROM pop_assets ORDER BY name LIMIT 5)
      INSERT INTO permissions (tenant_id, id, user_id, scope_type, catalog_id, namespace_id, asset_id, tag, actions, expires_at)
      SELECT ${t}::uuid, gen_random_uuid(), (SELECT id FROM u), 'tenant', NULL::uuid, NULL::uuid, NULL::uuid, NULL, ARRAY['read']::text[], NULL::timestamptz
      UNION ALL SELECT ${t}, gen_random_uuid(), (SELECT id FROM u), 'catalog', c.id, NULL, NULL, NULL, ARRAY['write', 'ingest-branching'], NULL FROM c
      UNION ALL SELECT ${t}, gen_random_uuid(), (SELECT id FROM u), 'namespace', ns.catalog_id, ns.id, NULL, NULL, ARRAY['list'], now() + interval '7 days' FROM ns
      UNION ALL SELECT ${t}, gen_random_uuid(), (SELECT id FROM u), 'asset', a.catalog_id, NULL, a.id, NULL, ARRAY['read', 'update'], NULL FROM a
      UNION ALL SELECT ${t}, gen_random_uuid(), (SELECT id FROM u), 'tag', NULL, NULL, NULL, 'pii', ARRAY['read'], NULL`);
    await run(sql`INSERT INTO permissions (tenant_id, id, service_user_id, scope_type, catalog_id, actions)
      SELECT ${t}, gen_random_uuid(), s.id, 'catalog', (SELECT id FROM catalogs WHERE tenant_id = ${t} ORDER BY name LIMIT 1), ARRAY['write']
      FROM service_users s WHERE s.tenant_id = ${t}`);
    await run(sql`INSERT INTO permissions (tenant_id, id, role_id, scope_type, catalog_id, tag, actions)
      SELECT ${t}, gen_random_uuid(), r.id, CASE WHEN g = 1 THEN 'catalog' ELSE 'tag' END,
             CASE WHEN g = 1 THEN (SELECT id FROM catalogs WHERE tenant_id = ${t} ORDER BY name LIMIT 1) END,
             CASE WHEN g = 2 THEN 'finance' END, CASE WHEN g = 1 THEN ARRAY['read', 'manage-discovery'] ELSE ARRAY['all'] END
      FROM roles r, generate_series(1, 2) g WHERE r.tenant_id = ${t}`);
    await run(sql`INSERT INTO access_requests (tenant_id, id, requester_id, scope_type, catalog_id, asset_id, actions, reason, status, reviewed_by, reviewed_at, review_comment)
      SELECT ${t}, gen_random_uuid(), u.id, 'asset', a.catalog_id, a.id, ARRAY['read'], 'Need it for the report ' || a.k,
             (ARRAY['pending', 'approved', 'rejected', 'cancelled'])[1 + a.k % 4],
             CASE WHEN a.k % 4 IN (1, 2) THEN (SELECT id FROM users WHERE tenant_id = ${t} AND role = 'tenant_admin') END,
             CASE WHEN a.k % 4 IN (1, 2) THEN now() END, CASE WHEN a.k % 4 = 2 THEN 'Not this quarter' END
      FROM (SELECT * FROM pop_assets ORDER BY name LIMIT 10) a
      CROSS JOIN LATERAL (SELECT id FROM users WHERE tenant_id = ${t} AND role = 'tenant_user' ORDER BY username OFFSET a.k % 5 LIMIT 1) u`);
    await run(sql`INSERT INTO active_tokens (token_hash, tenant_id, user_id, kind, name, ip_address, user_agent, expires_at)
      SELECT md5('active' || u.id), ${t}, u.id, CASE WHEN u.username LIKE '%-1' THEN 'api_token' ELSE 'session' END, 'laptop', '10.0.0.1', 'vitest', now() + interval '1 day'
      FROM users u WHERE u.tenant_id = ${t}`);
    await run(sql`INSERT INTO revoked_tokens (token_hash, user_id, expires_at, reason)
      SELECT md5('revoked' || u.id), u.id, now() + interval '1 day', 'signed out' FROM users u WHERE u.tenant_id = ${t} LIMIT 5`);
    // Two-factor sign-in for a few (the secret is an encrypted envelope; recovery codes only as keyed hashes).
    await run(sql`UPDATE users SET totp_secret = 'v1.populated', totp_enabled_at = now(), totp_last_step = 1
      WHERE tenant_id = ${t} AND role = 'tenant_admin'`);
    await run(sql`INSERT INTO user_recovery_codes (user_id, code_hash, used_at)
      SELECT u.id, md5('recovery' || u.id || g), CASE WHEN g = 1 THEN now() END
      FROM users u, generate_series(1, 3) g WHERE u.tenant_id = ${t} AND u.role = 'tenant_admin'`);
    // Webhooks, the outbox (a mail waiting with its one-time link encrypted, webhook calls delivered and failed)
    // and password links (only their hashes).
    await run(sql`INSERT INTO webhooks (tenant_id, id, url, events, description, secret_encrypted)
      VALUES (${t}, gen_random_uuid(), 'https://hooks.example.com/pangolin', ARRAY['access_request.created', 'merge.completed'], 'chat', 'v1.populated')`);
    await run(sql`INSERT INTO deliveries (tenant_id, id, kind, event, recipient, webhook_id, payload, secret_encrypted, state, attempts, last_error, delivered_at)
      SELECT ${t}, gen_random_uuid(), 'webhook', 'merge.completed', w.url, w.id, '{"type": "merge.completed", "data": {}}',
             NULL, CASE WHEN g = 1 THEN 'failed' ELSE 'delivered' END, g, CASE WHEN g = 1 THEN 'The receiver answered HTTP 503' END,
             CASE WHEN g = 1 THEN NULL ELSE now() END
      FROM webhooks w, generate_series(1, 3) g WHERE w.tenant_id = ${t}`);
    await run(sql`INSERT INTO deliveries (tenant_id, id, kind, event, recipient, payload, secret_encrypted)
      SELECT ${t}, gen_random_uuid(), 'mail', 'user.invite', u.username || '@example.com', '{"subject": "Welcome", "text": "Set a password: {{link}}"}', 'v1.populated'
      FROM users u WHERE u.tenant_id = ${t} LIMIT 2`);
    await run(sql`INSERT INTO password_links (token_hash, tenant_id, user_id, purpose, expires_at)
      SELECT md5('link' || u.id), ${t}, u.id, 'invite', now() + interval '3 days' FROM users u WHERE u.tenant_id = ${t} LIMIT 2`);
    await run(sql`INSERT INTO login_throttle (key, failures, locked_until)
      SELECT 'user:' || username, 3, CASE WHEN username LIKE '%-2' THEN now() + interval '10 minutes' END FROM users WHERE tenant_id = ${t} LIMIT 5`);
    await run(sql`INSERT INTO read_fences (actor_key, lsn, expires_at)
      SELECT 'user:' || id, '0/16B3748', now() + interval '15 seconds' FROM users WHERE tenant_id = ${t} LIMIT 3`);

    // Merges of dev into main, each with two conflicts.
    await run(sql`INSERT INTO merge_operations (tenant_id, id, catalog_id, source_branch_id, target_branch_id, base_commit_id,
                                                source_head_commit_id, target_head_commit_id, status, message)
      SELECT ${t}, gen_random_uuid(), s.catalog_id, s.id, m.id, m.head_commit_id, s.head_commit_id, m.head_commit_id, 'conflicted', 'Merge dev'
      FROM branches s JOIN branches m ON m.tenant_id = s.tenant_id AND m.catalog_id = s.catalog_id AND m.name = 'main'
      WHERE s.tenant_id = ${t} AND s.name = 'dev'`);
    await run(sql`INSERT INTO merge_conflicts (tenant_id, id, merge_operation_id, asset_id, conflict_type, description, base_state, source_state, target_state, resolution)
      SELECT ${t}, gen_random_uuid(), mo.id, a.id, 'data_overlap', 'Both sides rewrote ' || a.name,
             jsonb_build_object('name', a.name), jsonb_build_object('name', a.name, 'v', 2), jsonb_build_object('name', a.name, 'v', 3),
             CASE WHEN a.k = 1 THEN 'take_source' END
      FROM merge_operations mo JOIN pop_assets a ON a.catalog_id = mo.catalog_id AND a.depth = 1 AND a.k <= 2
      WHERE mo.tenant_id = ${t}`);

    // A finished purge and a queued one (maintenance runs, migration 0021).
    await run(sql`INSERT INTO maintenance_runs (tenant_id, id, catalog_id, asset_id, kind, target, state, options, files_total,
                                                files_done, files_kept, bytes, candidates, finished_at)
      SELECT ${t}, gen_random_uuid(), c.id, NULL, 'purge', 'sales.old_orders@main', st, '{"pointer": "file:///x/metadata/00001.metadata.json"}'::jsonb,
             2, CASE WHEN st = 'succeeded' THEN 2 ELSE 0 END, 1, 2048,
             '[{"path": "file:///x/data/a.parquet", "bytes": 1024}]'::jsonb, CASE WHEN st = 'succeeded' THEN now() END
      FROM catalogs c CROSS JOIN (VALUES ('succeeded'), ('queued')) v(st) WHERE c.tenant_id = ${t}`);

    // A maintenance policy per catalog: expiry daily, orphan removal weekly (migration 0025).
    await run(sql`INSERT INTO catalog_maintenance (tenant_id, catalog_id, expire_schedule, expire_older_than_days, expire_retain_last,
                                                   orphans_schedule, orphans_older_than_days, next_run_at)
      SELECT ${t}, c.id, 'daily', 7, 3, 'weekly', 2, now() + interval '1 day' FROM catalogs c WHERE c.tenant_id = ${t}`);

    for (let i = 0; i < 25; i++) {
      await appendAudit(tx, {
        tenantId: t,
        actor: { id: null, type: 'system', name: 'populate' },
        action: i % 2 ? 'catalog.update' : 'asset.create',
        resourceType: i % 2 ? 'catalog' : 'asset',
        resourceName: `thing-${i}`,
        result: i % 7 === 0 ? 'denied' : 'success',
        metadata: { i, apiKey: 'must-be-redacted' },
        request: { ip: '10.1.2.3', userAgent: 'vitest', requestId: `req-${s}-${i}` },
        occurredAt: new Date(Date.now() - (25 - i) * 60_000),
      });
    }
    // Retention anchor at the very start of the chain: verification from it is the same as from genesis.
    await run(
      sql`INSERT INTO audit_chain_anchors (chain_id, seq, hash, reason) VALUES (${t}, 0, ${Buffer.alloc(32)}, 'populate: no retention cut yet')`,
    );
  });
  return t;
}

/** Returns the ids of the tenants it created. */
export async function populate(db: Db, opts: PopulateOptions = {}): Promise<string[]> {
  const o: Required<PopulateOptions> = {
    tenants: 3,
    catalogsPerTenant: 4,
    commitsPerCatalog: 10,
    assetsPerCommit: 20,
    ...opts,
  };
  const ids: string[] = [];
  for (let n = 1; n <= o.tenants; n++) ids.push(await populateTenant(db, n, o));
  await db.transaction(async (tx) => {
    for (let i = 0; i < 5; i++) {
      await appendAudit(tx, {
        tenantId: null,
        actor: { id: null, type: 'anonymous', name: `probe-${i}` },
        action: 'auth.sign_in',
        resourceType: 'session',
        result: 'failure',
        errorMessage: 'Wrong username or password',
      });
    }
    await tx.execute(sql`INSERT INTO users (id, tenant_id, username, role, password_hash)
      SELECT gen_random_uuid(), NULL, 'root-' || substr(md5(random()::text), 1, 8), 'root', ${FAKE_ARGON2} FROM generate_series(1, 2)`);
    await tx.execute(sql`INSERT INTO db_health_samples (sampled_at, connections_by_state, xact_commit, xact_rollback, blks_read, blks_hit, database_size)
      SELECT date_trunc('minute', now()) - i * interval '1 minute', '{"active": 1, "idle": 4}', 1000 + i, i, 50 * i, 5000 * i, 10485760
      FROM generate_series(1, 20) i ON CONFLICT DO NOTHING`);
    await tx.execute(
      sql`INSERT INTO key_fingerprints (name, fingerprint) VALUES ('encryption_key', 'populated-0000'), ('jwt_secret', 'populated-0001') ON CONFLICT DO NOTHING`,
    );
    // A pending first-run token (only its hash is ever stored).
    await tx.execute(
      sql`INSERT INTO setup_tokens (id, token_hash) VALUES (1, md5('populated')) ON CONFLICT DO NOTHING`,
    );
  });
  return ids;
}
