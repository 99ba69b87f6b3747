ALTER TABLE "assets" DROP CONSTRAINT "fk_assets_namespace";
--> statement-breakpoint
ALTER TABLE "branches" DROP CONSTRAINT "fk_branches_head";
--> statement-breakpoint
ALTER TABLE "commits" DROP CONSTRAINT "fk_commits_parent";
--> statement-breakpoint
ALTER TABLE "commits" DROP CONSTRAINT "fk_commits_merge_parent";
--> statement-breakpoint
ALTER TABLE "namespaces" DROP CONSTRAINT "fk_namespaces_parent";
--> statement-breakpoint
ALTER TABLE "tags" DROP CONSTRAINT "fk_tags_commit";
--> statement-breakpoint
ALTER TABLE "merge_operations" DROP CONSTRAINT "fk_merge_operations_result";
--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "fk_assets_namespace" FOREIGN KEY ("tenant_id","namespace_id") REFERENCES "public"."namespaces"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "fk_branches_head" FOREIGN KEY ("tenant_id","head_commit_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commits" ADD CONSTRAINT "fk_commits_parent" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commits" ADD CONSTRAINT "fk_commits_merge_parent" FOREIGN KEY ("tenant_id","merge_parent_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "namespaces" ADD CONSTRAINT "fk_namespaces_parent" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."namespaces"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "fk_tags_commit" FOREIGN KEY ("tenant_id","commit_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_operations" ADD CONSTRAINT "fk_merge_operations_result" FOREIGN KEY ("tenant_id","result_commit_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE no action ON UPDATE no action;