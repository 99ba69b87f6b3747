import { registerMutations } from '../mutation';
import { createAsset, deleteBusinessMetadata, dropAsset, renameAsset, setBusinessMetadata, updateAsset } from './assets';
import { createCatalog, deleteCatalog, updateCatalog } from './catalogs';
import { recordFederatedSync, startFederatedSync } from './federation';
import { createNamespace, deleteNamespace, updateNamespaceProperties } from './namespaces';
import { createTenant, deleteTenant, updateTenant } from './tenants';
import { createWarehouse, deleteWarehouse, updateWarehouse } from './warehouses';

/** Every catalog-management mutation (tenants, warehouses, catalogs, namespaces, tables and views). */
export const catalogMutations = {
  createTenant, updateTenant, deleteTenant,
  createWarehouse, updateWarehouse, deleteWarehouse,
  createCatalog, updateCatalog, deleteCatalog,
  createNamespace, updateNamespaceProperties, deleteNamespace,
  createAsset, updateAsset, renameAsset, dropAsset, setBusinessMetadata, deleteBusinessMetadata,
  startFederatedSync, recordFederatedSync,
};

registerMutations(...Object.values(catalogMutations));

export {
  createTenant, updateTenant, deleteTenant, createWarehouse, updateWarehouse, deleteWarehouse, createCatalog, updateCatalog,
  deleteCatalog, createNamespace, updateNamespaceProperties, deleteNamespace, createAsset, updateAsset, renameAsset, dropAsset,
  setBusinessMetadata, deleteBusinessMetadata,
};
