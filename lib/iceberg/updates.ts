import { randomUUID } from 'node:crypto';
import { badRequest, commitFailed } from './errors';
import { sameLong, type Long } from './json';
import {
  bindSortOrder,
  bindSpec,
  checkFormatVersion,
  checkSchemaForFormat,
  emptyTableMetadata,
  PARTITION_DATA_ID_START,
  sameShape,
  stripSlash,
  validateSchema,
  withoutFormatVersion,
} from './metadata';
import type { Schema, Snapshot, TableMetadata, TableRequirement, TableUpdate } from './spec';

const NO_SNAPSHOT = -1;
const hasSnapshot = (id: Long | null | undefined) => id !== null && id !== undefined && !sameLong(id, NO_SNAPSHOT);

/**
 * Checks the commit's requirements against the table's current metadata (null: the table does not exist).
 * A failed requirement means the client worked from a stale base: 409 CommitFailedException, and it may retry.
 */
export function checkRequirements(base: TableMetadata | null, requirements: TableRequirement[]): void {
  for (const r of requirements) {
    if (r.type === 'assert-create') {
      if (base) throw commitFailed('Requirement failed: table already exists');
      continue;
    }
    if (!base) throw commitFailed(`Requirement failed: ${r.type} on a table that does not exist`);
    switch (r.type) {
      case 'assert-table-uuid':
        if (r.uuid.toLowerCase() !== base['table-uuid'].toLowerCase())
          throw commitFailed(`Requirement failed: UUID does not match: expected ${base['table-uuid']} != ${r.uuid}`);
        break;
      case 'assert-ref-snapshot-id': {
        const ref = base.refs[r.ref];
        if (r['snapshot-id'] === null) {
          if (ref) throw commitFailed(`Requirement failed: ${ref.type} ${r.ref} was created concurrently`);
        } else if (!ref) {
          throw commitFailed(`Requirement failed: branch or tag ${r.ref} is missing, expected ${r['snapshot-id']}`);
        } else if (!sameLong(ref['snapshot-id'], r['snapshot-id'])) {
          throw commitFailed(
            `Requirement failed: ${ref.type} ${r.ref} has changed: expected id ${r['snapshot-id']} != ${ref['snapshot-id']}`,
          );
        }
        break;
      }
      case 'assert-last-assigned-field-id':
        if (base['last-column-id'] !== r['last-assigned-field-id'])
          throw commitFailed(
            `Requirement failed: last assigned field id changed: expected id ${r['last-assigned-field-id']} != ${base['last-column-id']}`,
          );
        break;
      case 'assert-current-schema-id':
        if (base['current-schema-id'] !== r['current-schema-id'])
          throw commitFailed(
            `Requirement failed: current schema changed: expected id ${r['current-schema-id']} != ${base['current-schema-id']}`,
          );
        break;
      case 'assert-last-assigned-partition-id':
        if (base['last-partition-id'] !== r['last-assigned-partition-id'])
          throw commitFailed(
            `Requirement failed: last assigned partition id changed: expected id ${r['last-assigned-partition-id']} != ${base['last-partition-id']}`,
          );
        break;
      case 'assert-default-spec-id':
        if (base['default-spec-id'] !== r['default-spec-id'])
          throw commitFailed(
            `Requirement failed: default partition spec changed: expected id ${r['default-spec-id']} != ${base['default-spec-id']}`,
          );
        break;
      case 'assert-default-sort-order-id':
        if (base['default-sort-order-id'] !== r['default-sort-order-id'])
          throw commitFailed(
            `Requirement failed: default sort order changed: expected id ${r['default-sort-order-id']} != ${base['default-sort-order-id']}`,
          );
        break;
    }
  }
}

const maxId = (ids: number[], floor: number) => ids.reduce((m, id) => Math.max(m, id), floor);

/**
 * Applies the updates to (a copy of) the base metadata, the way Iceberg's TableMetadata.Builder does:
 * ids are reused for identical schemas, specs and orders; -1 means "the one added in this commit";
 * the previous metadata file goes into metadata-log. `base` null starts a staged create.
 */
