import { describe, expect, it } from 'vitest';
import { IcebergError } from '@/lib/iceberg/errors';
import { localPath, LocalFileIO, metadataVersion } from '@/lib/storage/fileio';
import { parseJson, stringifyJson } from '@/lib/iceberg/json';
import { assignFreshIds, newTableMetadata, parseTableMetadata } from '@/lib/iceberg/metadata';
import type { TableMetadata, TableUpdate } from '@/lib/iceberg/spec';
import { applyUpdates, checkRequirements } from '@/lib/iceberg/updates';

const schema = {
  type: 'struct' as const,
  fields: [
    { id: 10, name: 'id', type: 'long', required: true },
    {
      id: 20,
      name: 'point',
      type: {
        type: 'struct' as const,
        fields: [
          { id: 21, name: 'x', type: 'double', required: true },
          { id: 22, name: 'y', type: 'double', required: true },
        ],
      },
      required: false,
    },
    {
      id: 30,
      name: 'attrs',
      type: {
        type: 'map' as const,
        'key-id': 31,
        key: 'string',
        'value-id': 32,
        value: 'string',
        'value-required': false,
      },
      required: false,
    },
    { id: 40, name: 'ts', type: 'timestamptz', required: true },
  ],
  'identifier-field-ids': [10],
};

const table = () =>
  newTableMetadata(
    {
      name: 't',
      schema,
      'partition-spec': { fields: [{ 'source-id': 40, name: 'ts_day', transform: 'day' }] },
      'write-order': {
        fields: [{ 'source-id': 10, transform: 'identity', direction: 'desc', 'null-order': 'nulls-last' }],
      },
    },
    { location: 'file:///w/t/', uuid: '11111111-1111-4111-8111-111111111111', now: 1000 },
  );

const apply = (m: TableMetadata, updates: TableUpdate[], location = 'file:///w/t/metadata/00000-a.metadata.json') =>
  applyUpdates(m, location, updates, { now: 2000 });

const rejection = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof IcebergError) return { status: e.status, type: e.type, message: e.message };
    throw e;
  }
  throw new Error('expected a rejection');
};

describe('Iceberg JSON with 64-bit ids', () => {
  it('keeps integers beyond 2^53 exact, and leaves strings and small numbers alone', () => {
    const text =
      '{"snapshot-id":8744736658442914487,"neg":-9223372036854775808,"small":42,"f":1.5e300,"s":"12345678901234567890","nested":[{"id":9007199254740993}]}';
    const value = parseJson(text) as Record<string, unknown>;
    expect(value['snapshot-id']).toBe(8744736658442914487n);
    expect(value.neg).toBe(-9223372036854775808n);
    expect(value.small).toBe(42);
    expect(value.s).toBe('12345678901234567890');
    expect(stringifyJson(value)).toBe(text.replace('1.5e300', '1.5e+300'));
  });
});

