/*
 * Ready-to-copy connection code for the engines people use with an Iceberg REST catalog: PyIceberg, Spark, Trino
 * and DuckDB. The server root is the catalog URI (clients add /v1), the catalog's name is the warehouse (the config
 * call turns it into the prefix), a token comes from Profile → Sessions & tokens (or POST /api/v1/users/login). A
 * table on another branch than main is addressed as `name@branch`.
 */

export type Snippet = { engine: string; language: string; code: string };

const TOKEN = '<your API token: Sessions & tokens → Create an API token>';

const quoteSql = (s: string) => `"${s.replace(/"/g, '""')}"`;

export function connectSnippets(opts: {
  serverUrl: string;
  catalog: string;
  table?: { namespace: string[]; name: string; branch: string };
  /** The catalog's warehouse vends storage credentials: engines ask for them (PyIceberg and DuckDB do by default). */
  vendedCredentials?: boolean;
}): Snippet[] {
  const { serverUrl, catalog, table, vendedCredentials } = opts;
  const name = table ? (table.branch === 'main' ? table.name : `${table.name}@${table.branch}`) : null;
  const ident = table ? [...table.namespace, name!] : null;
  const py = table
    ? `\ntable = catalog.load_table((${[...table.namespace, name!].map((p) => JSON.stringify(p)).join(', ')},))\nprint(table.scan(limit=10).to_arrow())`
    : `\nprint(catalog.list_namespaces())`;
  const sparkTable = ident
    ? `\nspark.sql("SELECT * FROM ${[catalog, ...ident].map((p) => `\`${p}\``).join('.')} LIMIT 10").show()`
    : `\nspark.sql("SHOW NAMESPACES IN \`${catalog}\`").show()`;
  const sqlIdent = ident ? [catalog, ...ident].map(quoteSql).join('.') : null;
  return [
    {
      engine: 'PyIceberg',
      language: 'python',
      code: `from pyiceberg.catalog import load_catalog

catalog = load_catalog(
    ${JSON.stringify(catalog)},
    type="rest",
    uri=${JSON.stringify(serverUrl)},
    warehouse=${JSON.stringify(catalog)},
    token="${TOKEN}",
)${py}`,
    },
    {
      engine: 'Spark',
      language: 'python',
      code: `from pyspark.sql import SparkSession

spark = (
    SparkSession.builder
    .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
    .config("spark.sql.catalog.${catalog}", "org.apache.iceberg.spark.SparkCatalog")
    .config("spark.sql.catalog.${catalog}.type", "rest")
    .config("spark.sql.catalog.${catalog}.uri", ${JSON.stringify(serverUrl)})
    .config("spark.sql.catalog.${catalog}.warehouse", ${JSON.stringify(catalog)})
    .config("spark.sql.catalog.${catalog}.token", "${TOKEN}")${vendedCredentials ? `\n    .config("spark.sql.catalog.${catalog}.header.X-Iceberg-Access-Delegation", "vended-credentials")` : ''}
    .getOrCreate()
)${sparkTable}`,
    },
    {
      engine: 'Trino',
      language: 'properties',
      code: `# etc/catalog/${catalog}.properties
connector.name=iceberg
iceberg.catalog.type=rest
iceberg.rest-catalog.uri=${serverUrl}
iceberg.rest-catalog.warehouse=${catalog}
iceberg.rest-catalog.security=OAUTH2
iceberg.rest-catalog.oauth2.token=${TOKEN}${vendedCredentials ? '\niceberg.rest-catalog.vended-credentials-enabled=true' : ''}
${sqlIdent ? `\n# then, in Trino: SELECT * FROM ${sqlIdent} LIMIT 10;` : `\n# then, in Trino: SHOW SCHEMAS FROM ${quoteSql(catalog)};`}`,
    },
    {
      engine: 'DuckDB',
      language: 'sql',
      code: `INSTALL iceberg;
LOAD iceberg;
CREATE SECRET pangolin (TYPE iceberg, TOKEN '${TOKEN}');
ATTACH '${catalog}' AS ${quoteSql(catalog)} (TYPE iceberg, SECRET pangolin, ENDPOINT '${serverUrl}');
${sqlIdent ? `SELECT * FROM ${sqlIdent} LIMIT 10;` : `SHOW ALL TABLES;`}`,
    },
  ];
}
