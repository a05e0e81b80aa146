import type { Metadata } from "next";
import { UsersAdmin } from "@/components/settings/users-admin";
import { HydrateClient, getQueryClient, trpc } from "@/components/trpc/server";
import { EmptyState } from "@/components/ui/empty-state";
import { IconUsers } from "@/components/ui/icons";

export const metadata: Metadata = { title: "Users" };

/** Admins manage people here; anyone else gets an explanation and no controls. */
export default async function UsersPage() {
  const queryClient = getQueryClient();
  const me = await queryClient.fetchQuery(trpc.system.me.queryOptions());
  if (me?.role !== "admin") {
    return (
      <section className="card" data-testid="users-forbidden">
        <EmptyState icon={<IconUsers />} title="Only admins manage users">
          <p>Ask an admin of this Bulwark installation to add people, change roles or reset passwords.</p>
        </EmptyState>
      </section>
    );
  }
  await queryClient.prefetchQuery(trpc.users.list.queryOptions());
  return (
    <HydrateClient>
      <UsersAdmin meId={me.id} />
    </HydrateClient>
  );
}