export function applyUpdates(
  base: TableMetadata | null,
  baseLocation: string | null,
  updates: TableUpdate[],
  opts: { now: number; defaultLocation?: string },
): TableMetadata {
  const m: TableMetadata = base ? structuredClone(base) : emptyTableMetadata(opts.now);
  let lastAddedSchemaId: number | undefined;
  let lastAddedSpecId: number | undefined;
  let lastAddedOrderId: number | undefined;
  const addedSnapshots = new Set<string>();
  let lastUpdatedMs = opts.now;

  const currentSchema = (): Schema => {
    const s = m.schemas.find((x) => x['schema-id'] === m['current-schema-id']);
    if (!s) throw badRequest('The table has no current schema yet: add a schema and set it current first');
    return s;
  };
  const snapshotById = (id: Long) => m.snapshots.find((s) => sameLong(s['snapshot-id'], id));

  for (const u of updates) {
    switch (u.action) {
      case 'assign-uuid':
        if (m['table-uuid'] && m['table-uuid'].toLowerCase() !== u.uuid.toLowerCase())
          throw badRequest(`Cannot reassign uuid: the table's uuid is ${m['table-uuid']}`);
        m['table-uuid'] = u.uuid;
        break;
      case 'upgrade-format-version':
        setFormatVersion(m, u['format-version'], !base);
        break;
      case 'add-schema': {
        const ids = validateSchema(u.schema);
        checkSchemaForFormat(u.schema, m['format-version']);
        const highest = maxId(ids, 0);
        if (u['last-column-id'] !== undefined && u['last-column-id'] < m['last-column-id']) {
          throw badRequest(
            `Invalid last column id ${u['last-column-id']}: lower than the table's ${m['last-column-id']}`,
          );
        }
        const candidate: Schema = {
          type: 'struct',
          'schema-id': 0,
          ...(u.schema['identifier-field-ids']?.length
            ? { 'identifier-field-ids': u.schema['identifier-field-ids'] }
            : {}),
          fields: u.schema.fields,
        };
        const existing = m.schemas.find((s) =>
          sameShape(
            { ...s, 'identifier-field-ids': s['identifier-field-ids'] ?? [] },
            { ...candidate, 'identifier-field-ids': candidate['identifier-field-ids'] ?? [] },
            'schema-id',
          ),
        );
        if (existing) {
          lastAddedSchemaId = existing['schema-id'];
        } else {
          const id =
            maxId(
              m.schemas.map((s) => s['schema-id']),
              -1,
            ) + 1;
          m.schemas.push({ ...candidate, 'schema-id': id });
          lastAddedSchemaId = id;
        }
        m['last-column-id'] = Math.max(m['last-column-id'], highest, u['last-column-id'] ?? 0);
        break;
      }
      case 'set-current-schema': {
        const id = u['schema-id'] === -1 ? lastAddedSchemaId : u['schema-id'];
        if (id === undefined) throw badRequest('Cannot set the last added schema: no schema was added');
        if (!m.schemas.some((s) => s['schema-id'] === id))
          throw badRequest(`Cannot set current schema to unknown schema: ${id}`);
        m['current-schema-id'] = id;
        break;
      }
      case 'add-spec': {
        const bound = bindSpec(u.spec, currentSchema(), { specId: 0, lastPartitionId: m['last-partition-id'] });
        const existing = m['partition-specs'].find((s) => sameShape(s, bound, 'spec-id'));
        if (existing) {
          lastAddedSpecId = existing['spec-id'];
        } else {
          const id =
            maxId(
              m['partition-specs'].map((s) => s['spec-id']),
              -1,
            ) + 1;
          m['partition-specs'].push({ ...bound, 'spec-id': id });
          lastAddedSpecId = id;
        }
        m['last-partition-id'] = Math.max(
          m['last-partition-id'],
          maxId(
            bound.fields.map((f) => f['field-id']),
            PARTITION_DATA_ID_START - 1,
          ),
        );
        break;
      }
      case 'set-default-spec': {
        const id = u['spec-id'] === -1 ? lastAddedSpecId : u['spec-id'];
        if (id === undefined) throw badRequest('Cannot set the last added partition spec: no spec was added');
        if (!m['partition-specs'].some((s) => s['spec-id'] === id))
          throw badRequest(`Cannot set default partition spec to unknown spec: ${id}`);
        m['default-spec-id'] = id;
        break;
      }
      case 'add-sort-order': {
        const bound = bindSortOrder(u['sort-order'], currentSchema(), { orderId: 1 });
        const existing = m['sort-orders'].find((o) => sameShape(o, bound, 'order-id'));
        if (existing) {
          lastAddedOrderId = existing['order-id'];
        } else {
          const id = bound.fields.length
            ? maxId(
                m['sort-orders'].map((o) => o['order-id']),
                0,
              ) + 1
            : 0;
          m['sort-orders'].push({ ...bound, 'order-id': id });
          lastAddedOrderId = id;
        }
        break;
      }
      case 'set-default-sort-order': {
        const id = u['sort-order-id'] === -1 ? lastAddedOrderId : u['sort-order-id'];
        if (id === undefined) throw badRequest('Cannot set the last added sort order: no sort order was added');
        if (!m['sort-orders'].some((o) => o['order-id'] === id))
          throw badRequest(`Cannot set default sort order to unknown order: ${id}`);
        m['default-sort-order-id'] = id;
        break;
      }
      case 'add-snapshot': {
        const s = u.snapshot as unknown as Snapshot;
        if (snapshotById(s['snapshot-id'])) throw badRequest(`Snapshot already exists: ${s['snapshot-id']}`);
        const seq = s['sequence-number'];
        // The writer puts the snapshot's sequence number in the manifest list it already wrote (data files
        // inherit it), so the catalog cannot pick one: a v2 snapshot without it is refused, as Java's parser
        // would read it as 0 and break ordering.
        if (m['format-version'] >= 2 && seq === undefined)
          throw badRequest(
            `Snapshot ${s['snapshot-id']} has no sequence-number: format version ${m['format-version']} snapshots must carry one (last sequence number ${m['last-sequence-number']})`,
          );
        if (
          m['format-version'] >= 2 &&
          seq !== undefined &&
          hasSnapshot(s['parent-snapshot-id']) &&
          seq <= m['last-sequence-number']
        ) {
          throw badRequest(
            `Cannot add snapshot with sequence number ${seq} older than last sequence number ${m['last-sequence-number']}`,
          );
        }
        if (s['schema-id'] !== undefined && !m.schemas.some((x) => x['schema-id'] === s['schema-id']))
          throw badRequest(`Snapshot refers to unknown schema ${s['schema-id']}`);
        m.snapshots.push(s);
        addedSnapshots.add(String(s['snapshot-id']));
        if (seq !== undefined) m['last-sequence-number'] = Math.max(m['last-sequence-number'], seq);
        break;
      }
      case 'set-snapshot-ref': {
        const snap = snapshotById(u['snapshot-id']);
        if (!snap) throw badRequest(`Cannot set ${u['ref-name']} to unknown snapshot: ${u['snapshot-id']}`);
        if (u['ref-name'] === 'main' && u.type !== 'branch') throw badRequest('The main ref must be a branch');
        const { action: _a, 'ref-name': name, ...ref } = u;
        const previous = m.refs[name];
        m.refs[name] = ref;
        if (addedSnapshots.has(String(snap['snapshot-id']))) lastUpdatedMs = snap['timestamp-ms'];
        if (name === 'main' && !(previous && sameLong(previous['snapshot-id'], snap['snapshot-id']))) {
          m['current-snapshot-id'] = snap['snapshot-id'];
          m['snapshot-log'].push({ 'snapshot-id': snap['snapshot-id'], 'timestamp-ms': lastUpdatedMs });
        }
        break;
      }
      case 'remove-snapshots': {
        const gone = new Set(u['snapshot-ids'].map(String));
        m.snapshots = m.snapshots.filter((s) => !gone.has(String(s['snapshot-id'])));
        for (const [name, ref] of Object.entries(m.refs)) {
          if (gone.has(String(ref['snapshot-id']))) {
            delete m.refs[name];
            if (name === 'main') m['current-snapshot-id'] = NO_SNAPSHOT;
          }
        }
        m.statistics = m.statistics.filter((s) => !gone.has(String(s['snapshot-id'])));
        m['partition-statistics'] = m['partition-statistics'].filter((s) => !gone.has(String(s['snapshot-id'])));
        // Iceberg keeps only the history after the last entry whose snapshot is gone.
        const log: TableMetadata['snapshot-log'] = [];
        for (const entry of m['snapshot-log']) {
          if (gone.has(String(entry['snapshot-id'])) || !snapshotById(entry['snapshot-id'])) log.length = 0;
          else log.push(entry);
        }
        m['snapshot-log'] = log;
        break;
      }
      case 'remove-snapshot-ref':
        delete m.refs[u['ref-name']];
        if (u['ref-name'] === 'main') m['current-snapshot-id'] = NO_SNAPSHOT;
        break;
      case 'set-location':
        m.location = stripSlash(u.location);
        break;
      case 'set-properties': {
        // `format-version` is reserved: setting it upgrades the table (as Java's replaceProperties does), never a property.
        const asked = u.updates['format-version'];
        if (asked !== undefined) setFormatVersion(m, asked, !base);
        Object.assign(m.properties, withoutFormatVersion(u.updates));
        break;
      }
      case 'remove-properties':
        for (const k of u.removals) delete m.properties[k];
        break;
      case 'set-statistics': {
        const stats = u.statistics as TableMetadata['statistics'][number];
        m.statistics = [...m.statistics.filter((s) => !sameLong(s['snapshot-id'], stats['snapshot-id'])), stats];
        break;
      }
      case 'remove-statistics':
        m.statistics = m.statistics.filter((s) => !sameLong(s['snapshot-id'], u['snapshot-id']));
        break;
      case 'set-partition-statistics': {
        const stats = u['partition-statistics'] as TableMetadata['partition-statistics'][number];
        m['partition-statistics'] = [
          ...m['partition-statistics'].filter((s) => !sameLong(s['snapshot-id'], stats['snapshot-id'])),
          stats,
        ];
        break;
      }
      case 'remove-partition-statistics':
        m['partition-statistics'] = m['partition-statistics'].filter(
          (s) => !sameLong(s['snapshot-id'], u['snapshot-id']),
        );
        break;
      case 'remove-partition-specs':
        if (u['spec-ids'].includes(m['default-spec-id']))
          throw badRequest(`Cannot remove the default partition spec ${m['default-spec-id']}`);
        m['partition-specs'] = m['partition-specs'].filter((s) => !u['spec-ids'].includes(s['spec-id']));
        break;
      case 'remove-schemas':
        if (u['schema-ids'].includes(m['current-schema-id']))
          throw badRequest(`Cannot remove the current schema ${m['current-schema-id']}`);
        m.schemas = m.schemas.filter((s) => !u['schema-ids'].includes(s['schema-id']));
        break;
    }
  }

  if (!base) completeStagedCreate(m, opts.defaultLocation);
  // Tables made before `format-version` was honoured may still carry it as a property: it goes at their next commit.
  delete m.properties['format-version'];
  validateMetadata(m);
  if (m['format-version'] === 1) {
    // Format 1 readers still read the single current schema and spec fields.
    m.schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id']);
    m['partition-spec'] = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])?.fields ?? [];
  }
  m['last-updated-ms'] = lastUpdatedMs;
  if (base && baseLocation) {
    const max = Number(m.properties['write.metadata.previous-versions-max'] ?? 100);
    const log = [...m['metadata-log'], { 'metadata-file': baseLocation, 'timestamp-ms': base['last-updated-ms'] }];
    m['metadata-log'] = log.slice(Math.max(0, log.length - (Number.isFinite(max) && max >= 0 ? max : 100)));
  }
  return m;
}

