// Reads a reference SQLite database (release 0.8 layout, see the reference's sqlite-backend notes) in one
// consistent read transaction, after checking that it is one: a SQLite file, unlocked, with that layout.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { OpsError } from '../pg-tools';

export type Row = Record<string, unknown>;

/** The columns the importer cannot do without, per table. Other documented columns are optional. */
export const LAYOUT = {
  tenants: ['id', 'name'],
  warehouses: ['id', 'tenant_id', 'name', 'storage_config'],
  catalogs: ['id', 'tenant_id', 'name', 'catalog_type'],
  namespaces: ['id', 'tenant_id', 'catalog_name', 'namespace_path'],
  assets: ['id', 'tenant_id', 'catalog_name', 'namespace_path', 'name', 'asset_type'],
  branches: ['tenant_id', 'catalog_name', 'name'],
  tags: ['tenant_id', 'catalog_name', 'name'],
  commits: ['id', 'tenant_id'],
  audit_logs: ['id', 'tenant_id', 'timestamp', 'action'],
  users: ['id', 'username', 'role'],
  roles: ['id', 'tenant_id', 'name', 'permissions'],
  user_roles: ['user_id', 'role_id'],
  permissions: ['id', 'user_id', 'scope', 'actions'],
  business_metadata: ['asset_id'],
  active_tokens: ['user_id'],
  system_settings: ['tenant_id', 'settings'],
  federated_sync_stats: ['tenant_id', 'catalog_name', 'stats'],
  service_users: ['id', 'name', 'tenant_id', 'role'],
  access_requests: ['id', 'tenant_id', 'user_id', 'asset_id', 'status'],
  merge_operations: ['id', 'tenant_id', 'catalog_name', 'source_branch', 'target_branch', 'status'],
  merge_conflicts: ['id', 'operation_id', 'conflict_type'],
} as const;

export type TableName = keyof typeof LAYOUT;
export const TABLES = Object.keys(LAYOUT) as TableName[];
/** Without these it is not the reference's database at all; the others may be missing in older files. */
const CORE: TableName[] = ['tenants', 'catalogs', 'namespaces', 'assets', 'users'];

export type ReferenceData = {
  file: string;
  tables: Record<TableName, Row[]>;
  /** Documented tables the file does not have (treated as empty). */
  absent: TableName[];
};

const SQLITE_MAGIC = 'SQLite format 3\u0000';

function checkFile(file: string) {
  if (!existsSync(file)) throw new OpsError(`${file} does not exist`);
  const st = statSync(file);
  if (!st.isFile()) throw new OpsError(`${file} is not a file`);
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(16);
  let read = 0;
  try {
    read = readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 16 || head.toString('latin1') !== SQLITE_MAGIC) {
    throw new OpsError(
      `${file} is not a SQLite database${read === 0 ? ' (the file is empty)' : ''}: expected the reference's SQLite metadata file (e.g. pangolin.db)`,
    );
  }
}

function explainSqliteError(file: string, err: unknown): OpsError {
  const code = (err as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new OpsError(
      `${file} is locked by another program (is the reference server still running on it?). Stop it, then run the import again.`,
    );
  }
  if (code.startsWith('SQLITE_NOTADB')) return new OpsError(`${file} is not a SQLite database`);
  if (code.startsWith('SQLITE_CORRUPT'))
    return new OpsError(`${file} is damaged (SQLite reports: ${(err as Error).message})`);
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM'))
    return new OpsError(`${file} cannot be opened: ${(err as Error).message}`);
  return new OpsError(`${file} cannot be read: ${(err as Error).message}`);
}

export function readReference(file: string): ReferenceData {
  checkFile(file);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 1000 });
  } catch (err) {
    throw explainSqliteError(file, err);
  }
  try {
    return db.transaction(() => {
      const present = new Set(
        (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map(
          (r) => r.name,
        ),
      );
      const missingCore = CORE.filter((t) => !present.has(t));
      if (missingCore.length) {
        throw new OpsError(
          `${file} is a SQLite database, but not in the reference's layout (release 0.8): it has no ` +
            `${missingCore.join(', ')} table${missingCore.length > 1 ? 's' : ''}. Found: ${[...present].slice(0, 12).join(', ') || 'no tables'}.`,
        );
      }
      const tables = {} as Record<TableName, Row[]>;
      const absent: TableName[] = [];
      const problems: string[] = [];
      for (const table of TABLES) {
        if (!present.has(table)) {
          absent.push(table);
          tables[table] = [];
          continue;
        }
        const columns = new Set(
          (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name),
        );
        const lacking = LAYOUT[table].filter((c) => !columns.has(c));
        if (lacking.length) problems.push(`${table} lacks ${lacking.join(', ')}`);
        else tables[table] = db.prepare(`SELECT * FROM "${table}"`).all() as Row[];
      }
      if (problems.length) {
        throw new OpsError(`${file} is not in the reference's layout (release 0.8): ${problems.join('; ')}.`);
      }
      return { file: path.resolve(file), tables, absent };
    })();
  } catch (err) {
    if (err instanceof OpsError) throw err;
    throw explainSqliteError(file, err);
  } finally {
    db.close();
  }
}
