"use client";

import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";

export type TDemandStatus = TRouterOutputs["demands"]["get"]["status"];

/** A demand's status as a coloured tag. */
export function DemandStatusTag({ status }: { status: TDemandStatus }) {
  const { t } = useI18n();
  return (
    <span className={`tag dq-status dq-demand-${status}`} data-testid="demand-status" data-status={status}>
      {t(`demands.status.${status}`)}
    </span>
  );
}