/**
 * upgrade-format-version (or the reserved property): 1 or 2, never a downgrade, except while a staged create is
 * still building its first metadata (Java's create transaction sends the table's version, 1 included).
 */
function setFormatVersion(m: TableMetadata, asked: number | string, creating: boolean) {
  const version = checkFormatVersion(asked);
  if (!creating && version < m['format-version'])
    throw badRequest(`Cannot downgrade format version from ${m['format-version']} to ${version}`);
  if (version > m['format-version'] || creating) {
    for (const s of m.schemas) checkSchemaForFormat(s, version);
  }
  m['format-version'] = version;
  if (version >= 2) {
    delete m.schema;
    delete m['partition-spec'];
  }
}

/** A create transaction may leave out what Iceberg defaults (uuid, location, unpartitioned, unsorted). */
function completeStagedCreate(m: TableMetadata, defaultLocation: string | undefined) {
  if (!m['table-uuid']) m['table-uuid'] = randomUUID();
  if (!m.location) {
    if (!defaultLocation) throw badRequest('The new table has no location');
    m.location = stripSlash(defaultLocation);
  }
  if (!m.schemas.length || m['current-schema-id'] < 0)
    throw badRequest('The new table has no schema: add-schema and set-current-schema are required');
  if (!m['partition-specs'].length) m['partition-specs'].push({ 'spec-id': 0, fields: [] });
  if (m['default-spec-id'] < 0) m['default-spec-id'] = m['partition-specs'][0]['spec-id'];
  if (!m['sort-orders'].length) m['sort-orders'].push({ 'order-id': 0, fields: [] });
  if (m['default-sort-order-id'] < 0) m['default-sort-order-id'] = m['sort-orders'][0]['order-id'];
}

