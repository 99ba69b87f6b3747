DROP INDEX "idx_assets_tenant_namespace";--> statement-breakpoint
DROP INDEX "idx_assets_tenant_namespace_updated";--> statement-breakpoint
CREATE INDEX "idx_assets_tenant_namespace" ON "assets" USING btree ("tenant_id","namespace_id","branch_id","name","asset_id","asset_type");--> statement-breakpoint
CREATE INDEX "idx_assets_tenant_namespace_updated" ON "assets" USING btree ("tenant_id","namespace_id","branch_id","updated_at","asset_id","name","asset_type");