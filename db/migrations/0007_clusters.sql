CREATE TYPE "public"."cluster_adapter" AS ENUM('postgres-streaming', 'patroni', 'redis-sentinel');--> statement-breakpoint
CREATE TYPE "public"."member_role" AS ENUM('primary', 'standby', 'unknown', 'down');--> statement-breakpoint
CREATE TYPE "public"."operation_kind" AS ENUM('switchover', 'failover');--> statement-breakpoint
CREATE TYPE "public"."operation_status" AS ENUM('scheduled', 'pending', 'running', 'needs_attention', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."step_status" AS ENUM('running', 'ok', 'failed', 'skipped');--> statement-breakpoint
CREATE TABLE "cluster_members" (
	"cluster_id" uuid NOT NULL,
	"name" text NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"role" "member_role" DEFAULT 'unknown' NOT NULL,
	"timeline" integer,
	"position" text,
	"lag_bytes" bigint,
	"lag_seconds" real,
	"sync_state" text,
	"healthy" boolean DEFAULT false NOT NULL,
	"message" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"observed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clusters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"adapter" "cluster_adapter" NOT NULL,
	"config" jsonb NOT NULL,
	"service_id" uuid,
	"max_lag_bytes" bigint DEFAULT 16777216 NOT NULL,
	"observed_at" timestamp with time zone,
	"observe_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operation_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"operation_id" uuid NOT NULL,
	"seq" smallint NOT NULL,
	"name" text NOT NULL,
	"title" text NOT NULL,
	"status" "step_status" NOT NULL,
	"command" text,
	"result" text,
	"logs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "operations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"cluster_id" uuid NOT NULL,
	"kind" "operation_kind" NOT NULL,
	"status" "operation_status" NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid,
	"requested_by_email" text,
	"from_primary" text,
	"candidate" text NOT NULL,
	"scheduled_at" timestamp with time zone,
	"preflight" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rpo_estimate_bytes" bigint,
	"overrides" text[] DEFAULT '{}'::text[] NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"current_step" text,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"error" text,
	"write_unavailable_ms" integer,
	"duration_ms" integer,
	"rto_ms" integer,
	"lost_acked_writes" integer,
	"lsn_gap_bytes" bigint,
	"probe_writes" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "cluster_members" ADD CONSTRAINT "cluster_members_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_steps" ADD CONSTRAINT "operation_steps_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cluster_members_pk" ON "cluster_members" USING btree ("cluster_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "clusters_name_idx" ON "clusters" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "operation_steps_op_seq_idx" ON "operation_steps" USING btree ("operation_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "operations_one_active_per_cluster" ON "operations" USING btree ("cluster_id") WHERE "operations"."status" in ('scheduled', 'pending', 'running', 'needs_attention');--> statement-breakpoint
CREATE INDEX "operations_cluster_created_idx" ON "operations" USING btree ("cluster_id","created_at");--> statement-breakpoint
CREATE INDEX "operations_due_idx" ON "operations" USING btree ("status","scheduled_at") WHERE "operations"."status" in ('scheduled', 'pending', 'running');