import type { Page } from "@playwright/test";
import type { PgPair } from "../server/lab/pg-pair/pair";
import { expect } from "./fixtures";

/** A member's card on the cluster page (data-role: primary, standby, down, unknown). */
export const memberCard = (page: Page, name: string) => page.locator(`[data-testid="member-card"][data-member="${name}"]`);

/** Fills the new-cluster form for a lab pair (postgres-streaming); with an agent token the form also gets the pair's agent. */
export async function fillPairClusterForm(page: Page, name: string, pair: PgPair, agentToken?: string): Promise<void> {
  await page.goto("/clusters/new");
  await expect(page.getByTestId("cluster-form")).toBeVisible();
  await page.getByTestId("field-name").fill(name);
  for (const [i, m] of pair.members.entries()) {
    await page.getByTestId(`member-${i}-name`).fill(m.name);
    await page.getByTestId(`member-${i}-host`).fill(m.host);
    await page.getByTestId(`member-${i}-port`).fill(String(m.port));
  }
  await page.getByTestId("field-user").fill(pair.user);
  await page.getByTestId("field-password").fill(pair.password);
  if (agentToken) {
    await page.getByTestId("field-agent-url").fill(pair.agentUrl);
    await page.getByTestId("field-agent-token").fill(agentToken);
  }
  await page.getByTestId("field-write-probe-url").fill(pair.routerUrl);
}
