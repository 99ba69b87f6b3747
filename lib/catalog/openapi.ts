import { registerOperations, type Operation } from '../openapi';
import * as s from './api-schemas';
import { createAssetInput, setBusinessMetadataInput } from './assets';
import { createCatalogInput, federatedCatalogInput, updateCatalogInput } from './catalogs';
import { createNamespaceInput, updateNamespacePropertiesInput } from './namespaces';
import { createTenantInput, updateTenantInput } from './tenants';
import { createWarehouseInput, updateWarehouseBody } from './warehouses';

/*
 * The catalog area's operations. Bodies are the mutations' input schemas without what the URL supplies
 * (the routes refuse a body that repeats it), queries the schemas the routes parse.
 */

const V = '/api/v1';
const readErrors = [400, 403, 404, 422];
const writeErrors = [400, 403, 404, 409, 422];

const ops: Operation[] = [
  // Tenants (Root only)
  { method: 'get', path: `${V}/tenants`, tag: 'Tenants', summary: 'List tenants (Root)', query: s.tenantListQuery, response: s.tenantPage, errors: [403, 422] },
  {
    method: 'post', path: `${V}/tenants`, tag: 'Tenants', summary: 'Create a tenant and its first TenantAdmin (Root)',
    description: 'Without `adminPassword` a password is generated and returned once, in this answer only.',
    body: createTenantInput, response: s.tenantCreated, status: 201, errors: [400, 403, 409, 422],
  },
  { method: 'get', path: `${V}/tenants/{id}`, tag: 'Tenants', summary: 'Get a tenant (Root)', params: s.tenantPath, response: s.tenantDetail, errors: [403, 404] },
  { method: 'put', path: `${V}/tenants/{id}`, tag: 'Tenants', summary: 'Update a tenant\'s description and properties (Root)', params: s.tenantPath, body: updateTenantInput.omit({ id: true }), response: s.tenantDetail, errors: writeErrors },
  {
    method: 'delete', path: `${V}/tenants/{id}`, tag: 'Tenants', summary: 'Delete a tenant (Root)',
    description: 'Refused (409) while the tenant owns catalogs, unless `cascade=true` and `confirmation` is the tenant name.',
    params: s.tenantPath, query: s.deleteQuery, response: s.deleted, errors: writeErrors,
  },

  // Warehouses
  { method: 'get', path: `${V}/warehouses`, tag: 'Warehouses', summary: 'List warehouses', query: s.warehouseListQuery, response: s.warehousePage, errors: readErrors },
  {
    method: 'post', path: `${V}/warehouses`, tag: 'Warehouses', summary: 'Create a warehouse (TenantAdmin)',
    description: 'Credentials are stored encrypted (AES-256-GCM) and never returned; the answer lists only which fields are stored.',
    body: createWarehouseInput, response: s.warehouseDetail, status: 201, errors: writeErrors,
  },
  { method: 'get', path: `${V}/warehouses/{warehouse}`, tag: 'Warehouses', summary: 'Get a warehouse', params: s.warehousePath, response: s.warehouseDetail, errors: readErrors },
  {
    method: 'put', path: `${V}/warehouses/{warehouse}`, tag: 'Warehouses', summary: 'Replace a warehouse\'s settings (TenantAdmin)',
    description: 'Secret fields left out keep their stored value; a filled one replaces just that field; `clearCredentials` removes them all.',
    params: s.warehousePath, body: updateWarehouseBody, response: s.warehouseDetail, errors: writeErrors,
  },
  { method: 'delete', path: `${V}/warehouses/{warehouse}`, tag: 'Warehouses', summary: 'Delete a warehouse (refused while a catalog uses it)', params: s.warehousePath, query: s.emptyQuery, response: s.deleted, errors: writeErrors },

  // Catalogs
  { method: 'get', path: `${V}/catalogs`, tag: 'Catalogs', summary: 'List catalogs', query: s.catalogListQuery, response: s.catalogPage, errors: readErrors },
  { method: 'post', path: `${V}/catalogs`, tag: 'Catalogs', summary: 'Create a local or federated catalog', body: createCatalogInput, response: s.catalogDetail, status: 201, errors: writeErrors },
  { method: 'get', path: `${V}/catalogs/{catalog}`, tag: 'Catalogs', summary: 'Get a catalog', params: s.catalogPath, response: s.catalogDetail, errors: readErrors },
  { method: 'put', path: `${V}/catalogs/{catalog}`, tag: 'Catalogs', summary: 'Update a catalog (storage location, properties; remote settings of a federated one)', params: s.catalogPath, body: updateCatalogInput.omit({ id: true }), response: s.catalogDetail, errors: writeErrors },
  {
    method: 'delete', path: `${V}/catalogs/{catalog}`, tag: 'Catalogs', summary: 'Delete a catalog',
    description: 'Refused (409) while it has namespaces, unless `cascade=true` and `confirmation` is the catalog name.',
    params: s.catalogPath, query: s.deleteQuery, response: s.deleted, errors: writeErrors,
  },
  { method: 'get', path: `${V}/catalogs/{catalog}/summary`, tag: 'Catalogs', summary: 'Namespaces, tables and views on main, branches, last commit', params: s.catalogPath, response: s.catalogSummary, errors: readErrors },

  // Namespaces
  { method: 'get', path: `${V}/catalogs/{catalog}/namespaces`, tag: 'Namespaces', summary: 'List the namespaces under a parent (or the top level)', params: s.catalogPath, query: s.namespaceListQuery, response: s.namespaceList, errors: readErrors },
  { method: 'post', path: `${V}/catalogs/{catalog}/namespaces`, tag: 'Namespaces', summary: 'Create a namespace (and missing parents)', params: s.catalogPath, body: createNamespaceInput.omit({ catalog: true }), response: s.namespaceDetail, status: 201, errors: writeErrors },
  { method: 'get', path: `${V}/catalogs/{catalog}/namespaces/tree`, tag: 'Namespaces', summary: 'The whole namespace tree (up to 10,000)', params: s.catalogPath, query: s.emptyQuery, response: s.namespaceTreeResponse, errors: readErrors },
  { method: 'get', path: `${V}/catalogs/{catalog}/namespaces/{ns}`, tag: 'Namespaces', summary: 'Get a namespace', params: s.namespacePathParams, response: s.namespaceDetail, errors: readErrors },
  { method: 'put', path: `${V}/catalogs/{catalog}/namespaces/{ns}`, tag: 'Namespaces', summary: 'Update and remove namespace properties', params: s.namespacePathParams, body: updateNamespacePropertiesInput.omit({ catalog: true, namespace: true }), response: s.namespacePropertiesResult, errors: writeErrors },
  { method: 'delete', path: `${V}/catalogs/{catalog}/namespaces/{ns}`, tag: 'Namespaces', summary: 'Delete an empty namespace', params: s.namespacePathParams, query: s.emptyQuery, response: s.deleted, errors: writeErrors },

  // Assets
  { method: 'get', path: `${V}/catalogs/{catalog}/namespaces/{ns}/assets`, tag: 'Assets', summary: 'List tables and views of a namespace on a branch', params: s.namespacePathParams, query: s.assetListQuery, response: s.assetPage, errors: readErrors },
  { method: 'post', path: `${V}/catalogs/{catalog}/namespaces/{ns}/assets`, tag: 'Assets', summary: 'Register a table or view (a commit on the branch)', params: s.namespacePathParams, body: createAssetInput.omit({ catalog: true, namespace: true }), response: s.assetCreated, status: 201, errors: writeErrors },
  { method: 'get', path: `${V}/catalogs/{catalog}/namespaces/{ns}/assets/{asset}`, tag: 'Assets', summary: 'Get a table or view by name or id', params: s.assetPathParams, query: s.branchQuery, response: s.assetDetail, errors: readErrors },
  { method: 'get', path: `${V}/search/assets`, tag: 'Assets', summary: 'Search the tenant\'s tables and views by name, description and tags', query: s.searchQuery, response: s.searchPage, errors: readErrors },
  { method: 'get', path: `${V}/assets/{id}/metadata`, tag: 'Assets', summary: 'Get business metadata (description, tags, discoverable)', params: s.assetIdPath, query: s.emptyQuery, response: s.businessMetadata, errors: readErrors },
  { method: 'post', path: `${V}/assets/{id}/metadata`, tag: 'Assets', summary: 'Set business metadata (needs update or manage-discovery)', params: s.assetIdPath, body: setBusinessMetadataInput.omit({ assetId: true }), response: s.businessMetadata, errors: writeErrors },
  { method: 'delete', path: `${V}/assets/{id}/metadata`, tag: 'Assets', summary: 'Clear business metadata', params: s.assetIdPath, query: s.emptyQuery, response: s.deleted, errors: writeErrors },

  // Federated catalogs
  { method: 'get', path: `${V}/federated-catalogs`, tag: 'Federated catalogs', summary: 'List federated catalogs', query: s.catalogListQuery, response: s.catalogPage, errors: readErrors },
  { method: 'post', path: `${V}/federated-catalogs`, tag: 'Federated catalogs', summary: 'Create a federated catalog', body: federatedCatalogInput.omit({ catalogType: true }), response: s.catalogDetail, status: 201, errors: writeErrors },
  { method: 'get', path: `${V}/federated-catalogs/{name}`, tag: 'Federated catalogs', summary: 'Get a federated catalog with its last sync', params: s.federatedPath, response: s.federatedDetail, errors: readErrors },
  { method: 'delete', path: `${V}/federated-catalogs/{name}`, tag: 'Federated catalogs', summary: 'Delete a federated catalog', params: s.federatedPath, query: s.deleteQuery, response: s.deleted, errors: writeErrors },
  { method: 'post', path: `${V}/federated-catalogs/{name}/test`, tag: 'Federated catalogs', summary: 'Test the connection (GET <url>/v1/config, 5 s timeout)', params: s.federatedPath, response: s.connectionTest, errors: readErrors },
  { method: 'post', path: `${V}/federated-catalogs/{name}/sync`, tag: 'Federated catalogs', summary: 'Sync: count the remote\'s namespaces, tables and views', params: s.federatedPath, response: s.syncResult, errors: writeErrors },
  { method: 'get', path: `${V}/federated-catalogs/{name}/stats`, tag: 'Federated catalogs', summary: 'Figures of the last sync', params: s.federatedPath, response: s.syncStats, errors: readErrors },
];

registerOperations(...ops);

export const catalogOperations = ops;
