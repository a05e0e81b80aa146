-- Audit rows announce themselves too (sign-ins and password changes write no
-- outbox event), so the audit log page can say "new entries" live.
CREATE OR REPLACE FUNCTION audit_log_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('bulwark_events', json_build_object('k', 'audit', 'id', NEW.id)::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_notify();