describe('table metadata (format version 2)', () => {
  it('assigns fresh ids as Iceberg does: a struct’s fields first, then nested types; partition and sort fields follow', () => {
    const { schema: fresh, idMap, lastColumnId } = assignFreshIds(schema);
    expect(fresh.fields.map((f) => f.id)).toEqual([1, 2, 3, 4]);
    expect((fresh.fields[1].type as { fields: { id: number }[] }).fields.map((f) => f.id)).toEqual([5, 6]);
    expect(fresh.fields[2].type).toMatchObject({ 'key-id': 7, 'value-id': 8 });
    expect(lastColumnId).toBe(8);
    expect(fresh['identifier-field-ids']).toEqual([1]);
    expect(idMap.get(40)).toBe(4);
    const m = table();
    expect(m).toMatchObject({
      'format-version': 2,
      location: 'file:///w/t',
      'last-column-id': 8,
      'last-partition-id': 1000,
      'default-spec-id': 0,
      'partition-specs': [
        { 'spec-id': 0, fields: [{ 'source-id': 4, 'field-id': 1000, name: 'ts_day', transform: 'day' }] },
      ],
      'sort-orders': [
        {
          'order-id': 1,
          fields: [{ 'source-id': 1, transform: 'identity', direction: 'desc', 'null-order': 'nulls-last' }],
        },
      ],
      'default-sort-order-id': 1,
      'current-snapshot-id': -1,
      'metadata-log': [],
      refs: {},
    });
  });

  it('refuses schemas and specs that cannot be right', () => {
    expect(
      rejection(() =>
        assignFreshIds({
          type: 'struct',
          fields: [
            { id: 1, name: 'a', type: 'long', required: true },
            { id: 2, name: 'a', type: 'int', required: true },
          ],
        }),
      ).message,
    ).toBe('Invalid schema: duplicate field name "a"');
    expect(
      rejection(() =>
        newTableMetadata(
          { name: 't', schema, 'partition-spec': { fields: [{ 'source-id': 99, name: 'p', transform: 'identity' }] } },
          { location: '/w', uuid: 'u', now: 0 },
        ),
      ).message,
    ).toBe('Invalid partition spec: source id 99 is not a field of the schema');
    expect(
      rejection(() =>
        newTableMetadata(
          { name: 't', schema, 'partition-spec': { fields: [{ 'source-id': 10, name: 'p', transform: 'rot13' }] } },
          { location: '/w', uuid: 'u', now: 0 },
        ),
      ).message,
    ).toBe('Invalid transform "rot13"');
  });

  it('reuses identical schemas and specs, resolves -1 to the last added, and logs the previous metadata file', () => {
    const m = table();
    const sameAgain = apply(m, [
      { action: 'add-schema', schema: m.schemas[0] },
      { action: 'set-current-schema', 'schema-id': -1 },
    ]);
    expect(sameAgain.schemas).toHaveLength(1);
    const grown = apply(m, [
      {
        action: 'add-schema',
        schema: {
          type: 'struct',
          fields: [...m.schemas[0].fields, { id: 9, name: 'note', type: 'string', required: false }],
        },
      },
      { action: 'set-current-schema', 'schema-id': -1 },
      { action: 'add-spec', spec: { fields: [{ 'source-id': 4, name: 'ts_hour', transform: 'hour' }] } },
      { action: 'set-default-spec', 'spec-id': -1 },
      { action: 'add-sort-order', 'sort-order': { fields: [] } },
      { action: 'set-default-sort-order', 'sort-order-id': -1 },
    ]);
    expect(grown).toMatchObject({
      'current-schema-id': 1,
      'last-column-id': 9,
      'default-spec-id': 1,
      'last-partition-id': 1001,
      'default-sort-order-id': 0,
      'last-updated-ms': 2000,
    });
    expect(grown['partition-specs'][1].fields).toEqual([
      { name: 'ts_hour', transform: 'hour', 'source-id': 4, 'field-id': 1001 },
    ]);
    expect(grown['metadata-log']).toEqual([
      { 'metadata-file': 'file:///w/t/metadata/00000-a.metadata.json', 'timestamp-ms': 1000 },
    ]);
    expect(m.schemas).toHaveLength(1);
    expect(rejection(() => apply(m, [{ action: 'set-current-schema', 'schema-id': -1 }])).message).toBe(
      'Cannot set the last added schema: no schema was added',
    );
    expect(
      rejection(() => apply(m, [{ action: 'assign-uuid', uuid: '22222222-2222-4222-8222-222222222222' }])).status,
    ).toBe(400);
  });

  it('tracks snapshots, refs and their logs; removing a snapshot drops its refs and the history before it', () => {
    let m = table();
    const snap = (id: bigint, seq: number, parent?: bigint) => ({
      action: 'add-snapshot' as const,
      snapshot: {
        'snapshot-id': id,
        ...(parent ? { 'parent-snapshot-id': parent } : {}),
        'sequence-number': seq,
        'timestamp-ms': 1500 + seq,
        'manifest-list': `file:///w/t/metadata/snap-${id}.avro`,
        summary: { operation: 'append' as const },
      },
    });
    const main = (id: bigint) => ({
      action: 'set-snapshot-ref' as const,
      'ref-name': 'main',
      type: 'branch' as const,
      'snapshot-id': id,
    });
    m = apply(m, [snap(9000000000000000001n, 1), main(9000000000000000001n)]);
    m = apply(m, [
      snap(9000000000000000002n, 2, 9000000000000000001n),
      main(9000000000000000002n),
      { action: 'set-snapshot-ref', 'ref-name': 'audit', type: 'tag', 'snapshot-id': 9000000000000000001n },
    ]);
    expect(m['current-snapshot-id']).toBe(9000000000000000002n);
    expect(m['last-sequence-number']).toBe(2);
    expect(m['snapshot-log'].map((e) => e['snapshot-id'])).toEqual([9000000000000000001n, 9000000000000000002n]);
    expect(rejection(() => apply(m, [snap(9000000000000000003n, 2, 9000000000000000002n)])).message).toBe(
      'Cannot add snapshot with sequence number 2 older than last sequence number 2',
    );
    expect(rejection(() => apply(m, [main(123n)])).message).toBe('Cannot set main to unknown snapshot: 123');

    const pruned = apply(m, [{ action: 'remove-snapshots', 'snapshot-ids': [9000000000000000001n] }]);
    expect(Object.keys(pruned.refs)).toEqual(['main']);
    expect(pruned['snapshot-log'].map((e) => e['snapshot-id'])).toEqual([9000000000000000002n]);
    const detached = apply(m, [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }]);
    expect(detached['current-snapshot-id']).toBe(-1);
  });

  it('checks every requirement type against the current metadata', () => {
    const m = apply(table(), [
      {
        action: 'add-snapshot',
        snapshot: {
          'snapshot-id': 5,
          'sequence-number': 1,
          'timestamp-ms': 1,
          'manifest-list': 'file:///w/x.avro',
          summary: { operation: 'append' },
        },
      },
      { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 5 },
    ]);
    const ok = [
      { type: 'assert-table-uuid' as const, uuid: '11111111-1111-4111-8111-111111111111' },
      { type: 'assert-ref-snapshot-id' as const, ref: 'main', 'snapshot-id': 5 },
      { type: 'assert-ref-snapshot-id' as const, ref: 'dev', 'snapshot-id': null },
      { type: 'assert-last-assigned-field-id' as const, 'last-assigned-field-id': 8 },
      { type: 'assert-current-schema-id' as const, 'current-schema-id': 0 },
      { type: 'assert-last-assigned-partition-id' as const, 'last-assigned-partition-id': 1000 },
      { type: 'assert-default-spec-id' as const, 'default-spec-id': 0 },
      { type: 'assert-default-sort-order-id' as const, 'default-sort-order-id': 1 },
    ];
    expect(() => checkRequirements(m, ok)).not.toThrow();
    const failures = [
      { type: 'assert-create' as const },
      { type: 'assert-table-uuid' as const, uuid: '22222222-2222-4222-8222-222222222222' },
      { type: 'assert-ref-snapshot-id' as const, ref: 'main', 'snapshot-id': 6 },
      { type: 'assert-ref-snapshot-id' as const, ref: 'main', 'snapshot-id': null },
      { type: 'assert-last-assigned-field-id' as const, 'last-assigned-field-id': 7 },
      { type: 'assert-current-schema-id' as const, 'current-schema-id': 1 },
      { type: 'assert-last-assigned-partition-id' as const, 'last-assigned-partition-id': 999 },
      { type: 'assert-default-spec-id' as const, 'default-spec-id': 1 },
      { type: 'assert-default-sort-order-id' as const, 'default-sort-order-id': 0 },
    ];
    for (const r of failures)
      expect(
        rejection(() => checkRequirements(m, [r])),
        r.type,
      ).toMatchObject({ status: 409, type: 'CommitFailedException' });
    expect(() => checkRequirements(null, [{ type: 'assert-create' }])).not.toThrow();
  });

  it('reads format 1 metadata for registration, deriving schemas, specs and the main ref', () => {
    const v1 = parseTableMetadata(
      {
        'format-version': 1,
        location: 'file:///w/old',
        'last-updated-ms': 1,
        'last-column-id': 1,
        schema: { type: 'struct', fields: [{ id: 1, name: 'a', type: 'int', required: false }] },
        'partition-spec': [],
        properties: {},
        'current-snapshot-id': 77,
        snapshots: [{ 'snapshot-id': 77, 'timestamp-ms': 1, 'manifest-list': 'x', summary: { operation: 'append' } }],
      },
      'v1.json',
    );
    expect(v1).toMatchObject({
      'current-schema-id': 0,
      'default-spec-id': 0,
      refs: { main: { type: 'branch', 'snapshot-id': 77 } },
    });
    const added = applyUpdates(
      v1,
      'file:///w/old/metadata/v1.metadata.json',
      [
        {
          action: 'add-schema',
          schema: {
            type: 'struct',
            fields: [
              { id: 1, name: 'a', type: 'int', required: false },
              { id: 2, name: 'b', type: 'string', required: false },
            ],
          },
        },
        { action: 'set-current-schema', 'schema-id': -1 },
      ],
      { now: 5 },
    );
    expect(added['format-version']).toBe(1);
    expect((added.schema as { fields: unknown[] }).fields).toHaveLength(2);
    const upgraded = applyUpdates(
      added,
      'file:///w/old/metadata/v2.metadata.json',
      [{ action: 'upgrade-format-version', 'format-version': 2 }],
      { now: 6 },
    );
    expect(upgraded).toMatchObject({ 'format-version': 2, 'current-schema-id': 1 });
    expect(upgraded.schema).toBeUndefined();
    expect(rejection(() => parseTableMetadata({ 'format-version': 9 }, 'x.json')).message).toBe(
      'x.json is not valid Iceberg table metadata: format-version 9 is not supported (1 or 2)',
    );
  });
});

describe('local FileIO', () => {
  it('stays inside its roots, whatever the spelling of the path', () => {
    const io = new LocalFileIO(['file:///data/wh']);
    expect(() => io.check('file:///data/wh/cat/t/metadata/00000-x.metadata.json')).not.toThrow();
    expect(() => io.check('file:/data/wh/t')).not.toThrow();
    for (const outside of ['file:///data/wh/../etc/passwd', '/data/wh2/x', 'file:///data/w%68/../../etc', '/data/wh']) {
      expect(
        rejection(() => io.check(outside)),
        outside,
      ).toMatchObject({ status: 403, type: 'ForbiddenException' });
    }
    expect(localPath('s3://bucket/x')).toBeNull();
    expect(metadataVersion('file:///w/t/metadata/00012-abc.metadata.json')).toBe(12);
    expect(metadataVersion('s3://b/t/metadata/v3.metadata.json')).toBe(3);
  });
});
