"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";

type TVerification = TRouterOutputs["audit"]["verifyUsageRecord"];

/** While a record waits for its batch to be anchored, verify again this often. */
const PENDING_POLL_MS = 3_000;

/** The auditor's verification of one usage record against its receipt and the chain. */
export function VerificationView({ recordId }: { recordId: string }) {
  return (
    <RequireSession roles={["auditor", "regulator"]}>
      {() => <Verification recordId={recordId} />}
    </RequireSession>
  );
}

function Verification({ recordId }: { recordId: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const verification = useQuery({
    ...trpc.audit.verifyUsageRecord.queryOptions({ id: recordId }),
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.verdict === "pending" ? PENDING_POLL_MS : false),
  });

  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/audit">← {t("verify.backToList")}</Link>
      </nav>
      <div className="page-heading">
        <div>
          <h1>{t("verify.title")}</h1>
          <p className="record-id-line muted">
            {t("audit.recordId")}{" "}
            <span className="mono" data-testid="record-id">
              {recordId}
            </span>
          </p>
        </div>
        <button
          type="button"
          className="button button-primary"
          onClick={() => verification.refetch()}
          disabled={verification.isFetching}
          data-testid="verify-again"
        >
          {verification.isFetching ? t("verify.checking") : t("verify.again")}
        </button>
      </div>
      {verification.isPending && <Loading label={t("verify.checking")} />}
      {verification.isError && (
        <ErrorNotice error={verification.error} onRetry={() => verification.refetch()} />
      )}
      {verification.data && <VerificationReport report={verification.data} />}
    </div>
  );
}

function VerificationReport({ report }: { report: TVerification }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const { verdict, checks, anchor, record } = report;
  const { receipt, ...recordFields } = record;
  return (
    <>
      <div
        className={`verdict verdict-${verdict}`}
        role="status"
        data-testid="verdict"
        data-verdict={verdict}
      >
        <span className="verdict-icon" aria-hidden="true">
          {verdict === "verified" ? "✓" : verdict === "failed" ? "✗" : "…"}
        </span>
        <div>
          <div className="verdict-title">{t(`verify.verdict.${verdict}`)}</div>
          <div className="verdict-detail">{t(`verify.verdictDetail.${verdict}`)}</div>
        </div>
      </div>

      <div className="detail-grid">
        <section className="card" aria-labelledby="checks-title">
          <h2 id="checks-title">{t("verify.checks")}</h2>
          <ul className="checks">
            {checks.map((check) => (
              <li
                key={check.name}
                className={check.ok ? "check check-ok" : "check check-bad"}
                data-testid={`check-${check.name}`}
                data-ok={String(check.ok)}
              >
                <span
                  className="check-icon"
                  role="img"
                  aria-label={check.ok ? t("verify.ok") : t("verify.notOk")}
                >
                  {check.ok ? "✓" : "✗"}
                </span>
                <div>
                  <div className="check-name">{t(`verify.check.${check.name}`)}</div>
                  <div className="check-summary">
                    {t(`verify.summary.${check.name}.${check.ok ? "ok" : "bad"}`)}
                  </div>
                  <div className="check-detail break">{check.detail}</div>
                </div>
              </li>
            ))}
          </ul>
        </section>

        <section className="card" aria-labelledby="anchor-title" data-testid="anchor">
          <h2 id="anchor-title">{t("verify.anchor")}</h2>
          {anchor ? (
            <dl className="kv">
              <div>
                <dt>{t("verify.batchId")}</dt>
                <dd className="mono break">{anchor.batchId}</dd>
              </div>
              <div>
                <dt>{t("verify.root")}</dt>
                <dd className="mono break">{anchor.root}</dd>
              </div>
              <div>
                <dt>{t("verify.txHash")}</dt>
                <dd className="mono break" data-testid="anchor-tx-hash">
                  {anchor.txHash}
                </dd>
              </div>
              <div>
                <dt>{t("verify.blockNumber")}</dt>
                <dd>{formatNumber(anchor.blockNumber, 0)}</dd>
              </div>
              <div>
                <dt>{t("verify.contractAddress")}</dt>
                <dd className="mono break">{anchor.contractAddress}</dd>
              </div>
              <div>
                <dt>{t("verify.chainId")}</dt>
                <dd>{anchor.chainId}</dd>
              </div>
              <div>
                <dt>{t("verify.anchoredAt")}</dt>
                <dd>{formatDateTime(anchor.anchoredAt)}</dd>
              </div>
            </dl>
          ) : (
            <p className="muted">{t("verify.anchorNone")}</p>
          )}
        </section>
      </div>

      <div className="detail-grid">
        <section className="card" aria-labelledby="record-title">
          <h2 id="record-title">{t("verify.record")}</h2>
          <dl className="kv kv-wide" data-testid="record-fields">
            {Object.entries(recordFields).map(([name, value]) => (
              <div key={name}>
                <dt className="mono">{name}</dt>
                <dd className="mono break">
                  {typeof value === "object" && value !== null ? JSON.stringify(value) : String(value)}
                </dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="card" aria-labelledby="receipt-json-title">
          <h2 id="receipt-json-title">{t("verify.receiptJson")}</h2>
          <pre className="json" data-testid="receipt-json">
            {JSON.stringify(receipt, null, 2)}
          </pre>
        </section>
      </div>
    </>
  );
}
