"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useDeferredValue, useState } from "react";
import { DeliveryFormText, PrivacyRuleText } from "@/components/product-facts";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC } from "@/lib/trpc/client";

/** The catalog: every listed data product as a card, with a text filter. */
export default function CatalogPage() {
  return <RequireSession>{() => <Catalog />}</RequireSession>;
}

function Catalog() {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const [filter, setFilter] = useState("");
  const q = useDeferredValue(filter.trim());
  const products = useQuery({
    ...trpc.catalog.listProducts.queryOptions(q ? { q } : {}),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="page">
      <div className="page-heading">
        <div>
          <h1>{t("catalog.title")}</h1>
          <p className="muted">{t("catalog.subtitle")}</p>
        </div>
        <label className="field field-inline search-field">
          <span className="field-label">{t("catalog.filter")}</span>
          <input
            type="search"
            value={filter}
            placeholder={t("catalog.filterPlaceholder")}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
      </div>
      {products.isPending && <Loading />}
      {products.isError && <ErrorNotice error={products.error} onRetry={() => products.refetch()} />}
      {products.data && products.data.length === 0 && <p className="empty">{t("catalog.empty")}</p>}
      {products.data && products.data.length > 0 && (
        <ul className="product-grid">
          {products.data.map((product) => (
            <li
              key={product.id}
              className="card product-card"
              data-testid="product-card"
              data-code={product.code}
            >
              <div className="product-card-head">
                <span className="tag tag-code mono">
                  {product.code} · v{product.version}
                </span>
                <span className="tag tag-delivery">
                  <DeliveryFormText form={product.deliveryForm} />
                </span>
              </div>
              <h2 className="product-name">
                <Link href={`/products/${encodeURIComponent(product.id)}`}>{pick(product.name)}</Link>
              </h2>
              <p className="product-summary">{pick(product.summary)}</p>
              <dl className="facts">
                <div>
                  <dt>{t("product.operator")}</dt>
                  <dd>{product.operator.name}</dd>
                </div>
                <div>
                  <dt>{t("product.dataset")}</dt>
                  <dd>
                    {pick(product.dataset.name)} <span className="mono muted">({product.dataset.code})</span>
                  </dd>
                </div>
                <div>
                  <dt>{t("product.sourceOrg")}</dt>
                  <dd>{product.dataset.sourceOrg.name}</dd>
                </div>
                <div>
                  <dt>{t("product.privacyRule")}</dt>
                  <dd className="privacy">
                    <PrivacyRuleText rule={product.privacyRule} />
                  </dd>
                </div>
              </dl>
              <div className="card-actions">
                <Link className="button button-primary" href={`/products/${encodeURIComponent(product.id)}`}>
                  {t("catalog.open")}
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
