CREATE TABLE "iceberg_idempotency_keys" (
	"tenant_id" uuid NOT NULL,
	"principal" text NOT NULL,
	"idempotency_key" uuid NOT NULL,
	"request_hash" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"claim_id" uuid NOT NULL,
	"response_status" integer,
	"response_headers" jsonb,
	"response_body_encrypted" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "iceberg_idempotency_keys_tenant_id_principal_idempotency_key_pk" PRIMARY KEY("tenant_id","principal","idempotency_key"),
	CONSTRAINT "ck_iceberg_idempotency_keys_state" CHECK ("state" IN ('pending', 'done'))
);
--> statement-breakpoint
ALTER TABLE "iceberg_idempotency_keys" ADD CONSTRAINT "iceberg_idempotency_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "idx_iceberg_idempotency_keys_expires" ON "iceberg_idempotency_keys" USING btree ("expires_at");
