CREATE TYPE "public"."component_kind" AS ENUM('http', 'tcp', 'websocket', 'postgres', 'redis', 'patroni', 'pgbouncer', 'push');--> statement-breakpoint
CREATE TYPE "public"."health_state" AS ENUM('healthy', 'degraded', 'unhealthy', 'unknown', 'paused', 'maintenance');--> statement-breakpoint
CREATE TABLE "component_status" (
	"component_id" uuid PRIMARY KEY NOT NULL,
	"state" "health_state" DEFAULT 'unknown' NOT NULL,
	"state_since" timestamp with time zone DEFAULT now() NOT NULL,
	"last_checked_at" timestamp with time zone,
	"last_ok" boolean,
	"last_latency_ms" real,
	"last_message" text,
	"last_details" jsonb,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"consecutive_successes" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "components" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"service_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" "component_kind" NOT NULL,
	"config" jsonb NOT NULL,
	"interval_ms" integer NOT NULL,
	"timeout_ms" integer NOT NULL,
	"unhealthy_threshold" smallint NOT NULL,
	"healthy_threshold" smallint NOT NULL,
	"degraded_latency_ms" integer,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"shard" smallint NOT NULL,
	"push_token_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "health_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"component_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"from_state" "health_state" NOT NULL,
	"to_state" "health_state" NOT NULL,
	"cause" text NOT NULL,
	"message" text
);
--> statement-breakpoint
CREATE TABLE "maintenance_windows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"component_id" uuid,
	"service_id" uuid,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"recurrence" jsonb,
	"reason" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "probe_results" (
	"component_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"latency_ms" real,
	"message" text,
	"scheduled_at" timestamp with time zone,
	"worker_id" text
) PARTITION BY RANGE ("at");
--> statement-breakpoint
CREATE TABLE "probe_rollups_1m" (
	"component_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"checks" integer NOT NULL,
	"failures" integer NOT NULL,
	"hist" integer[] NOT NULL,
	"maintenance" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "probe_shard_leases" (
	"shard" smallint PRIMARY KEY NOT NULL,
	"owner" text,
	"lease_until" timestamp with time zone DEFAULT 'epoch' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "component_status" ADD CONSTRAINT "component_status_component_id_components_id_fk" FOREIGN KEY ("component_id") REFERENCES "public"."components"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "components" ADD CONSTRAINT "components_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_transitions" ADD CONSTRAINT "health_transitions_component_id_components_id_fk" FOREIGN KEY ("component_id") REFERENCES "public"."components"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_component_id_components_id_fk" FOREIGN KEY ("component_id") REFERENCES "public"."components"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_service_id_services_id_fk" FOREIGN KEY ("service_id") REFERENCES "public"."services"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "components_service_name_idx" ON "components" USING btree ("service_id",lower("name"));--> statement-breakpoint
CREATE INDEX "components_shard_idx" ON "components" USING btree ("shard");--> statement-breakpoint
CREATE UNIQUE INDEX "components_push_token_idx" ON "components" USING btree ("push_token_hash");--> statement-breakpoint
CREATE INDEX "health_transitions_component_at_idx" ON "health_transitions" USING btree ("component_id","at");--> statement-breakpoint
CREATE INDEX "maintenance_windows_component_idx" ON "maintenance_windows" USING btree ("component_id");--> statement-breakpoint
CREATE INDEX "maintenance_windows_service_idx" ON "maintenance_windows" USING btree ("service_id");--> statement-breakpoint
CREATE INDEX "probe_results_component_at_idx" ON "probe_results" USING btree ("component_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "probe_rollups_1m_pk" ON "probe_rollups_1m" USING btree ("component_id","minute");--> statement-breakpoint
CREATE UNIQUE INDEX "services_name_idx" ON "services" USING btree (lower("name"));
--> statement-breakpoint
-- One partition of probe_results per UTC day, created ahead by the worker and at
-- migration time; retention drops whole partitions (never a DELETE over millions of rows).
CREATE OR REPLACE FUNCTION probe_results_ensure_partitions(days_ahead int) RETURNS void AS $$
DECLARE
  d date;
  name text;
BEGIN
  FOR i IN 0..days_ahead LOOP
    d := (now() AT TIME ZONE 'UTC')::date + i;
    name := 'probe_results_' || to_char(d, 'YYYYMMDD');
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF probe_results FOR VALUES FROM (%L) TO (%L)',
        name, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
    END IF;
  END LOOP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Drops partitions whose whole day ended before `keep_after`; returns how many.
CREATE OR REPLACE FUNCTION probe_results_drop_partitions(keep_after timestamptz) RETURNS int AS $$
DECLARE
  r record;
  n int := 0;
BEGIN
  FOR r IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'probe_results'::regclass AND c.relname ~ '^probe_results_[0-9]{8}$'
  LOOP
    IF (to_date(substring(r.relname from 15), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC') + interval '1 day' <= keep_after THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
SELECT probe_results_ensure_partitions(2);
--> statement-breakpoint
-- Element-wise sum of two latency histograms (rollup merge).
CREATE OR REPLACE FUNCTION hist_add(a int[], b int[]) RETURNS int[] AS $$
  SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i)
  FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$ LANGUAGE sql IMMUTABLE;
--> statement-breakpoint
CREATE AGGREGATE hist_sum(int[]) (SFUNC = hist_add, STYPE = int[]);
--> statement-breakpoint
-- The 64 lease shards the prober schedules by (components.shard).
INSERT INTO probe_shard_leases (shard) SELECT generate_series(0, 63);