"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { DeliveryFormText, PrivacyRuleText } from "@/components/product-facts";
import { RunResult } from "@/components/run-result";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { localizeUnit } from "@/lib/i18n/dictionaries";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRole } from "@/lib/routes";
import { useTRPC } from "@/lib/trpc/client";
import { HeRunner } from "./he-runner";
import { MpcRunner } from "./mpc-runner";
import { PsiRunner } from "./psi-runner";

/** A product's description, data lineage and privacy rule; buyers can run it here. */
export function ProductView({ id }: { id: string }) {
  return <RequireSession>{(user) => <Product id={id} role={user.role} />}</RequireSession>;
}

function Product({ id, role }: { id: string; role: TRole }) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const product = useQuery(trpc.catalog.getProduct.queryOptions({ id }));
  const run = useMutation({
    ...trpc.runs.start.mutationOptions(),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.runs.listMine.queryKey() }),
  });

  if (product.isPending) return <Loading />;
  if (product.isError) return <ErrorNotice error={product.error} onRetry={() => product.refetch()} />;
  const p = product.data;

  return (
    <div className="page">
      <nav className="breadcrumb">
        <Link href="/catalog">← {t("nav.catalog")}</Link>
      </nav>
      <div className="page-heading">
        <div>
          <span className="tag tag-code mono">
            {p.code} · v{p.version}
          </span>
          <h1 data-testid="product-name">{pick(p.name)}</h1>
          <p className="lead">{pick(p.summary)}</p>
        </div>
        <div className="run-box">
          {p.setIntersection || p.encryptedQuery || p.jointStatistics ? (
            role === "buyer" ? null : (
              <p className="muted small">{t("product.runBuyerOnly")}</p>
            )
          ) : role === "buyer" ? (
            <>
              <button
                type="button"
                className="button button-primary button-large"
                onClick={() => run.mutate({ productId: p.id })}
                disabled={run.isPending}
                data-testid="run-button"
              >
                {run.isPending ? t("product.running") : t("product.run")}
              </button>
              <p className="muted small">{t("product.runHint")}</p>
            </>
          ) : (
            <p className="muted small">{t("product.runBuyerOnly")}</p>
          )}
        </div>
      </div>

      {p.setIntersection && p.privacyRule.kind === "set-membership" && role === "buyer" && (
        <PsiRunner
          productId={p.id}
          format={p.setIntersection.format}
          maxBuyerItems={p.privacyRule.maxBuyerItems}
          minBuyerItems={p.privacyRule.minBuyerItems}
        />
      )}
      {p.encryptedQuery && role === "buyer" && (
        <HeRunner productId={p.id} mode={p.encryptedQuery.mode} features={p.encryptedQuery.features} />
      )}
      {p.jointStatistics && p.privacyRule.kind === "min-group-size" && role === "buyer" && (
        <MpcRunner productId={p.id} joint={p.jointStatistics} k={p.privacyRule.k} columns={p.columns} />
      )}
      {run.isPending && <Loading label={t("product.running")} />}
      {run.isError && <ErrorNotice error={run.error} />}
      {run.data && <RunResult run={run.data} />}

      <div className="detail-grid">
        <section className="card" aria-labelledby="desc-title">
          <h2 id="desc-title">{t("product.description")}</h2>
          <p className="prose">{pick(p.description)}</p>
          <dl className="kv">
            <div>
              <dt>{t("product.operator")}</dt>
              <dd>{p.operator.name}</dd>
            </div>
            <div>
              <dt>{t("product.dataset")}</dt>
              <dd>
                {pick(p.dataset.name)} <span className="mono muted">({p.dataset.code})</span>
              </dd>
            </div>
            <div>
              <dt>{t("product.sourceOrg")}</dt>
              <dd>{p.dataset.sourceOrg.name}</dd>
            </div>
            <div>
              <dt>{t("product.privacyRule")}</dt>
              <dd className="privacy">
                <PrivacyRuleText rule={p.privacyRule} />
              </dd>
            </div>
            {p.encryptedQuery && (
              <div>
                <dt>{t("he.features")}</dt>
                <dd>
                  <ul className="plain-list" data-testid="he-features">
                    {p.encryptedQuery.features.map((f) => (
                      <li key={f.as}>{pick(f.label)}</li>
                    ))}
                  </ul>
                </dd>
              </div>
            )}
            <div>
              <dt>{t("product.deliveryForm")}</dt>
              <dd>
                <DeliveryFormText form={p.deliveryForm} />
              </dd>
            </div>
          </dl>
        </section>
        <section className="card" aria-labelledby="fields-title">
          <h2 id="fields-title">{t("product.fieldsUsed")}</h2>
          <table className="table compact" data-testid="fields-used">
            <thead>
              <tr>
                <th scope="col">{t("product.fieldName")}</th>
                <th scope="col">{t("product.fieldLabel")}</th>
                <th scope="col">{t("product.fieldUsage")}</th>
              </tr>
            </thead>
            <tbody>
              {p.fieldsUsed.map((field) => (
                <tr key={field.name}>
                  <td className="mono">{field.name}</td>
                  <td>{pick(field.label)}</td>
                  <td>
                    <span className={`tag tag-${field.usage}`}>{t(`usage.${field.usage}`)}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2 id="columns-title">{t("product.columns")}</h2>
          <table className="table compact" data-testid="output-columns">
            <thead>
              <tr>
                <th scope="col">{t("product.fieldName")}</th>
                <th scope="col">{t("product.fieldLabel")}</th>
                <th scope="col">{t("product.columnKind")}</th>
                <th scope="col">{t("product.columnUnit")}</th>
              </tr>
            </thead>
            <tbody>
              {p.columns.map((column) => (
                <tr key={column.key}>
                  <td className="mono">{column.key}</td>
                  <td>{pick(column.label)}</td>
                  <td>{t(`columnKind.${column.kind}`)}</td>
                  <td>{column.unit ? localizeUnit(column.unit, t) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
