import { readFileSync } from "node:fs";
import path from "node:path";
import { type APIRequestContext, type Page, expect, test as base } from "@playwright/test";
import { E2E_ADMIN, E2E_DATA_DIR } from "../playwright.config";

export { expect };
export const admin = E2E_ADMIN;

/** Process ids written by the supervisor (`<data dir>/run.json`). */
export function runInfo(): { supervisor: number; web: number | null; worker: number | null } {
  return JSON.parse(readFileSync(path.join(E2E_DATA_DIR, "run.json"), "utf8")) as { supervisor: number; web: number | null; worker: number | null };
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByTestId("login-submit").click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Calls a tRPC mutation over HTTP with the page's session cookie (superjson envelope). */
export async function trpcMutation(request: APIRequestContext, procedure: string, input: unknown) {
  const res = await request.post(`/api/trpc/${procedure}`, { data: { json: input } });
  return { status: res.status(), body: (await res.json()) as Record<string, unknown> };
}

/** The sidebar (the settings page has a second navigation for its tabs). */
export const mainNav = (page: Page) => page.getByRole("navigation", { name: "Main" });

export const shotsDir = path.resolve("artifacts/screenshots");

export const test = base;