/** What must hold after any commit (the ids that metadata points at exist). */
function validateMetadata(m: TableMetadata) {
  if (!m.schemas.some((s) => s['schema-id'] === m['current-schema-id']))
    throw badRequest(`Current schema ${m['current-schema-id']} does not exist`);
  if (!m['partition-specs'].some((s) => s['spec-id'] === m['default-spec-id']))
    throw badRequest(`Default partition spec ${m['default-spec-id']} does not exist`);
  if (!m['sort-orders'].some((o) => o['order-id'] === m['default-sort-order-id']))
    throw badRequest(`Default sort order ${m['default-sort-order-id']} does not exist`);
  for (const [name, ref] of Object.entries(m.refs)) {
    if (!m.snapshots.some((s) => sameLong(s['snapshot-id'], ref['snapshot-id'])))
      throw badRequest(`Ref ${name} points at unknown snapshot ${ref['snapshot-id']}`);
  }
}

/** Short text for the console's commit message: which updates a commit carried. */
export function describeUpdates(updates: { action: string }[]): string {
  const counts = new Map<string, number>();
  for (const u of updates) counts.set(u.action, (counts.get(u.action) ?? 0) + 1);
  return [...counts].map(([a, n]) => (n > 1 ? `${a}×${n}` : a)).join(', ');
}
