CREATE TABLE "maintenance_runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"catalog_id" uuid NOT NULL,
	"asset_id" uuid,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"files_total" integer DEFAULT 0 NOT NULL,
	"files_done" integer DEFAULT 0 NOT NULL,
	"files_kept" integer DEFAULT 0 NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"candidates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "maintenance_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "maintenance_runs_kind_check" CHECK ("kind" IN ('purge', 'expire', 'orphans')),
	CONSTRAINT "maintenance_runs_state_check" CHECK ("state" IN ('queued', 'running', 'succeeded', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "maintenance_runs" ADD CONSTRAINT "fk_maintenance_runs_catalog" FOREIGN KEY ("tenant_id","catalog_id") REFERENCES "public"."catalogs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_maintenance_runs_catalog" ON "maintenance_runs" USING btree ("tenant_id","catalog_id","created_at");
