import Link from "next/link";
import { IconKey } from "@/components/ui/icons";
import styles from "./shell.module.css";

/** Shown on every page while the account still uses an admin-issued one-time password. */
export function PasswordBanner() {
  return (
    <div className={`alert alert-warn ${styles.banner}`} role="alert" data-testid="must-change-password">
      <IconKey />
      <span>
        <strong>You are signed in with a one-time password.</strong> Choose your own password before you do anything else.
      </span>
      <span className="spacer" />
      <Link href="/settings#change-password" className="btn btn-sm">
        Change password
      </Link>
    </div>
  );
}
