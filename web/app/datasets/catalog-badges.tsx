"use client";

import {
  FREQUENCY_LABELS,
  GRADE_LABELS,
  LIBRARY_KIND_LABELS,
  LIBRARY_LABELS,
  OPEN_LABELS,
  SHARING_LABELS,
  type TGrade,
  type TLibraryCode,
  type TLibraryKind,
  type TOpenAttribute,
  type TSharingAttribute,
  type TUpdateFrequency,
} from "@pdx/common/catalog/dataset-entry";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";

type TRegistrationStatus = TRouterOutputs["registrations"]["get"]["status"];
type TRegistrationKind = TRouterOutputs["registrations"]["get"]["kind"];
type TChainWrite = TRouterOutputs["datasets"]["get"]["chainWrites"][number];

/** The dataset or field grade (数据分级) as a coloured badge; the tooltip explains it. */
export function GradeBadge({ grade }: { grade: TGrade }) {
  const { pick } = useI18n();
  const label = GRADE_LABELS[grade];
  return (
    <span className={`tag cat-grade cat-grade-${grade}`} title={pick(label.description)} data-grade={grade}>
      {pick(label)}
    </span>
  );
}

export function SharingBadge({ sharing }: { sharing: TSharingAttribute }) {
  const { pick } = useI18n();
  return (
    <span className={`tag cat-attr cat-sharing-${sharing}`} data-sharing={sharing}>
      {pick(SHARING_LABELS[sharing])}
    </span>
  );
}

export function OpenBadge({ open }: { open: TOpenAttribute }) {
  const { pick } = useI18n();
  return (
    <span className={`tag cat-attr cat-open-${open}`} data-open={open}>
      {pick(OPEN_LABELS[open])}
    </span>
  );
}

/** "基础库 · 法人" */
export function LibraryText({ library, libraryCode }: { library: TLibraryKind; libraryCode: TLibraryCode }) {
  const { pick } = useI18n();
  return (
    <>
      {pick(LIBRARY_KIND_LABELS[library])} · {pick(LIBRARY_LABELS[libraryCode])}
    </>
  );
}

export function FrequencyText({ frequency }: { frequency: TUpdateFrequency }) {
  const { pick } = useI18n();
  return <>{pick(FREQUENCY_LABELS[frequency])}</>;
}

export function RegistrationStatusTag({ status }: { status: TRegistrationStatus }) {
  const { t } = useI18n();
  return (
    <span
      className={`tag cat-status cat-status-${status}`}
      data-testid="registration-status"
      data-status={status}
    >
      {t(`registrations.status.${status}`)}
    </span>
  );
}

export function KindText({ kind }: { kind: TRegistrationKind }) {
  const { t } = useI18n();
  return <>{t(`registrations.kind.${kind}`)}</>;
}

/** The chain writes of a registration: kind, pending / on chain, transaction and block. */
export function ChainWriteList({ writes }: { writes: readonly TChainWrite[] }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  if (writes.length === 0) return <p className="muted">{t("datasets.reg.chainNone")}</p>;
  return (
    <ul className="cat-chain-list">
      {writes.map((w) => (
        <li key={w.id} data-testid="chain-write" data-kind={w.kind} data-status={w.status}>
          <div className="cat-chain-head">
            <span>
              {t(
                w.kind === "registration.status"
                  ? "datasets.chain.kind.registration.status"
                  : "datasets.chain.kind.registration.record",
              )}
            </span>
            <span className={`tag ${w.status === "confirmed" ? "tag-ok" : "tag-pending"}`}>
              {t(w.status === "confirmed" ? "datasets.chain.confirmed" : "datasets.chain.pending")}
            </span>
            <span className="muted small">{formatDateTime(w.confirmedAt ?? w.createdAt)}</span>
          </div>
          {w.txHash ? (
            <dl className="kv cat-chain-kv">
              <div>
                <dt>{t("datasets.chain.tx")}</dt>
                <dd className="mono break" data-testid="chain-tx-hash">
                  {w.txHash}
                </dd>
              </div>
              {w.blockNumber !== null && (
                <div>
                  <dt>{t("datasets.chain.block")}</dt>
                  <dd>{formatNumber(w.blockNumber, 0)}</dd>
                </div>
              )}
            </dl>
          ) : (
            w.attempts > 0 && <p className="muted small">{t("datasets.chain.attempts", { n: w.attempts })}</p>
          )}
        </li>
      ))}
    </ul>
  );
}
