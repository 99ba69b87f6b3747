CREATE TABLE "asset_identities" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"asset_type" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "asset_identities_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "asset_versions" (
	"tenant_id" uuid NOT NULL,
	"commit_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"op" text NOT NULL,
	"dropped" boolean DEFAULT false NOT NULL,
	"namespace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"asset_type" text NOT NULL,
	"metadata_location" text,
	"schema_id" integer,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "asset_versions_tenant_id_commit_id_asset_id_pk" PRIMARY KEY("tenant_id","commit_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "assets" (
	"tenant_id" uuid NOT NULL,
	"branch_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"namespace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"asset_type" text NOT NULL,
	"metadata_location" text,
	"schema_id" integer,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_commit_id" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assets_tenant_id_branch_id_asset_id_pk" PRIMARY KEY("tenant_id","branch_id","asset_id"),
	CONSTRAINT "uq_assets_branch_namespace_name" UNIQUE("tenant_id","branch_id","namespace_id","name")
);
--> statement-breakpoint
CREATE TABLE "branches" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"name" text NOT NULL,
	"head_commit_id" uuid NOT NULL,
	"branch_type" text NOT NULL,
	"protected" boolean DEFAULT false NOT NULL,
	"partial_asset_ids" uuid[],
	"created_from_commit_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "branches_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "uq_branches_tenant_catalog_name" UNIQUE("tenant_id","catalog_id","name")
);
--> statement-breakpoint
CREATE TABLE "business_metadata" (
	"tenant_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"description" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"discoverable" boolean DEFAULT false NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "business_metadata_tenant_id_asset_id_pk" PRIMARY KEY("tenant_id","asset_id")
);
--> statement-breakpoint
CREATE TABLE "catalogs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"catalog_type" text NOT NULL,
	"warehouse_id" uuid,
	"storage_location" text,
	"federated_config" jsonb,
	"federated_credentials_encrypted" text,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalogs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "uq_catalogs_tenant_name" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "commits" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"branch_name" text NOT NULL,
	"parent_id" uuid,
	"merge_parent_id" uuid,
	"depth" integer NOT NULL,
	"author_id" uuid,
	"author_name" text NOT NULL,
	"message" text NOT NULL,
	"operations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"change_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "commits_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "metadata_locations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"branch_id" uuid,
	"commit_id" uuid NOT NULL,
	"location" text NOT NULL,
	"previous_location" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metadata_locations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "namespaces" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"parent_id" uuid,
	"path" text[] NOT NULL,
	"name" text NOT NULL,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "namespaces_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "uq_namespaces_tenant_catalog_path" UNIQUE("tenant_id","catalog_id","path")
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"name" text NOT NULL,
	"commit_id" uuid NOT NULL,
	"message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tags_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "uq_tags_tenant_catalog_name" UNIQUE("tenant_id","catalog_id","name")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "warehouses" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"storage_type" text NOT NULL,
	"storage_config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"credentials_encrypted" text,
	"use_sts" boolean DEFAULT false NOT NULL,
	"vending_strategy" text DEFAULT 'none' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warehouses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "uq_warehouses_tenant_name" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "merge_conflicts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"merge_operation_id" uuid NOT NULL,
	"asset_id" uuid NOT NULL,
	"conflict_type" text NOT NULL,
	"description" text NOT NULL,
	"base_state" jsonb,
	"source_state" jsonb,
	"target_state" jsonb,
	"resolution" text,
	"resolved_state" jsonb,
	"resolved_by" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "merge_conflicts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "merge_operations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"source_branch_id" uuid NOT NULL,
	"target_branch_id" uuid NOT NULL,
	"base_commit_id" uuid,
	"source_head_commit_id" uuid NOT NULL,
	"target_head_commit_id" uuid NOT NULL,
	"status" text NOT NULL,
	"message" text,
	"initiated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_by" uuid,
	"completed_at" timestamp with time zone,
	"result_commit_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "merge_operations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "access_requests" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"requester_id" uuid NOT NULL,
	"scope_type" text NOT NULL,
	"catalog_id" uuid NOT NULL,
	"namespace_id" uuid,
	"asset_id" uuid,
	"actions" text[] NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"review_comment" text,
	"grant_expires_at" timestamp with time zone,
	"permission_id" uuid,
	CONSTRAINT "access_requests_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "active_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text,
	"ip_address" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "permissions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"user_id" uuid,
	"service_user_id" uuid,
	"role_id" uuid,
	"scope_type" text NOT NULL,
	"catalog_id" uuid,
	"namespace_id" uuid,
	"asset_id" uuid,
	"tag" text,
	"actions" text[] NOT NULL,
	"expires_at" timestamp with time zone,
	"granted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"access_request_id" uuid,
	CONSTRAINT "permissions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "ck_permissions_one_grantee" CHECK (num_nonnulls("permissions"."user_id", "permissions"."service_user_id", "permissions"."role_id") = 1),
	CONSTRAINT "ck_permissions_scope" CHECK (CASE "permissions"."scope_type"
    WHEN 'tenant' THEN num_nonnulls("permissions"."catalog_id", "permissions"."namespace_id", "permissions"."asset_id", "permissions"."tag") = 0
    WHEN 'catalog' THEN "permissions"."catalog_id" IS NOT NULL AND num_nonnulls("permissions"."namespace_id", "permissions"."asset_id", "permissions"."tag") = 0
    WHEN 'namespace' THEN "permissions"."catalog_id" IS NOT NULL AND "permissions"."namespace_id" IS NOT NULL AND num_nonnulls("permissions"."asset_id", "permissions"."tag") = 0
    WHEN 'asset' THEN "permissions"."catalog_id" IS NOT NULL AND "permissions"."asset_id" IS NOT NULL AND "permissions"."tag" IS NULL
    WHEN 'tag' THEN "permissions"."tag" IS NOT NULL AND num_nonnulls("permissions"."namespace_id", "permissions"."asset_id") = 0
  END),
	CONSTRAINT "ck_permissions_actions_nonempty" CHECK (cardinality("permissions"."actions") > 0)
);
--> statement-breakpoint
CREATE TABLE "revoked_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"revoked_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "roles_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "uq_roles_tenant_name" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "service_users" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"role" text NOT NULL,
	"key_id" text NOT NULL,
	"api_key_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "service_users_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "service_users_key_id_unique" UNIQUE("key_id"),
	CONSTRAINT "uq_service_users_tenant_name" UNIQUE("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "user_roles" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role_id" uuid NOT NULL,
	"assigned_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_roles_tenant_id_user_id_role_id_pk" PRIMARY KEY("tenant_id","user_id","role_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid,
	"username" text NOT NULL,
	"email" text,
	"display_name" text,
	"password_hash" text,
	"role" text NOT NULL,
	"oauth_provider" text,
	"oauth_subject" text,
	"active" boolean DEFAULT true NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "ck_users_root_has_no_tenant" CHECK (("users"."role" = 'root') = ("users"."tenant_id" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "audit_chain_anchors" (
	"chain_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_chain_heads" (
	"chain_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" "bytea" NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_logs" (
	"chain_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"id" uuid NOT NULL,
	"tenant_id" uuid,
	"actor_id" uuid,
	"actor_type" text NOT NULL,
	"actor_name" text,
	"action" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text,
	"resource_name" text,
	"result" text NOT NULL,
	"error_message" text,
	"ip_address" text,
	"user_agent" text,
	"request_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"imported" boolean DEFAULT false NOT NULL,
	"prev_hash" "bytea" NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "audit_logs_chain_id_seq_occurred_at_pk" PRIMARY KEY("chain_id","seq","occurred_at")

) PARTITION BY RANGE ("occurred_at");
--> statement-breakpoint
CREATE TABLE "federated_sync_stats" (
	"tenant_id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"status" text DEFAULT 'never' NOT NULL,
	"last_sync_at" timestamp with time zone,
	"duration_ms" integer,
	"namespaces_synced" integer DEFAULT 0 NOT NULL,
	"tables_synced" integer DEFAULT 0 NOT NULL,
	"error" text,
	"stats" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "federated_sync_stats_tenant_id_catalog_id_pk" PRIMARY KEY("tenant_id","catalog_id")
);
--> statement-breakpoint
CREATE TABLE "system_settings" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"smtp_password_encrypted" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "asset_identities" ADD CONSTRAINT "fk_asset_identities_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_versions" ADD CONSTRAINT "fk_asset_versions_commit" FOREIGN KEY ("tenant_id","commit_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_versions" ADD CONSTRAINT "fk_asset_versions_identity" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."asset_identities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "fk_assets_branch" FOREIGN KEY ("tenant_id","branch_id") REFERENCES "public"."branches"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "fk_assets_identity" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."asset_identities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "fk_assets_namespace" FOREIGN KEY ("tenant_id","namespace_id") REFERENCES "public"."namespaces"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "fk_branches_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branches" ADD CONSTRAINT "fk_branches_head" FOREIGN KEY ("tenant_id","head_commit_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "business_metadata" ADD CONSTRAINT "fk_business_metadata_identity" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."asset_identities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalogs" ADD CONSTRAINT "catalogs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalogs" ADD CONSTRAINT "fk_catalogs_warehouse" FOREIGN KEY ("tenant_id","warehouse_id") REFERENCES "public"."warehouses"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commits" ADD CONSTRAINT "fk_commits_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commits" ADD CONSTRAINT "fk_commits_parent" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commits" ADD CONSTRAINT "fk_commits_merge_parent" FOREIGN KEY ("tenant_id","merge_parent_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metadata_locations" ADD CONSTRAINT "fk_metadata_locations_identity" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."asset_identities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metadata_locations" ADD CONSTRAINT "fk_metadata_locations_commit" FOREIGN KEY ("tenant_id","commit_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "namespaces" ADD CONSTRAINT "fk_namespaces_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "namespaces" ADD CONSTRAINT "fk_namespaces_parent" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."namespaces"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "fk_tags_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "fk_tags_commit" FOREIGN KEY ("tenant_id","commit_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warehouses" ADD CONSTRAINT "warehouses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_conflicts" ADD CONSTRAINT "fk_merge_conflicts_operation" FOREIGN KEY ("tenant_id","merge_operation_id") REFERENCES "public"."merge_operations"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_conflicts" ADD CONSTRAINT "fk_merge_conflicts_asset" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."asset_identities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_operations" ADD CONSTRAINT "fk_merge_operations_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_operations" ADD CONSTRAINT "fk_merge_operations_source" FOREIGN KEY ("tenant_id","source_branch_id") REFERENCES "public"."branches"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_operations" ADD CONSTRAINT "fk_merge_operations_target" FOREIGN KEY ("tenant_id","target_branch_id") REFERENCES "public"."branches"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "merge_operations" ADD CONSTRAINT "fk_merge_operations_result" FOREIGN KEY ("tenant_id","result_commit_id") REFERENCES "public"."commits"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "access_requests_requester_id_users_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "fk_access_requests_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "fk_access_requests_namespace" FOREIGN KEY ("tenant_id","namespace_id") REFERENCES "public"."namespaces"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_requests" ADD CONSTRAINT "fk_access_requests_asset" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."asset_identities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "active_tokens" ADD CONSTRAINT "active_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "active_tokens" ADD CONSTRAINT "active_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "permissions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "permissions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "fk_permissions_service_user" FOREIGN KEY ("tenant_id","service_user_id") REFERENCES "public"."service_users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "fk_permissions_role" FOREIGN KEY ("tenant_id","role_id") REFERENCES "public"."roles"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "fk_permissions_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "fk_permissions_namespace" FOREIGN KEY ("tenant_id","namespace_id") REFERENCES "public"."namespaces"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "permissions" ADD CONSTRAINT "fk_permissions_asset" FOREIGN KEY ("tenant_id","asset_id") REFERENCES "public"."asset_identities"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_users" ADD CONSTRAINT "service_users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "fk_user_roles_role" FOREIGN KEY ("tenant_id","role_id") REFERENCES "public"."roles"("tenant_id","id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "federated_sync_stats" ADD CONSTRAINT "fk_federated_sync_stats_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_settings" ADD CONSTRAINT "system_settings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_asset_versions_tenant_asset" ON "asset_versions" USING btree ("tenant_id","asset_id");--> statement-breakpoint
CREATE INDEX "idx_assets_tenant_catalog" ON "assets" USING btree ("tenant_id","catalog_id","branch_id","name","asset_id");--> statement-breakpoint
CREATE INDEX "idx_assets_tenant_namespace" ON "assets" USING btree ("tenant_id","namespace_id","branch_id","name");--> statement-breakpoint
CREATE INDEX "idx_assets_properties" ON "assets" USING gin ("properties");--> statement-breakpoint
CREATE INDEX "idx_business_metadata_tags" ON "business_metadata" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "idx_catalogs_tenant_warehouse" ON "catalogs" USING btree ("tenant_id","warehouse_id");--> statement-breakpoint
CREATE INDEX "idx_commits_tenant_catalog_created" ON "commits" USING btree ("tenant_id","catalog_id","created_at","id");--> statement-breakpoint
CREATE INDEX "idx_commits_tenant_parent" ON "commits" USING btree ("tenant_id","parent_id");--> statement-breakpoint
CREATE INDEX "idx_metadata_locations_tenant_asset" ON "metadata_locations" USING btree ("tenant_id","asset_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_namespaces_tenant_catalog_parent" ON "namespaces" USING btree ("tenant_id","catalog_id","parent_id","name");--> statement-breakpoint
CREATE INDEX "idx_merge_conflicts_operation" ON "merge_conflicts" USING btree ("tenant_id","merge_operation_id");--> statement-breakpoint
CREATE INDEX "idx_merge_operations_tenant_catalog" ON "merge_operations" USING btree ("tenant_id","catalog_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_access_requests_tenant_status" ON "access_requests" USING btree ("tenant_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "idx_access_requests_tenant_requester" ON "access_requests" USING btree ("tenant_id","requester_id","created_at");--> statement-breakpoint
CREATE INDEX "idx_active_tokens_user" ON "active_tokens" USING btree ("user_id","expires_at");--> statement-breakpoint
CREATE INDEX "idx_active_tokens_expires" ON "active_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "idx_permissions_tenant_user" ON "permissions" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE INDEX "idx_permissions_tenant_service_user" ON "permissions" USING btree ("tenant_id","service_user_id");--> statement-breakpoint
CREATE INDEX "idx_permissions_tenant_role" ON "permissions" USING btree ("tenant_id","role_id");--> statement-breakpoint
CREATE INDEX "idx_permissions_actions" ON "permissions" USING gin ("actions");--> statement-breakpoint
CREATE INDEX "idx_revoked_tokens_expires" ON "revoked_tokens" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "idx_user_roles_tenant_role" ON "user_roles" USING btree ("tenant_id","role_id");--> statement-breakpoint
CREATE INDEX "idx_users_tenant_username" ON "users" USING btree ("tenant_id","username");--> statement-breakpoint
CREATE INDEX "idx_audit_logs_tenant_time" ON "audit_logs" USING btree ("tenant_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "idx_audit_logs_actor_time" ON "audit_logs" USING btree ("actor_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "idx_audit_logs_id" ON "audit_logs" USING btree ("id");--> statement-breakpoint
CREATE INDEX "idx_audit_logs_resource" ON "audit_logs" USING btree ("resource_type","resource_id");--> statement-breakpoint
CREATE INDEX "idx_audit_logs_metadata" ON "audit_logs" USING gin ("metadata");--> statement-breakpoint
CREATE INDEX "idx_audit_logs_search" ON "audit_logs" USING gin (to_tsvector('simple', coalesce("resource_name", '') || ' ' || coalesce("error_message", '') || ' ' || "action" || ' ' || "metadata"::text));