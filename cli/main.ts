#!/usr/bin/env node
// pangolin — the command-line client of a Pangolin server's management API (/api/v1). Every request goes through
// openapi-fetch typed by cli/api.d.ts (generated from the server's OpenAPI document: npm run cli:types), so a changed
// API breaks `npm run typecheck` here rather than the people using the CLI. Exit codes: 0 ok, 1 refused, 2 usage.
import { createWriteStream } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { connectSnippets } from '../lib/iceberg/snippets';
import { anonymousClient, ok, Refused, serverOf, signedInClient, unreachable, UsageError } from './client';
import type { components, paths } from './api';
import type { Api, GlobalOptions } from './client';
import { forgetToken, readConfig, writeConfig } from './config';
import { print } from './output';
import { readPassword } from './prompt';

type Cmd = Command;
const g = (cmd: Cmd) => cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
const api = (cmd: Cmd): Api => signedInClient(g(cmd));
const out = (cmd: Cmd, data: unknown, columns?: string[]) => print(data, g(cmd).output, columns);
const say = (cmd: Cmd, text: string, data: unknown) => {
  if (g(cmd).output === 'table') process.stdout.write(`${text}\n`);
  else print(data, g(cmd).output);
};
const progress = (text: string) => process.stderr.write(`${text}\n`);

