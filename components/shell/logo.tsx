/** The Bulwark mark: a shield with a check, in the accent colour. */
export function LogoMark({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="var(--accent)" />
      <path d="M16 26s7-3.2 7-9V10.5L16 8l-7 2.5V17c0 5.8 7 9 7 9z" fill="none" stroke="var(--accent-text)" strokeWidth="2.2" strokeLinejoin="round" />
      <path d="m12.8 16.6 2.3 2.3 4.2-4.6" fill="none" stroke="var(--accent-text)" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
