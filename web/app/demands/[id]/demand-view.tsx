"use client";

import { LIBRARY_LABELS } from "@pdx/common/catalog/dataset-entry";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { type FormEvent, useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";
import { DemandStatusTag } from "../demand-status";
import { formatDuration } from "../format-duration";

type TDemand = TRouterOutputs["demands"]["get"];

/** One demand: its facts, the answers (with "mark satisfied" for its buyer) and the answer form. */
export function DemandView({ id }: { id: string }) {
  return <RequireSession>{() => <Demand id={id} />}</RequireSession>;
}

/** Refreshes everything under demands.* after a change (the list, stats and this demand). */
function useInvalidateDemands() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.demands.pathKey() });
}

function Demand({ id }: { id: string }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const demand = useQuery(trpc.demands.get.queryOptions({ id }));
  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/demands">← {t("demands.detail.back")}</Link>
      </nav>
      {demand.isPending && <Loading />}
      {demand.isError && <ErrorNotice error={demand.error} onRetry={() => demand.refetch()} />}
      {demand.data && <DemandDetail demand={demand.data} />}
    </div>
  );
}

function DemandDetail({ demand }: { demand: TDemand }) {
  const { t, pick, formatDateTime, formatNumber } = useI18n();
  const trpc = useTRPC();
  const invalidate = useInvalidateDemands();
  const close = useMutation({ ...trpc.demands.close.mutationOptions(), onSuccess: invalidate });
  const timeToSatisfy =
    demand.satisfiedAt !== null
      ? formatDuration(
          new Date(demand.satisfiedAt).getTime() - new Date(demand.createdAt).getTime(),
          t,
          formatNumber,
        )
      : null;
  return (
    <>
      <div className="page-heading">
        <div>
          <h1 data-testid="demand-heading">{demand.title}</h1>
          <p className="muted">
            <DemandStatusTag status={demand.status} /> {demand.buyerOrg.name}
          </p>
        </div>
        {demand.actions.includes("close") && (
          <button
            type="button"
            className="button"
            disabled={close.isPending}
            onClick={() => {
              if (window.confirm(t("demands.detail.closeConfirm"))) close.mutate({ demandId: demand.id });
            }}
            data-testid="demand-close"
          >
            {close.isPending ? t("demands.detail.closing") : t("demands.detail.close")}
          </button>
        )}
      </div>
      {close.isError && <ErrorNotice error={close.error} />}
      <div className="detail-grid">
        <section className="card" aria-labelledby="demand-description-title">
          <h2 id="demand-description-title">{t("demands.detail.description")}</h2>
          <p className="prose" data-testid="demand-description">
            {demand.description}
          </p>
        </section>
        <section className="card">
          <dl className="kv">
            <div>
              <dt>{t("demands.detail.buyer")}</dt>
              <dd>{demand.buyerOrg.name}</dd>
            </div>
            <div>
              <dt>{t("demands.detail.postedBy")}</dt>
              <dd>{demand.createdBy.displayName}</dd>
            </div>
            <div>
              <dt>{t("demands.detail.created")}</dt>
              <dd>{formatDateTime(demand.createdAt)}</dd>
            </div>
            <div>
              <dt>{t("demands.detail.library")}</dt>
              <dd>{demand.libraryCode ? pick(LIBRARY_LABELS[demand.libraryCode]) : "—"}</dd>
            </div>
            <div>
              <dt>{t("demands.detail.datasets")}</dt>
              <dd className="mono">
                {demand.datasetCodes.length > 0 ? demand.datasetCodes.join(" · ") : "—"}
              </dd>
            </div>
            {demand.firstResponseAt && (
              <div>
                <dt>{t("demands.detail.firstResponse")}</dt>
                <dd>{formatDateTime(demand.firstResponseAt)}</dd>
              </div>
            )}
            {demand.satisfiedAt && (
              <div>
                <dt>{t("demands.detail.satisfiedAt")}</dt>
                <dd data-testid="demand-satisfied-at">
                  {formatDateTime(demand.satisfiedAt)} ·{" "}
                  <span data-testid="demand-time-to-satisfy">
                    {t("demands.detail.timeToSatisfy")} {timeToSatisfy}
                  </span>
                </dd>
              </div>
            )}
            {demand.closedAt && (
              <div>
                <dt>{t("demands.detail.closedAt")}</dt>
                <dd>{formatDateTime(demand.closedAt)}</dd>
              </div>
            )}
          </dl>
        </section>
      </div>
      <Responses demand={demand} />
      {demand.actions.includes("respond") && <RespondForm demandId={demand.id} />}
    </>
  );
}

