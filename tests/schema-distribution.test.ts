// Distributable by tenant (Citus, README "Distributing by tenant"): every primary key, unique constraint and foreign
// key of a tenant-owned table (one with a tenant_id column) includes tenant_id, so each tenant's rows can live on one
// node and no constraint needs a cross-node check. The few that cannot are listed below with the reason; a new one
// fails this test until it includes tenant_id or is argued for here.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { usePrivateDatabase } from './support/private-database';

await usePrivateDatabase('distribution');

/** table.constraint → why it may leave tenant_id out. */
const ALLOWED: Record<string, string> = {
  // users is a Citus reference table (copied to every node): one namespace of usernames and e-mails across
  // tenants, Root has no tenant, and sign-in finds the account before any tenant is known.
  'users.users_pkey': 'reference table users',
  'users.users_username_unique': 'reference table users: usernames are unique across tenants',
  'users.users_email_unique': 'reference table users: e-mails are unique across tenants',
  // Foreign keys from distributed tables to a reference table are allowed by Citus.
  'access_requests.access_requests_requester_id_users_id_fk': 'to reference table users',
  'permissions.permissions_user_id_users_id_fk': 'to reference table users',
  'user_roles.user_roles_user_id_users_id_fk': 'to reference table users',
  'user_identities.user_identities_user_id_users_id_fk': 'to reference table users',
  // active_tokens is a reference table too: every request finds its token by hash before it knows the tenant.
  'active_tokens.active_tokens_pkey': 'reference table active_tokens (looked up by hash)',
  'active_tokens.active_tokens_user_id_users_id_fk': 'reference to reference',
  // password_links likewise: an invitation or reset link is found by its token's hash before the tenant is known.
  'password_links.password_links_pkey': 'reference table password_links (looked up by hash)',
  'password_links.password_links_user_id_users_id_fk': 'reference to reference',
  // The audit chain is distributed by chain_id, not tenant_id: a chain's head and rows are colocated with each
  // other (an append touches both), and the global trail (no tenant) has chains too.
  'audit_logs.audit_logs_chain_id_seq_occurred_at_pk': 'audit_logs distributed by chain_id',
  'audit_chain_heads.audit_chain_heads_pkey': 'audit_chain_heads distributed by chain_id, colocated with audit_logs',
  // Iceberg clients present a key id before the tenant is known. Before distributing: replace this constraint by
  // (tenant_id, key_id) plus a reference table key_id → tenant_id (README: what an operator runs).
  'service_users.service_users_key_id_unique': 'global key ids (to move into a reference lookup table)',
};

describe('the schema is distributable by tenant', () => {
  it('every key of a tenant-owned table includes tenant_id, except the commented allow-list', async () => {
    const db = await getDb();
    const found = await db.execute<{ name: string; kind: string; columns: string }>(sql`
      WITH owned AS (
        SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
      )
      SELECT owned.relname || '.' || con.conname AS name, con.contype::text AS kind,
        (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY AS k(n, i)
           JOIN pg_attribute a ON a.attrelid = owned.oid AND a.attnum = k.n) AS columns
      FROM owned JOIN pg_constraint con ON con.conrelid = owned.oid AND con.contype IN ('p', 'u', 'f')
      WHERE NOT EXISTS (SELECT 1 FROM unnest(con.conkey) AS k(n)
        JOIN pg_attribute a ON a.attrelid = owned.oid AND a.attnum = k.n WHERE a.attname = 'tenant_id')
      ORDER BY 1`);
    const names = found.rows.map((r) => r.name);
    const unexplained = found.rows
      .filter((r) => !(r.name in ALLOWED))
      .map((r) => `${r.name} (${r.kind}: ${r.columns})`);
    expect(unexplained, 'keys without tenant_id: include it, or argue for it in ALLOWED').toEqual([]);
    // The list stays true: an entry whose constraint is gone (or now includes tenant_id) is removed.
    expect(Object.keys(ALLOWED).filter((k) => !names.includes(k))).toEqual([]);
    // Sanity: the check sees the tenant-owned tables at all.
    const owned = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'tenant_id'`);
    expect(owned.rows[0].n).toBeGreaterThan(15);
  });
});
