"use client";

import { TRPCClientError } from "@trpc/client";
import Link from "next/link";
import { errorMessage } from "@/components/trpc/errors";
import { IconAlert } from "@/components/ui/icons";
import { operationHref } from "./format";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function errorCode(err: unknown): string | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const d: unknown = err.data;
  return d && typeof d === "object" && "code" in d && typeof d.code === "string" ? d.code : undefined;
}

/**
 * A refused operation request, in place: CONFLICT links to the operation that
 * holds the cluster (its id is in the message, else the one we last saw
 * running), PRECONDITION_FAILED names the check that failed.
 */
export function OperationRequestError({ err, runningOperationId }: { err: unknown; runningOperationId: string | null }) {
  if (!err) return null;
  const code = errorCode(err);
  const message = errorMessage(err);
  const running = code === "CONFLICT" ? (message.match(UUID)?.[0] ?? runningOperationId) : null;
  return (
    <div className="alert alert-bad" role="alert" data-testid="operation-request-error" data-code={code}>
      <IconAlert />
      <span>
        {code === "PRECONDITION_FAILED" ? <strong>Refused: </strong> : null}
        {message}
        {running ? (
          <>
            {" "}
            <Link href={operationHref(running)} data-testid="running-operation-link">
              Open the running operation
            </Link>
          </>
        ) : null}
      </span>
    </div>
  );
}
