-- Per-minute rollups are kept for months (about 14 M rows a day at 10,000
-- components): partition them by month so retention drops whole months
-- instead of deleting rows. Existing rows are carried over.
ALTER TABLE "probe_rollups_1m" RENAME TO "probe_rollups_1m_unpartitioned";
--> statement-breakpoint
ALTER INDEX "probe_rollups_1m_pk" RENAME TO "probe_rollups_1m_unpartitioned_pk";
--> statement-breakpoint
CREATE TABLE "probe_rollups_1m" (
	"component_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"checks" integer NOT NULL,
	"failures" integer NOT NULL,
	"hist" integer[] NOT NULL,
	"maintenance" boolean DEFAULT false NOT NULL
) PARTITION BY RANGE ("minute");
--> statement-breakpoint
CREATE UNIQUE INDEX "probe_rollups_1m_pk" ON "probe_rollups_1m" USING btree ("component_id","minute");
--> statement-breakpoint
CREATE OR REPLACE FUNCTION probe_rollups_ensure_partition(at timestamptz) RETURNS void AS $$
DECLARE
  m date := date_trunc('month', at AT TIME ZONE 'UTC')::date;
  name text := 'probe_rollups_1m_' || to_char(m, 'YYYYMM');
BEGIN
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF probe_rollups_1m FOR VALUES FROM (%L) TO (%L)',
      name, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
  END IF;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION probe_rollups_ensure_partitions(months_ahead int) RETURNS void AS $$
BEGIN
  FOR i IN 0..months_ahead LOOP
    PERFORM probe_rollups_ensure_partition(now() + make_interval(months => i));
  END LOOP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Drops month partitions whose whole month ended before `keep_after`; returns how many.
CREATE OR REPLACE FUNCTION probe_rollups_drop_partitions(keep_after timestamptz) RETURNS int AS $$
DECLARE
  r record;
  n int := 0;
BEGIN
  FOR r IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'probe_rollups_1m'::regclass AND c.relname ~ '^probe_rollups_1m_[0-9]{6}$'
  LOOP
    IF (to_date(substring(r.relname from 18), 'YYYYMM')::timestamp AT TIME ZONE 'UTC') + interval '1 month' <= keep_after THEN
      EXECUTE format('DROP TABLE %I', r.relname);
      n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT DISTINCT date_trunc('month', minute) AS m FROM probe_rollups_1m_unpartitioned LOOP
    PERFORM probe_rollups_ensure_partition(r.m);
  END LOOP;
END;
$$;
--> statement-breakpoint
SELECT probe_rollups_ensure_partitions(1);
--> statement-breakpoint
INSERT INTO "probe_rollups_1m" SELECT "component_id", "minute", "checks", "failures", "hist", "maintenance" FROM "probe_rollups_1m_unpartitioned";
--> statement-breakpoint
DROP TABLE "probe_rollups_1m_unpartitioned";
