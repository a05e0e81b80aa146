"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { LogoMark } from "./logo";
import { type NavItem, isActive, navGroups, settingsItem } from "./nav";
import styles from "./shell.module.css";

function NavLink({ item, pathname }: { item: NavItem; pathname: string }) {
  const active = isActive(pathname, item.href);
  const Icon = item.icon;
  return (
    <li>
      <Link href={item.href} className={styles.navItem} aria-current={active ? "page" : undefined} title={item.label}>
        <Icon />
        <span className={styles.navLabel}>{item.label}</span>
      </Link>
    </li>
  );
}

export function Sidebar() {
  const pathname = usePathname() ?? "/";
  return (
    <aside className={styles.sidebar}>
      <div className={styles.sidebarInner}>
      <Link href="/" className={styles.brand} aria-label="Bulwark home">
        <LogoMark size={26} />
        <span className={styles.brandName}>Bulwark</span>
      </Link>
      <nav aria-label="Main" className={styles.nav}>
        {navGroups.map((group, i) => (
          <ul key={i} className={styles.navGroup}>
            {group.map((item) => (
              <NavLink key={item.href} item={item} pathname={pathname} />
            ))}
          </ul>
        ))}
        <ul className={`${styles.navGroup} ${styles.navBottom}`}>
          <NavLink item={settingsItem} pathname={pathname} />
        </ul>
      </nav>
      </div>
    </aside>
  );
}
