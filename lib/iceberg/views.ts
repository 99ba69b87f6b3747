import { badRequest, commitFailed } from './errors';
import { sameShape, stripSlash, validateSchema } from './metadata';
import type { CreateViewRequest, Schema, ViewMetadata, ViewUpdate, ViewVersion } from './spec';

export const VIEW_FORMAT_VERSION = 1;

const toSchema = (input: CreateViewRequest['schema'], id: number): Schema => ({
  type: 'struct',
  'schema-id': id,
  ...(input['identifier-field-ids']?.length ? { 'identifier-field-ids': input['identifier-field-ids'] } : {}),
  fields: input.fields,
});

/** The first metadata of a new view (view format version 1): schema 0, version 1. */
export function newViewMetadata(req: CreateViewRequest, opts: { location: string; uuid: string }): ViewMetadata {
  validateSchema(req.schema);
  const version: ViewVersion = { ...req['view-version'], 'version-id': 1, 'schema-id': 0 };
  return {
    'view-uuid': opts.uuid,
    'format-version': VIEW_FORMAT_VERSION,
    location: stripSlash(opts.location),
    'current-version-id': 1,
    versions: [version],
    'version-log': [{ 'version-id': 1, 'timestamp-ms': version['timestamp-ms'] }],
    schemas: [toSchema(req.schema, 0)],
    properties: { ...req.properties },
  };
}

export function checkViewRequirements(base: ViewMetadata, requirements: { type: 'assert-view-uuid'; uuid: string }[]) {
  for (const r of requirements) {
    if (r.uuid.toLowerCase() !== base['view-uuid'].toLowerCase())
      throw commitFailed(`Requirement failed: view UUID does not match: expected ${base['view-uuid']} != ${r.uuid}`);
  }
}

const maxOf = (xs: number[], floor: number) => xs.reduce((m, x) => Math.max(m, x), floor);

/** Applies view updates (replace view): schemas and versions are reused when identical, -1 means the last added. */
export function applyViewUpdates(base: ViewMetadata, updates: ViewUpdate[], now: number): ViewMetadata {
  const m: ViewMetadata = structuredClone(base);
  let lastSchemaId: number | undefined;
  let lastVersionId: number | undefined;
  for (const u of updates) {
    switch (u.action) {
      case 'assign-uuid':
        if (u.uuid.toLowerCase() !== m['view-uuid'].toLowerCase())
          throw badRequest(`Cannot reassign the view uuid ${m['view-uuid']}`);
        break;
      case 'upgrade-format-version':
        if (u['format-version'] !== VIEW_FORMAT_VERSION)
          throw badRequest(`Unsupported view format version ${u['format-version']}`);
        break;
      case 'add-schema': {
        validateSchema(u.schema);
        const candidate = toSchema(u.schema, 0);
        const existing = m.schemas.find((s) => sameShape(s, candidate, 'schema-id'));
        lastSchemaId = existing
          ? existing['schema-id']
          : maxOf(
              m.schemas.map((s) => s['schema-id']),
              -1,
            ) + 1;
        if (!existing) m.schemas.push({ ...candidate, 'schema-id': lastSchemaId });
        break;
      }
      case 'set-location':
        m.location = stripSlash(u.location);
        break;
      case 'set-properties':
        Object.assign(m.properties, u.updates);
        break;
      case 'remove-properties':
        for (const k of u.removals) delete m.properties[k];
        break;
      case 'add-view-version': {
        const v = u['view-version'];
        const schemaId = v['schema-id'] === -1 ? lastSchemaId : v['schema-id'];
        if (schemaId === undefined || !m.schemas.some((s) => s['schema-id'] === schemaId))
          throw badRequest(`View version refers to unknown schema ${v['schema-id']}`);
        const candidate: ViewVersion = { ...v, 'schema-id': schemaId };
        const existing = m.versions.find((x) =>
          sameShape({ ...x, 'timestamp-ms': 0 }, { ...candidate, 'timestamp-ms': 0 }, 'version-id'),
        );
        lastVersionId = existing
          ? existing['version-id']
          : maxOf(
              m.versions.map((x) => x['version-id']),
              0,
            ) + 1;
        if (!existing) m.versions.push({ ...candidate, 'version-id': lastVersionId });
        break;
      }
      case 'set-current-view-version': {
        const id = u['view-version-id'] === -1 ? lastVersionId : u['view-version-id'];
        if (id === undefined || !m.versions.some((x) => x['version-id'] === id))
          throw badRequest(`Cannot set current view version to unknown version ${u['view-version-id']}`);
        if (id !== m['current-version-id']) {
          m['current-version-id'] = id;
          m['version-log'].push({ 'version-id': id, 'timestamp-ms': now });
        }
        break;
      }
    }
  }
  return m;
}

/** Minimal shape check for a view metadata file read back from storage. */
export function parseViewMetadata(raw: unknown, where: string): ViewMetadata {
  const m = raw as Partial<ViewMetadata> | null;
  if (
    !m ||
    typeof m !== 'object' ||
    typeof m['view-uuid'] !== 'string' ||
    !Array.isArray(m.versions) ||
    !Array.isArray(m.schemas)
  ) {
    throw badRequest(`${where} is not valid Iceberg view metadata`);
  }
  return m as ViewMetadata;
}
