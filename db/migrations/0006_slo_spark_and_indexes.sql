ALTER TABLE "slo_status" ADD COLUMN "spark_days" integer[];--> statement-breakpoint
ALTER TABLE "slo_status" ADD COLUMN "spark_sli" real[];--> statement-breakpoint
CREATE INDEX "sli_days_dirty_idx" ON "sli_days" USING btree ("slo_id","day") WHERE "sli_days"."slices_dirty";--> statement-breakpoint
CREATE INDEX "sli_days_day_idx" ON "sli_days" USING btree ("day");--> statement-breakpoint
CREATE INDEX "sli_hours_dirty_idx" ON "sli_hours" USING btree ("slo_id","hour") WHERE "sli_hours"."slices_dirty";