/** key=value pairs (repeatable) → an object. */
const pairs = (value: string, previous: Record<string, string> = {}) => {
  const i = value.indexOf('=');
  if (i < 1) throw new UsageError(`Expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, i)]: value.slice(i + 1) };
};
const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** The id of the one row whose `key` is exactly `name` (lists filter by a part of the name). */
async function idByName<R extends { id: string }>(
  what: string,
  name: string,
  rows: Promise<{ rows: R[] }>,
  key: keyof R,
): Promise<string> {
  const found = (await rows).rows.find((r) => r[key] === name);
  if (!found) throw new Refused(`${what} "${name}" was not found`);
  return found.id;
}
const tenantId = (c: Api, name: string) =>
  idByName('Tenant', name, ok(c.GET('/api/v1/tenants', { params: { query: { q: name, limit: 500 } } })), 'name');
const userId = (c: Api, name: string) =>
  idByName('User', name, ok(c.GET('/api/v1/users', { params: { query: { q: name, limit: 500 } } })), 'username');
const roleId = (c: Api, name: string) =>
  idByName('Role', name, ok(c.GET('/api/v1/roles', { params: { query: { q: name, limit: 500 } } })), 'name');
const serviceUserId = (c: Api, name: string) =>
  idByName(
    'Service user',
    name,
    ok(c.GET('/api/v1/service-users', { params: { query: { q: name, limit: 500 } } })),
    'name',
  );
/** "ns.sub.table" → namespace path and table name. */
function splitTable(ref: string): { ns: string; name: string } {
  const i = ref.lastIndexOf('.');
  if (i < 1) throw new UsageError(`Name the table with its namespace: <namespace>.<table>, not "${ref}"`);
  return { ns: ref.slice(0, i), name: ref.slice(i + 1) };
}
const assetOf = (c: Api, catalog: string, ref: string, branch = 'main') => {
  const { ns, name } = splitTable(ref);
  return ok(
    c.GET('/api/v1/catalogs/{catalog}/namespaces/{ns}/assets/{asset}', {
      params: { path: { catalog, ns, asset: name }, query: { branch } },
    }),
  );
};

function buildProgram(): Command {
  const program = new Command('pangolin')
    .description('Manage a Pangolin lakehouse catalog from the command line (the /api/v1 management API)')
    .version('0.1.0')
    .option('--server <url>', 'server URL (default: PANGOLIN_SERVER, or what `pangolin login` stored)')
    .option('--tenant <name>', 'Root only: act in this tenant (default: what `pangolin tenant use` stored)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`pangolin: ${text.replace(/^error: /, '')}`) });

  // Sign-in
  program
    .command('login')
    .description('Sign in with a password and store an API token (in $XDG_CONFIG_HOME/pangolin, mode 0600)')
    .requiredOption('-u, --username <username>', 'your username')
    .option('--password-stdin', 'read the password from standard input (for scripts)')
    .option('--code <code>', 'a two-factor code (TOTP or a recovery code) where your account has one')
    .action(async (o: { username: string; passwordStdin?: boolean; code?: string }, cmd: Cmd) => {
      const server = serverOf(g(cmd));
      const password = await readPassword(!!o.passwordStdin);
      const answer = await ok(
        anonymousClient(g(cmd)).POST('/api/v1/users/login', {
          body: { username: o.username, password, ...(o.code ? { code: o.code } : {}) },
        }),
      );
      const file = writeConfig({
        server,
        token: answer.token,
        username: answer.user.username,
        expiresAt: answer.expiresAt,
      });
      say(
        cmd,
        `Signed in to ${server} as ${answer.user.username} (token until ${answer.expiresAt}; stored in ${file})`,
        {
          user: answer.user,
          expiresAt: answer.expiresAt,
          config: file,
        },
      );
    });
  program
    .command('logout')
    .description('Revoke the stored token and forget it')
    .action(async (_o, cmd: Cmd) => {
      await ok(api(cmd).POST('/api/v1/users/logout'));
      forgetToken();
      say(cmd, 'Signed out', { signedOut: true });
    });
  program
    .command('whoami')
    .description('Who the stored credentials are')
    .action(async (_o, cmd: Cmd) => out(cmd, await ok(api(cmd).GET('/api/v1/users/me'))));

  // Tenants
  const tenant = program.command('tenant').description('Tenants (Root)');
  tenant
    .command('list')
    .option('-q, --query <text>', 'part of the name')
    .action(async (o: { query?: string }, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/tenants', { params: { query: { q: o.query } } })), [
        'name',
        'description',
        'catalogCount',
        'userCount',
        'createdAt',
      ]),
    );
  tenant
    .command('create <name>')
    .option('--admin <username>', 'also create its first TenantAdmin (a password is generated, shown once)')
    .option('--description <text>')
    .option('--property <key=value>', 'a property (repeatable)', pairs)
    .action(
      async (name: string, o: { admin: string; description?: string; property?: Record<string, string> }, cmd) => {
        const t = await ok(
          api(cmd).POST('/api/v1/tenants', {
            body: { name, adminUsername: o.admin, description: o.description, properties: o.property },
          }),
        );
        say(
          cmd,
          `Created tenant ${t.name} (${t.id})` +
            (t.adminUsername ? ` with TenantAdmin ${t.adminUsername}` : '') +
            (t.generatedPassword ? `; their temporary password (shown once): ${t.generatedPassword}` : ''),
          t,
        );
      },
    );
  tenant
    .command('delete <name>')
    .option('--cascade', 'also delete its catalogs (asks for nothing else: be sure)')
    .action(async (name: string, o: { cascade?: boolean }, cmd: Cmd) => {
      const c = api(cmd);
      const id = await tenantId(c, name);
      const query = o.cascade ? { cascade: 'true' as const, confirmation: name } : {};
      say(
        cmd,
        `Deleted tenant ${name}`,
        await ok(c.DELETE('/api/v1/tenants/{id}', { params: { path: { id }, query } })),
      );
    });
  tenant
    .command('use [name]')
    .description('Root: act in this tenant from now on (no name: stop choosing one)')
    .action(async (name: string | undefined, _o, cmd: Cmd) => {
      const config = readConfig();
      if (!name) {
        const { tenant: _t, ...rest } = config;
        writeConfig(rest);
        say(cmd, 'No tenant chosen', { tenant: null });
        return;
      }
      const c = api(cmd);
      const me = await ok(c.GET('/api/v1/users/me'));
      if (me.role !== 'root')
        throw new Refused('Only Root switches tenants: your credentials always act in their own tenant');
      await tenantId(c, name);
      writeConfig({ ...config, tenant: name });
      say(cmd, `Acting in tenant ${name}`, { tenant: name });
    });

  // Warehouses
  const warehouse = program.command('warehouse').description('Storage warehouses');
  warehouse
    .command('list')
    .action(async (_o, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/warehouses')), ['name', 'storageType', 'location', 'catalogCount']),
    );
  warehouse
    .command('create <name>')
    .addOption(
      new Option('--type <type>', 'storage type').choices(['s3', 'azure', 'gcs', 'local']).makeOptionMandatory(),
    )
    .option('--bucket <bucket>', 's3/gcs bucket')
    .option('--container <container>', 'azure container')
    .option('--region <region>')
    .option('--endpoint <url>', 'an S3-compatible endpoint')
    .option('--root-path <path>', 'local: a folder under the operator’s storage root; others: a prefix')
    .option('--access-key-id <id>')
    .option('--secret-stdin', 'read the secret access key (or account key) from standard input')
    .action(async (name: string, o: Record<string, string | boolean | undefined>, cmd: Cmd) => {
      const secret = o.secretStdin ? await readPassword(true) : undefined;
      const type = o.type as 's3' | 'azure' | 'gcs' | 'local';
      const w = await ok(
        api(cmd).POST('/api/v1/warehouses', {
          body: {
            name,
            storageType: type,
            bucket: o.bucket as string | undefined,
            container: o.container as string | undefined,
            region: o.region as string | undefined,
            endpoint: o.endpoint as string | undefined,
            rootPath: o.rootPath as string | undefined,
            accessKeyId: o.accessKeyId as string | undefined,
            ...(secret ? (type === 'azure' ? { accountKey: secret } : { secretAccessKey: secret }) : {}),
          },
        }),
      );
      say(cmd, `Created warehouse ${w.name} (${w.storageType})`, w);
    });
  warehouse
    .command('delete <name>')
    .action(async (name: string, _o, cmd: Cmd) =>
      say(
        cmd,
        `Deleted warehouse ${name}`,
        await ok(api(cmd).DELETE('/api/v1/warehouses/{warehouse}', { params: { path: { warehouse: name } } })),
      ),
    );

  // Catalogs
  const catalog = program.command('catalog').description('Catalogs');
  catalog
    .command('list')
    .option('-q, --query <text>', 'part of the name')
    .action(async (o: { query?: string }, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/catalogs', { params: { query: { q: o.query } } })), [
        'name',
        'catalogType',
        'warehouseName',
        'createdAt',
      ]),
    );
  catalog
    .command('create <name>')
    .requiredOption('--warehouse <name>', 'the warehouse its tables live in')
    .option('--property <key=value>', 'a property (repeatable)', pairs)
    .action(async (name: string, o: { warehouse: string; property?: Record<string, string> }, cmd: Cmd) => {
      const c = await ok(
        api(cmd).POST('/api/v1/catalogs', {
          body: { catalogType: 'local', name, warehouse: o.warehouse, properties: o.property },
        }),
      );
      say(cmd, `Created catalog ${c.name}`, c);
    });
  catalog
    .command('delete <name>')
    .option('--cascade', 'also delete its namespaces, tables and branches')
    .action(async (name: string, o: { cascade?: boolean }, cmd: Cmd) => {
      const query = o.cascade ? { cascade: 'true' as const, confirmation: name } : {};
      say(
        cmd,
        `Deleted catalog ${name}`,
        await ok(api(cmd).DELETE('/api/v1/catalogs/{catalog}', { params: { path: { catalog: name }, query } })),
      );
    });

  // Namespaces
  const namespace = program.command('namespace').description('Namespaces of a catalog (dotted: sales.emea)');
  namespace
    .command('list <catalog>')
    .option('--parent <namespace>', 'list the children of this namespace')
    .action(async (cat: string, o: { parent?: string }, cmd: Cmd) =>
      out(
        cmd,
        await ok(
          api(cmd).GET('/api/v1/catalogs/{catalog}/namespaces', {
            params: { path: { catalog: cat }, query: { parent: o.parent } },
          }),
        ),
        ['name', 'path', 'hasChildren'],
      ),
    );
  namespace
    .command('create <catalog> <namespace>')
    .option('--property <key=value>', 'a property (repeatable)', pairs)
    .action(async (cat: string, ns: string, o: { property?: Record<string, string> }, cmd: Cmd) =>
      say(
        cmd,
        `Created namespace ${ns} in ${cat}`,
        await ok(
          api(cmd).POST('/api/v1/catalogs/{catalog}/namespaces', {
            params: { path: { catalog: cat } },
            body: { namespace: ns.split('.'), properties: o.property },
          }),
        ),
      ),
    );
  namespace
    .command('delete <catalog> <namespace>')
    .action(async (cat: string, ns: string, _o, cmd: Cmd) =>
      say(
        cmd,
        `Deleted namespace ${ns} from ${cat}`,
        await ok(
          api(cmd).DELETE('/api/v1/catalogs/{catalog}/namespaces/{ns}', { params: { path: { catalog: cat, ns } } }),
        ),
      ),
    );

  // Tables
  const table = program.command('table').description('Tables and views (<namespace>.<table>)');
  table
    .command('list <catalog> <namespace>')
    .option('-b, --branch <branch>', 'branch', 'main')
    .action(async (cat: string, ns: string, o: { branch: string }, cmd: Cmd) =>
      out(
        cmd,
        await ok(
          api(cmd).GET('/api/v1/catalogs/{catalog}/namespaces/{ns}/assets', {
            params: { path: { catalog: cat, ns }, query: { branch: o.branch } },
          }),
        ),
        ['name', 'assetType', 'metadataLocation', 'updatedAt'],
      ),
    );
  table
    .command('create <catalog> <table>')
    .description('Register a table by its metadata file (<namespace>.<table>)')
    .requiredOption('--metadata-location <uri>', 'the table’s current metadata.json')
    .option('-b, --branch <branch>', 'branch', 'main')
    .action(async (cat: string, ref: string, o: { metadataLocation: string; branch: string }, cmd: Cmd) => {
      const { ns, name } = splitTable(ref);
      const a = await ok(
        api(cmd).POST('/api/v1/catalogs/{catalog}/namespaces/{ns}/assets', {
          params: { path: { catalog: cat, ns } },
          body: { name, metadataLocation: o.metadataLocation, branch: o.branch },
        }),
      );
      say(cmd, `Created ${cat}.${ref} on ${o.branch}`, a);
    });
  table
    .command('delete <catalog> <table>')
    .description('Drop a table on a branch (<namespace>.<table>; a commit: its history stays)')
    .option('-b, --branch <branch>', 'branch', 'main')
    .action(async (cat: string, ref: string, o: { branch: string }, cmd: Cmd) => {
      const { ns, name } = splitTable(ref);
      const d = await ok(
        api(cmd).DELETE('/api/v1/catalogs/{catalog}/namespaces/{ns}/assets/{asset}', {
          params: { path: { catalog: cat, ns, asset: name }, query: { branch: o.branch } },
        }),
      );
      say(cmd, `Dropped ${cat}.${ref} on ${o.branch} (commit ${d.commitId})`, d);
    });

  // Branches and tags
  const branch = program.command('branch').description('Branches of a catalog');
  branch
    .command('list <catalog>')
    .action(async (cat: string, _o, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/branches', { params: { query: { catalog: cat } } })), [
        'name',
        'branchType',
        'protected',
        'ahead',
        'behind',
        'tables',
      ]),
    );
  branch
    .command('create <catalog> <name>')
    .option('--from <ref>', 'branch, tag or commit to start from', 'main')
    .addOption(new Option('--type <type>').choices(['experimental', 'ingest']).default('experimental'))
    .action(async (cat: string, name: string, o: { from: string; type: 'experimental' | 'ingest' }, cmd: Cmd) =>
      say(
        cmd,
        `Created branch ${name} from ${o.from}`,
        await ok(api(cmd).POST('/api/v1/branches', { body: { catalog: cat, name, from: o.from, branchType: o.type } })),
      ),
    );
  branch
    .command('delete <catalog> <name>')
    .action(async (cat: string, name: string, _o, cmd: Cmd) =>
      say(
        cmd,
        `Deleted branch ${name}`,
        await ok(api(cmd).DELETE('/api/v1/branches/{name}', { params: { path: { name }, query: { catalog: cat } } })),
      ),
    );
  const tag = program.command('tag').description('Tags (immutable names for commits)');
  tag
    .command('list <catalog>')
    .action(async (cat: string, _o, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/tags', { params: { query: { catalog: cat } } })), [
        'name',
        'commitId',
        'message',
        'createdAt',
      ]),
    );
  tag
    .command('create <catalog> <name>')
    .option('--ref <ref>', 'commit, branch or tag', 'main')
    .option('-m, --message <text>')
    .action(async (cat: string, name: string, o: { ref: string; message?: string }, cmd: Cmd) =>
      say(
        cmd,
        `Tagged ${o.ref} as ${name}`,
        await ok(api(cmd).POST('/api/v1/tags', { body: { catalog: cat, name, ref: o.ref, message: o.message } })),
      ),
    );
  tag
    .command('delete <catalog> <name>')
    .action(async (cat: string, name: string, _o, cmd: Cmd) =>
      say(
        cmd,
        `Deleted tag ${name}`,
        await ok(api(cmd).DELETE('/api/v1/tags/{name}', { params: { path: { name }, query: { catalog: cat } } })),
      ),
    );

  // Merges
  const merge = program
    .command('merge')
    .description('Merge one branch into another: preview, start, resolve, complete');
  const mergeBody = (cat: string, source: string, o: { into: string; message?: string }, dryRun: boolean) => ({
    catalog: cat,
    source,
    target: o.into,
    message: o.message,
    dryRun,
  });
  merge
    .command('preview <catalog> <source>')
    .option('--into <branch>', 'target branch', 'main')
    .action(async (cat: string, source: string, o: { into: string }, cmd: Cmd) => {
      const p = (await ok(
        api(cmd).POST('/api/v1/branches/merge', { body: mergeBody(cat, source, o, true) }),
      )) as components['schemas']['MergePreview'];
      if (g(cmd).output !== 'table') return out(cmd, p);
      process.stdout.write(
        `Merging ${source} into ${o.into}: ${p.changes.length} change(s), ${p.conflicts.length} conflict(s)\n`,
      );
      if (p.conflicts.length) print(p.conflicts, 'table', ['assetId', 'kind']);
    });
  merge
    .command('start <catalog> <source>')
    .option('--into <branch>', 'target branch', 'main')
    .option('-m, --message <text>', 'the merge commit message')
    .action(async (cat: string, source: string, o: { into: string; message?: string }, cmd: Cmd) => {
      const r = (await ok(
        api(cmd).POST('/api/v1/branches/merge', { body: mergeBody(cat, source, o, false) }),
      )) as Exclude<
        paths['/api/v1/branches/merge']['post']['responses'][201]['content']['application/json'],
        components['schemas']['MergePreview']
      >;
      if (g(cmd).output !== 'table') return out(cmd, r);
      const op = r.operation;
      process.stdout.write(
        `Merge ${op.id}: ${op.status}, ${op.openConflicts} open conflict(s)` +
          (op.resultCommitId ? `, commit ${op.resultCommitId}` : '') +
          '\n',
      );
      if (r.conflicts.rows.length) print(r.conflicts.rows, 'table', ['id', 'conflictType', 'description']);
    });
  merge
    .command('list <catalog>')
    .action(async (cat: string, _o, cmd: Cmd) =>
      out(
        cmd,
        await ok(api(cmd).GET('/api/v1/catalogs/{catalog}/merge-operations', { params: { path: { catalog: cat } } })),
        ['id', 'sourceBranch', 'targetBranch', 'status', 'openConflicts'],
      ),
    );
  merge
    .command('conflicts <operation>')
    .option('--open', 'only the unresolved ones')
    .action(async (id: string, o: { open?: boolean }, cmd: Cmd) =>
      out(
        cmd,
        await ok(
          api(cmd).GET('/api/v1/merge-operations/{id}/conflicts', {
            params: { path: { id }, query: o.open ? { open: 'true' } : {} },
          }),
        ),
        ['id', 'conflictType', 'description', 'resolution'],
      ),
    );
  merge
    .command('resolve <conflict>')
    .addOption(new Option('--take <side>', 'keep one side').choices(['source', 'target']))
    .option('--metadata-location <uri>', 'resolve manually with this metadata file')
    .action(async (id: string, o: { take?: 'source' | 'target'; metadataLocation?: string }, cmd: Cmd) => {
      if (!o.take === !o.metadataLocation)
        throw new UsageError('Resolve with either --take source|target or --metadata-location <uri>');
      const body = o.take
        ? { resolution: o.take === 'source' ? ('take_source' as const) : ('take_target' as const) }
        : { resolution: 'manual' as const, metadataLocation: o.metadataLocation };
      say(
        cmd,
        `Resolved conflict ${id}`,
        await ok(api(cmd).POST('/api/v1/conflicts/{id}/resolve', { params: { path: { id } }, body })),
      );
    });
  merge.command('complete <operation>').action(async (id: string, _o, cmd: Cmd) => {
    const r = await ok(api(cmd).POST('/api/v1/merge-operations/{id}/complete', { params: { path: { id } } }));
    say(cmd, `Merge ${id} completed`, r);
  });
  merge
    .command('abort <operation>')
    .action(async (id: string, _o, cmd: Cmd) =>
      say(
        cmd,
        `Merge ${id} aborted`,
        await ok(api(cmd).POST('/api/v1/merge-operations/{id}/abort', { params: { path: { id } } })),
      ),
    );

  // People and access
  const user = program.command('user').description('Users of the tenant (TenantAdmin)');
  user
    .command('list')
    .action(async (_o, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/users')), ['username', 'email', 'role', 'active', 'roleNames']),
    );
  user
    .command('create <username>')
    .option('--email <email>')
    .addOption(new Option('--role <role>').choices(['tenant_user', 'tenant_admin']).default('tenant_user'))
    .action(async (username: string, o: { email?: string; role: 'tenant_user' | 'tenant_admin' }, cmd: Cmd) => {
      const u = await ok(api(cmd).POST('/api/v1/users', { body: { username, email: o.email, role: o.role } }));
      say(
        cmd,
        `Created user ${u.username}` +
          (u.temporaryPassword ? `; temporary password (shown once): ${u.temporaryPassword}` : ''),
        u,
      );
    });
  user.command('delete <username>').action(async (username: string, _o, cmd: Cmd) => {
    const c = api(cmd);
    const id = await userId(c, username);
    say(cmd, `Deleted user ${username}`, await ok(c.DELETE('/api/v1/users/{id}', { params: { path: { id } } })));
  });

  const role = program.command('role').description('Roles: named sets of grants');
  role
    .command('list')
    .action(async (_o, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/roles')), ['name', 'description', 'userCount', 'grantCount']),
    );
  role
    .command('create <name>')
    .option('--description <text>')
    .action(async (name: string, o: { description?: string }, cmd: Cmd) =>
      say(
        cmd,
        `Created role ${name}`,
        await ok(api(cmd).POST('/api/v1/roles', { body: { name, description: o.description } })),
      ),
    );
  role
    .command('delete <name>')
    .option('--force', 'also take it from its users')
    .action(async (name: string, o: { force?: boolean }, cmd: Cmd) => {
      const c = api(cmd);
      const id = await roleId(c, name);
      say(
        cmd,
        `Deleted role ${name}`,
        await ok(c.DELETE('/api/v1/roles/{id}', { params: { path: { id }, query: o.force ? { force: 'true' } : {} } })),
      );
    });
  role.command('assign <role> <username>').action(async (name: string, username: string, _o, cmd: Cmd) => {
    const c = api(cmd);
    const [rid, uid] = await Promise.all([roleId(c, name), userId(c, username)]);
    say(
      cmd,
      `Gave role ${name} to ${username}`,
      await ok(c.POST('/api/v1/users/{id}/roles', { params: { path: { id: uid } }, body: { roleId: rid } })),
    );
  });

  const grant = program.command('grant').description('Grants: actions on a scope for a user, service user or role');
  const granteeOptions = (c: Command) =>
    c.option('--user <username>').option('--role <name>').option('--service-user <name>');
  async function grantee(c: Api, o: { user?: string; role?: string; serviceUser?: string }) {
    const given = [o.user, o.role, o.serviceUser].filter(Boolean).length;
    if (given !== 1) throw new UsageError('Name exactly one grantee: --user, --role or --service-user');
    if (o.user) return { userId: await userId(c, o.user) };
    if (o.role) return { roleId: await roleId(c, o.role) };
    return { serviceUserId: await serviceUserId(c, o.serviceUser!) };
  }
  granteeOptions(grant.command('list')).action(async (o: Record<string, string>, cmd: Cmd) => {
    const c = api(cmd);
    const who = await grantee(c, o);
    const query = { user: who.userId, role: who.roleId, service_user: who.serviceUserId };
    out(cmd, await ok(c.GET('/api/v1/permissions', { params: { query } })), [
      'id',
      'description',
      'actions',
      'expiresAt',
    ]);
  });
  granteeOptions(grant.command('create'))
    .option('--catalog <name>', 'scope: a catalog (or, with --namespace/--table, inside it)')
    .option('--namespace <namespace>', 'scope: a namespace of --catalog')
    .option('--table <namespace.table>', 'scope: a table of --catalog')
    .option('--tag <tag>', 'scope: every table with this tag')
    .requiredOption('--actions <list>', 'comma-separated: read,list,write,create,update,delete,all,…', list)
    .option('--expires <YYYY-MM-DD>', 'the grant ends by itself on this day')
    .action(async (o: Record<string, string | string[] | undefined>, cmd: Cmd) => {
      const c = api(cmd);
      const who = await grantee(c, o as Record<string, string>);
      const cat = o.catalog as string | undefined;
      let scope: Record<string, string>;
      if (o.tag) scope = { scopeType: 'tag', tag: o.tag as string };
      else if (!cat) scope = { scopeType: 'tenant' };
      else {
        const catalogId = (await ok(c.GET('/api/v1/catalogs/{catalog}', { params: { path: { catalog: cat } } }))).id;
        if (o.table)
          scope = { scopeType: 'asset', catalogId, assetId: (await assetOf(c, cat, o.table as string)).assetId };
        else if (o.namespace) {
          const ns = await ok(
            c.GET('/api/v1/catalogs/{catalog}/namespaces/{ns}', {
              params: { path: { catalog: cat, ns: o.namespace as string } },
            }),
          );
          scope = { scopeType: 'namespace', catalogId, namespaceId: ns.id };
        } else scope = { scopeType: 'catalog', catalogId };
      }
      const body = {
        ...who,
        ...scope,
        actions: o.actions as ('read' | 'list')[],
        expiresAt: o.expires as string | undefined,
      } as paths['/api/v1/permissions']['post']['requestBody']['content']['application/json'];
      const r = await ok(c.POST('/api/v1/permissions', { body }));
      say(cmd, `Granted ${r.actions.join(', ')} on ${r.scope} to ${r.grantee.name} (grant ${r.id})`, r);
    });
  grant
    .command('revoke <grant-id>')
    .option('--cascade', 'also revoke what its holder handed on')
    .action(async (id: string, o: { cascade?: boolean }, cmd: Cmd) =>
      say(
        cmd,
        `Revoked grant ${id}`,
        await ok(
          api(cmd).DELETE('/api/v1/permissions/{id}', {
            params: { path: { id }, query: o.cascade ? { cascade: 'true' } : {} },
          }),
        ),
      ),
    );

  const su = program.command('service-user').description('Service users: API keys for machines');
  su.command('list').action(async (_o, cmd: Cmd) =>
    out(cmd, await ok(api(cmd).GET('/api/v1/service-users')), ['name', 'role', 'keyId', 'active', 'expiresAt']),
  );
  su.command('create <name>')
    .addOption(new Option('--role <role>').choices(['tenant_user', 'tenant_admin']).default('tenant_user'))
    .option('--expires <YYYY-MM-DD>')
    .option('--description <text>')
    .action(
      async (
        name: string,
        o: { role: 'tenant_user' | 'tenant_admin'; expires?: string; description?: string },
        cmd,
      ) => {
        const k = await ok(
          api(cmd).POST('/api/v1/service-users', {
            body: { name, role: o.role, expiresAt: o.expires, description: o.description },
          }),
        );
        say(cmd, `Created service user ${k.name}. Its API key, shown only now (send as X-API-Key):\n${k.apiKey}`, k);
      },
    );
  su.command('rotate <name>').action(async (name: string, _o, cmd: Cmd) => {
    const c = api(cmd);
    const id = await serviceUserId(c, name);
    const k = await ok(c.POST('/api/v1/service-users/{id}/rotate', { params: { path: { id } }, body: {} }));
    say(cmd, `New API key for ${k.name}, shown only now (the old one no longer works):\n${k.apiKey}`, k);
  });
  su.command('delete <name>').action(async (name: string, _o, cmd: Cmd) => {
    const c = api(cmd);
    const id = await serviceUserId(c, name);
    say(
      cmd,
      `Deleted service user ${name}`,
      await ok(c.DELETE('/api/v1/service-users/{id}', { params: { path: { id } } })),
    );
  });

  const access = program.command('access').description('Access requests: ask for a table, stewards decide');
  access
    .command('list')
    .addOption(new Option('--status <status>').choices(['pending', 'approved', 'rejected', 'cancelled', 'expired']))
    .option('--mine', 'only my own requests')
    .action(async (o: { status?: 'pending'; mine?: boolean }, cmd: Cmd) =>
      out(
        cmd,
        await ok(
          api(cmd).GET('/api/v1/access-requests', {
            params: { query: { status: o.status, ...(o.mine ? { mine: 'true' as const } : {}) } },
          }),
        ),
        ['id', 'status', 'resource', 'actions', 'requesterName', 'reason'],
      ),
    );
  access
    .command('request <catalog> <table>')
    .description('Ask for access to a table you can discover (<namespace>.<table>)')
    .requiredOption('--reason <text>', 'why you need it (at least 5 characters)')
    .option('--actions <list>', 'comma-separated (default read)', list)
    .action(async (cat: string, ref: string, o: { reason: string; actions?: string[] }, cmd: Cmd) => {
      const c = api(cmd);
      // Search shows what one may discover without reading it (tables marked discoverable), as the console does.
      const { ns, name } = splitTable(ref);
      const found = (
        await ok(c.GET('/api/v1/search/assets', { params: { query: { q: name, limit: 500 } } }))
      ).rows.find((r) => r.catalogName === cat && r.namespacePath.join('.') === ns && r.name === name);
      if (!found) throw new Refused(`Table ${cat}.${ref} was not found (or is not discoverable)`);
      const assetId = found.assetId;
      const r = await ok(
        c.POST('/api/v1/assets/{id}/access-requests', {
          params: { path: { id: assetId } },
          body: { reason: o.reason, actions: o.actions as ['read'] | undefined },
        }),
      );
      say(cmd, `Requested access to ${r.scope} (request ${r.id}, ${r.status})`, r);
    });
  for (const [verb, status] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    access
      .command(`${verb} <request-id>`)
      .option('--comment <text>')
      .option('--until <YYYY-MM-DD>', verb === 'approve' ? 'the grant ends by itself on this day' : 'unused')
      .action(async (id: string, o: { comment?: string; until?: string }, cmd: Cmd) => {
        const r = await ok(
          api(cmd).PUT('/api/v1/access-requests/{id}', {
            params: { path: { id } },
            body: { status, comment: o.comment, ...(verb === 'approve' && o.until ? { expiresAt: o.until } : {}) },
          }),
        );
        say(cmd, `Request ${id} ${r.status}` + (r.permissionId ? ` (grant ${r.permissionId})` : ''), r);
      });
  }

  // Audit
  const audit = program.command('audit').description('The audit trail: search, export, verify');
  const filters = (c: Command) =>
    c
      .option('--action <action>', 'e.g. catalog.create')
      .option('--actor <name>')
      .option('--resource <text>')
      .addOption(new Option('--result <result>').choices(['success', 'failure', 'denied']))
      .option('--from <time>', 'ISO date or time')
      .option('--to <time>', 'ISO date or time');
  type AuditFilters = {
    action?: string;
    actor?: string;
    resource?: string;
    result?: 'success';
    from?: string;
    to?: string;
  };
  const auditQuery = (o: AuditFilters) => ({
    action: o.action,
    actor: o.actor,
    resource: o.resource,
    result: o.result,
    from: o.from,
    to: o.to,
  });
  filters(audit.command('search'))
    .option('--limit <n>', 'rows', (v) => Number(v), 50)
    .action(async (o: AuditFilters & { limit: number }, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/audit', { params: { query: { ...auditQuery(o), limit: o.limit } } })), [
        'createdAt',
        'actorName',
        'action',
        'resourceName',
        'result',
      ]),
    );
  filters(audit.command('export'))
    .addOption(new Option('--format <format>').choices(['csv', 'jsonl']).default('jsonl'))
    .option('--file <path>', 'write here instead of standard output')
    .action(async (o: AuditFilters & { format: 'csv' | 'jsonl'; file?: string }, cmd: Cmd) => {
      const res = await api(cmd)
        .GET('/api/v1/audit/export', { params: { query: { ...auditQuery(o), format: o.format } }, parseAs: 'stream' })
        .catch((err: unknown) => {
          throw unreachable(err);
        });
      if (!res.response.ok || !res.data) await ok(Promise.resolve({ ...res, data: undefined }));
      const sink: NodeJS.WritableStream = o.file ? createWriteStream(o.file, { mode: 0o600 }) : process.stdout;
      let lines = 0;
      let last = 0;
      const reader = (res.data as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const b of value) if (b === 10) lines++;
        if (!sink.write(value)) await new Promise<void>((r) => sink.once('drain', () => r()));
        if (lines - last >= 1000) {
          progress(`exported ${lines} lines…`);
          last = lines;
        }
      }
      if (sink !== process.stdout) await new Promise<void>((r) => sink.end(() => r()));
      const rows = o.format === 'csv' ? Math.max(0, lines - 1) : lines;
      progress(`exported ${rows} event(s)${o.file ? ` to ${o.file}` : ''}`);
    });
  audit
    .command('verify')
    .option('--tenant-id <id>', 'Root: only this tenant')
    .action(async (o: { tenantId?: string }, cmd: Cmd) => {
      const res = await api(cmd)
        .GET('/api/v1/audit/verify', {
          params: { query: { tenant: o.tenantId } },
          headers: { accept: 'application/x-ndjson' },
          parseAs: 'text',
        })
        .catch((err: unknown) => {
          throw unreachable(err);
        });
      if (!res.response.ok) await ok(Promise.resolve({ ...res, data: undefined }));
      let outcome: unknown = null;
      for (const line of String(res.data ?? '').split('\n')) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as { type: string; checked?: number; total?: number; outcome?: unknown };
        if (event.type === 'progress') progress(`verified ${event.checked} of ${event.total} rows…`);
        if (event.type === 'done') outcome = event.outcome;
      }
      const report = outcome as { ok?: boolean; rows?: number; firstBreak?: { reason?: string } | null } | null;
      if (!report) throw new Refused('The server ended the verification without a result');
      if (g(cmd).output === 'table')
        process.stdout.write(
          report.ok ? `The audit chains are intact (${report.rows} rows)\n` : `BROKEN: ${report.firstBreak?.reason}\n`,
        );
      else print(report, g(cmd).output);
      if (!report.ok) process.exitCode = 1;
    });

  program
    .command('health')
    .description('The database health summary (Root)')
    .action(async (_o, cmd: Cmd) =>
      out(cmd, await ok(api(cmd).GET('/api/v1/health')), ['title', 'status', 'figure', 'reason']),
    );

  program
    .command('snippet <catalog> [table]')
    .description('Connection code for PyIceberg, Spark, Trino and DuckDB (table: <namespace>.<table>[@branch])')
    .addOption(new Option('--engine <engine>', 'only this engine').choices(['pyiceberg', 'spark', 'trino', 'duckdb']))
    .action(async (cat: string, ref: string | undefined, o: { engine?: string }, cmd: Cmd) => {
      const server = serverOf(g(cmd));
      let table: { namespace: string[]; name: string; branch: string } | undefined;
      if (ref) {
        const [path, branchName = 'main'] = ref.split('@');
        const { ns, name } = splitTable(path);
        table = { namespace: ns.split('.'), name, branch: branchName };
      }
      const snippets = connectSnippets({ serverUrl: server, catalog: cat, table }).filter(
        (s) => !o.engine || s.engine.toLowerCase() === o.engine,
      );
      if (g(cmd).output !== 'table') return print(snippets, g(cmd).output);
      process.stdout.write(snippets.map((s) => `# ${s.engine} (${s.language})\n${s.code}\n`).join('\n'));
    });

  return program;
}

/** Runs the CLI and answers its exit code: 0 ok, 1 refused, 2 usage. Never prints a stack trace. */
async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with code 0; anything commander refused (unknown flag, missing argument) is usage.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`pangolin: ${err.message}\n`);
      return 2;
    }
    if (err instanceof Refused) {
      process.stderr.write(`pangolin: ${err.message}\n`);
      for (const [field, messages] of Object.entries(err.fields ?? {}))
        process.stderr.write(`  ${field}: ${messages.join('; ')}\n`);
      return 1;
    }
    process.stderr.write(`pangolin: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.PANGOLIN_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 1;
  }
}

process.exitCode = await run(process.argv.slice(2));