function Responses({ demand }: { demand: TDemand }) {
  const { t, pick, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const invalidate = useInvalidateDemands();
  const mark = useMutation({ ...trpc.demands.markSatisfied.mutationOptions(), onSuccess: invalidate });
  const canMark = demand.actions.includes("mark_satisfied");
  return (
    <section className="card dq-section" aria-labelledby="responses-title">
      <h2 id="responses-title">
        {t("demands.responses.title")} ({demand.responses.length})
      </h2>
      {mark.isError && <ErrorNotice error={mark.error} />}
      {demand.responses.length === 0 && <p className="muted">{t("demands.responses.empty")}</p>}
      <ol className="dq-responses">
        {demand.responses.map((r) => {
          const satisfying = demand.satisfiedByResponseId === r.id;
          return (
            <li
              key={r.id}
              className={satisfying ? "dq-response dq-response-satisfying" : "dq-response"}
              data-testid="demand-response"
              data-id={r.id}
              data-org={r.responderOrg.name}
            >
              <div className="dq-response-head">
                <strong>{r.responderOrg.name}</strong>
                <span className="muted small">
                  {r.responder.displayName} · {formatDateTime(r.createdAt)}
                </span>
                {satisfying && (
                  <span className="tag tag-ok" data-testid="satisfied-badge">
                    ✓ {t("demands.responses.satisfiedBy")}
                  </span>
                )}
              </div>
              <p className="prose">{r.message}</p>
              {(r.offeredDataset || r.offeredProduct) && (
                <p className="small">
                  {r.offeredDataset && (
                    <span data-testid="offered-dataset">
                      {t("demands.responses.offeredDataset")}: {pick(r.offeredDataset.name)}{" "}
                      <span className="mono muted">({r.offeredDataset.code})</span>
                    </span>
                  )}
                  {r.offeredDataset && r.offeredProduct && " · "}
                  {r.offeredProduct && (
                    <span data-testid="offered-product">
                      {t("demands.responses.offeredProduct")}:{" "}
                      <Link href={`/products/${encodeURIComponent(r.offeredProduct.id)}`}>
                        {pick(r.offeredProduct.name)}
                      </Link>
                    </span>
                  )}
                </p>
              )}
              {canMark && (
                <button
                  type="button"
                  className="button button-primary"
                  disabled={mark.isPending}
                  onClick={() => mark.mutate({ demandId: demand.id, responseId: r.id })}
                  data-testid="mark-satisfied"
                >
                  {mark.isPending ? t("demands.responses.marking") : t("demands.responses.markSatisfied")}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function RespondForm({ demandId }: { demandId: string }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const invalidate = useInvalidateDemands();
  const datasets = useQuery(trpc.quality.datasetOptions.queryOptions());
  const products = useQuery(trpc.catalog.listProducts.queryOptions({}));
  const [message, setMessage] = useState("");
  const [datasetCode, setDatasetCode] = useState("");
  const [productId, setProductId] = useState("");
  const respond = useMutation({
    ...trpc.demands.respond.mutationOptions(),
    onSuccess: () => {
      setMessage("");
      setDatasetCode("");
      setProductId("");
      return invalidate();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    respond.mutate({
      demandId,
      message,
      offeredDatasetCode: datasetCode || null,
      offeredProductId: productId || null,
    });
  };
  return (
    <section className="card dq-section" aria-labelledby="respond-title">
      <h2 id="respond-title">{t("demands.respond.title")}</h2>
      <form className="form dq-form" onSubmit={submit} data-testid="demand-respond-form">
        <label className="field">
          <span className="field-label">{t("demands.respond.message")}</span>
          <textarea
            value={message}
            rows={3}
            maxLength={4000}
            required
            placeholder={t("demands.respond.messagePlaceholder")}
            onChange={(e) => setMessage(e.target.value)}
            data-testid="response-message"
          />
        </label>
        <div className="dq-form-row">
          <label className="field">
            <span className="field-label">{t("demands.respond.dataset")}</span>
            <select
              value={datasetCode}
              onChange={(e) => setDatasetCode(e.target.value)}
              data-testid="response-dataset"
            >
              <option value="">{t("demands.respond.none")}</option>
              {datasets.data?.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.code} · {pick(d.name)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t("demands.respond.product")}</span>
            <select
              value={productId}
              onChange={(e) => setProductId(e.target.value)}
              data-testid="response-product"
            >
              <option value="">{t("demands.respond.none")}</option>
              {products.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {pick(p.name)} ({p.code} v{p.version})
                </option>
              ))}
            </select>
          </label>
        </div>
        {respond.isError && <ErrorNotice error={respond.error} />}
        <div>
          <button
            type="submit"
            className="button button-primary"
            disabled={respond.isPending}
            data-testid="response-submit"
          >
            {respond.isPending ? t("demands.respond.submitting") : t("demands.respond.submit")}
          </button>
        </div>
      </form>
    </section>
  );
}
