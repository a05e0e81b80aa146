CREATE TYPE "public"."budgeting_method" AS ENUM('occurrences', 'timeslices', 'ratio_timeslices');--> statement-breakpoint
CREATE TYPE "public"."slo_state" AS ENUM('ok', 'warning', 'page', 'breached', 'no_data', 'error');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "budget_adjustments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slo_id" uuid NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "budget_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"slo_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"from_tier" text,
	"to_tier" text,
	"remaining" double precision,
	"cause" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "error_budget_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"service_id" uuid,
	"slo_id" uuid,
	"tiers" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gate_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"justification" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sli_days" (
	"slo_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"good" double precision NOT NULL,
	"total" double precision NOT NULL,
	"slice_good" double precision DEFAULT 0 NOT NULL,
	"slice_total" double precision DEFAULT 0 NOT NULL,
	"slices_dirty" boolean DEFAULT true NOT NULL,
	CONSTRAINT "sli_days_slo_id_day_pk" PRIMARY KEY("slo_id","day")
);
--> statement-breakpoint
CREATE TABLE "sli_hours" (
	"slo_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"good" double precision NOT NULL,
	"total" double precision NOT NULL,
	"slice_good" double precision DEFAULT 0 NOT NULL,
	"slice_total" double precision DEFAULT 0 NOT NULL,
	"slices_dirty" boolean DEFAULT true NOT NULL,
	CONSTRAINT "sli_hours_slo_id_hour_pk" PRIMARY KEY("slo_id","hour")
);
--> statement-breakpoint
CREATE TABLE "sli_ingest_batches" (
	"token_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"events" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sli_ingest_batches_token_id_idempotency_key_pk" PRIMARY KEY("token_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "sli_minutes" (
	"slo_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"good" double precision NOT NULL,
	"total" double precision NOT NULL,
	CONSTRAINT "sli_minutes_slo_id_minute_pk" PRIMARY KEY("slo_id","minute")
) PARTITION BY RANGE ("minute");
--> statement-breakpoint
CREATE TABLE "sli_source_cursors" (
	"slo_id" uuid PRIMARY KEY NOT NULL,
	"folded_until" timestamp with time zone NOT NULL,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slo_status" (
	"slo_id" uuid PRIMARY KEY NOT NULL,
	"state" "slo_state" DEFAULT 'no_data' NOT NULL,
	"sli" double precision,
	"good" double precision DEFAULT 0 NOT NULL,
	"total" double precision DEFAULT 0 NOT NULL,
	"consumed" double precision,
	"remaining" double precision,
	"remaining_minutes" double precision,
	"burn_rates" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"firing" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"exhaustion_at" timestamp with time zone,
	"policy_tier" text,
	"error" text,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"evaluated_at" timestamp with time zone,
	"state_since" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slos" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"owner" text DEFAULT '' NOT NULL,
	"sli" jsonb NOT NULL,
	"objective" double precision NOT NULL,
	"window" jsonb NOT NULL,
	"budgeting_method" "budgeting_method" DEFAULT 'occurrences' NOT NULL,
	"timeslice_target" double precision,
	"alerting" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_adjustments" ADD CONSTRAINT "budget_adjustments_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_adjustments" ADD CONSTRAINT "budget_adjustments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_events" ADD CONSTRAINT "budget_events_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "error_budget_policies" ADD CONSTRAINT "error_budget_policies_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "error_budget_policies" ADD CONSTRAINT "error_budget_policies_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gate_overrides" ADD CONSTRAINT "gate_overrides_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gate_overrides" ADD CONSTRAINT "gate_overrides_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sli_days" ADD CONSTRAINT "sli_days_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sli_hours" ADD CONSTRAINT "sli_hours_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sli_ingest_batches" ADD CONSTRAINT "sli_ingest_batches_token_id_api_tokens_id_fk" FOREIGN KEY ("token_id") REFERENCES "public"."api_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sli_source_cursors" ADD CONSTRAINT "sli_source_cursors_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slo_status" ADD CONSTRAINT "slo_status_slo_id_slos_id_fk" FOREIGN KEY ("slo_id") REFERENCES "public"."slos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slos" ADD CONSTRAINT "slos_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_hash_idx" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "api_tokens_service_idx" ON "api_tokens" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "budget_adjustments_slo_idx" ON "budget_adjustments" USING btree ("slo_id","start_at");--> statement-breakpoint
CREATE INDEX "budget_events_slo_at_idx" ON "budget_events" USING btree ("slo_id","at");--> statement-breakpoint
CREATE INDEX "error_budget_policies_service_idx" ON "error_budget_policies" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "error_budget_policies_slo_idx" ON "error_budget_policies" USING btree ("slo_id");--> statement-breakpoint
CREATE INDEX "gate_overrides_service_idx" ON "gate_overrides" USING btree ("service_id","expires_at");--> statement-breakpoint
CREATE INDEX "sli_ingest_batches_received_idx" ON "sli_ingest_batches" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "slos_key_idx" ON "slos" USING btree ("key");--> statement-breakpoint
CREATE INDEX "slos_service_idx" ON "slos" USING btree ("service_id");
--> statement-breakpoint
-- sli_minutes is partitioned by month like probe_rollups_1m: 1,000 SLOs write
-- 1.4 M minute rows a day, and retention drops whole months instead of deleting rows.
CREATE OR REPLACE FUNCTION sli_minutes_ensure_partition(at timestamptz) RETURNS void AS $$
DECLARE
  m date := date_trunc('month', at AT TIME ZONE 'UTC')::date;
  name text := 'sli_minutes_' || to_char(m, 'YYYYMM');
BEGIN
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF sli_minutes FOR VALUES FROM (%L) TO (%L)',
      name, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Months from `months_back` before now to `months_ahead` after it (backfills reach into the past).
CREATE OR REPLACE FUNCTION sli_minutes_ensure_partitions(months_back int, months_ahead int) RETURNS void AS $$
BEGIN
  FOR i IN -months_back..months_ahead LOOP
    PERFORM sli_minutes_ensure_partition(now() + make_interval(months => i));
  END LOOP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sli_minutes_drop_partitions(keep_after timestamptz) RETURNS int AS $$
DECLARE
  r record;
  n int := 0;
BEGIN
  FOR r IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'sli_minutes'::regclass AND c.relname ~ '^sli_minutes_[0-9]{6}$'
  LOOP
    IF (to_date(substring(r.relname from 13), 'YYYYMM')::timestamp AT TIME ZONE 'UTC') + interval '1 month' <= keep_after THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
SELECT sli_minutes_ensure_partitions(13, 1);
