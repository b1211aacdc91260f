"use client";

/**
 * 产品逻辑, the operator's workbench: choose one of the organization's products, edit its logic
 * (with the fields it declares and its parameters), run it on mock data generated from the
 * schema (output, the ε a real run would spend, statistics, logs), and save it as a new version.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { RequireSession } from "@/components/session";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TMessageKey } from "@/lib/i18n/types";
import { useTRPC } from "@/lib/trpc/client";
import { isUnfinished, JobOutcomeNotice, JobOutput, JobStateTag, JobStats } from "../jobs/job-parts";

export default function LogicPage() {
  return <RequireSession roles={["operator"]}>{() => <LogicEditor />}</RequireSession>;
}

type TFields = Record<string, string[]>;

/** "CODE: a, b" per line → {CODE: [a, b]}; the first malformed line is reported. */
function parseFieldLines(text: string): { fields: TFields } | { error: string } {
  const fields: TFields = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([A-Z][A-Z0-9-]{2,39})\s*:\s*(.+)$/.exec(line);
    if (!m) return { error: line };
    const names = m[2]!
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 0 || names.some((n) => !/^[a-z][a-z0-9_]{0,63}$/.test(n))) return { error: line };
    fields[m[1]!] = [...(fields[m[1]!] ?? []), ...names];
  }
  if (Object.keys(fields).length === 0) return { error: "—" };
  return { fields };
}

function fieldsToLines(fields: TFields): string {
  return Object.entries(fields)
    .map(([code, names]) => `${code}: ${names.join(", ")}`)
    .join("\n");
}

function LogicEditor() {
  const { t, pick, formatNumber, formatDateTime } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const products = useQuery(trpc.productJobs.myProducts.queryOptions());
  const example = useQuery(trpc.productJobs.exampleLogic.queryOptions());
  const [productId, setProductId] = useState("");
  const [language, setLanguage] = useState<"javascript" | "typescript">("javascript");
  const [source, setSource] = useState("");
  const [fieldText, setFieldText] = useState("");
  const [paramText, setParamText] = useState("{}");
  const [mockJobId, setMockJobId] = useState<string | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);

  useEffect(() => {
    if (!productId && products.data && products.data.length > 0) setProductId(products.data[0]!.id);
  }, [productId, products.data]);
  useEffect(() => {
    if (example.data && source === "") {
      setLanguage(example.data.language);
      setSource(example.data.source);
      setFieldText(fieldsToLines(example.data.fields));
    }
  }, [example.data, source]);

  const versions = useQuery({
    ...trpc.productJobs.listVersions.queryOptions({ productId }),
    enabled: productId !== "",
  });
  const mockJob = useQuery({
    ...trpc.productJobs.get.queryOptions({ jobId: mockJobId ?? "00000000-0000-4000-8000-000000000000" }),
    enabled: mockJobId !== null,
    refetchInterval: (q) => (q.state.data && !isUnfinished(q.state.data) ? false : 1000),
  });
  const runMock = useMutation({
    ...trpc.productJobs.runMock.mutationOptions(),
    onSuccess: (job) => {
      queryClient.setQueryData(trpc.productJobs.get.queryKey({ jobId: job.jobId }), job);
      setMockJobId(job.jobId);
    },
  });
  const save = useMutation({
    ...trpc.productJobs.saveVersion.mutationOptions(),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: trpc.productJobs.listVersions.queryKey({ productId }) });
      void queryClient.invalidateQueries({ queryKey: trpc.productJobs.myProducts.queryKey() });
    },
  });

  const draft = () => {
    const parsed = parseFieldLines(fieldText);
    if ("error" in parsed) {
      setInputError(t("logic.fieldsInvalid", { line: parsed.error }));
      return null;
    }
    setInputError(null);
    return { productId, language, source, fields: parsed.fields };
  };
  const onRunMock = () => {
    const d = draft();
    if (!d) return;
    let params: Record<string, unknown>;
    try {
      const value = JSON.parse(paramText || "{}") as unknown;
      if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
      params = value as Record<string, unknown>;
    } catch {
      setInputError(t("logic.paramsInvalid"));
      return;
    }
    runMock.mutate({ ...d, params });
  };
  /** An edit makes the last "saved" notice stale. */
  const edited = () => {
    if (save.data || save.isError) save.reset();
  };
  const onSave = () => {
    const d = draft();
    if (d) save.mutate(d);
  };

  if (products.isPending) return <Loading />;
  if (products.isError) return <ErrorNotice error={products.error} onRetry={() => products.refetch()} />;
  const selected = products.data.find((p) => p.id === productId);
  const job = mockJob.data;

  return (
    <div className="page sd-page">
      <div className="page-heading">
        <div>
          <h1>{t("logic.title")}</h1>
          <p className="muted">{t("logic.subtitle")}</p>
        </div>
      </div>
      {products.data.length === 0 && <p className="empty">{t("logic.noProducts")}</p>}
      {products.data.length > 0 && (
        <section className="card form" aria-label={t("logic.editor")}>
          <label className="field">
            <span className="field-label">{t("logic.product")}</span>
            <select
              value={productId}
              onChange={(e) => setProductId(e.target.value)}
              data-testid="logic-product"
            >
              {products.data.map((p) => (
                <option key={p.id} value={p.id}>
                  {pick(p.name)} ({p.code})
                </option>
              ))}
            </select>
          </label>
          {selected && (
            <p className="small muted sd-meta">
              <span>
                {t("logic.latestVersion")}:{" "}
                {selected.latestVersion ? (
                  <>
                    <strong className="sd-ink">v{selected.latestVersion.version}</strong>{" "}
                    <ReviewStateTag state={selected.latestVersion.reviewState} />
                  </>
                ) : (
                  t("logic.noVersion")
                )}
              </span>
            </p>
          )}
          <label className="field">
            <span className="field-label">{t("logic.language")}</span>
            <select
              value={language}
              onChange={(e) => {
                setLanguage(e.target.value as "javascript" | "typescript");
                edited();
              }}
              data-testid="logic-language"
            >
              <option value="javascript">JavaScript</option>
              <option value="typescript">TypeScript</option>
            </select>
          </label>
          <label className="field">
            <span className="field-label">{t("logic.source")}</span>
            <textarea
              value={source}
              onChange={(e) => {
                setSource(e.target.value);
                edited();
              }}
              spellCheck={false}
              rows={22}
              className="mono sd-code"
              data-testid="logic-source"
            />
          </label>
          <label className="field">
            <span className="field-label">{t("logic.fields")}</span>
            <textarea
              value={fieldText}
              onChange={(e) => {
                setFieldText(e.target.value);
                edited();
              }}
              rows={3}
              className="mono"
              spellCheck={false}
              data-testid="logic-fields"
            />
          </label>
          <label className="field">
            <span className="field-label">{t("logic.params")}</span>
            <textarea
              value={paramText}
              onChange={(e) => setParamText(e.target.value)}
              rows={2}
              className="mono"
              spellCheck={false}
              data-testid="logic-params"
            />
          </label>
          {inputError && (
            <p className="notice notice-error" role="alert" data-testid="logic-input-error">
              {inputError}
            </p>
          )}
          <div className="card-actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                if (!example.data) return;
                setLanguage(example.data.language);
                setSource(example.data.source);
                setFieldText(fieldsToLines(example.data.fields));
                edited();
              }}
            >
              {t("logic.loadExample")}
            </button>
            <button
              type="button"
              className="button"
              onClick={onRunMock}
              disabled={runMock.isPending || !productId}
              data-testid="logic-run-mock"
            >
              {runMock.isPending ? t("logic.runningMock") : t("logic.runMock")}
            </button>
            <button
              type="button"
              className="button button-primary"
              onClick={onSave}
              disabled={save.isPending || !productId}
              data-testid="logic-save"
            >
              {save.isPending ? t("logic.saving") : t("logic.save")}
            </button>
          </div>
          {runMock.isError && <ErrorNotice error={runMock.error} />}
          {save.isError && <ErrorNotice error={save.error} />}
          {save.data && (
            <div className="notice notice-success" role="status" data-testid="logic-saved">
              <strong>{t("logic.saved", { version: save.data.version })}</strong>
              <div>
                {t("logic.savedHash")}{" "}
                <span className="mono small sd-break" data-testid="logic-saved-hash">
                  {save.data.versionHash}
                </span>
              </div>
              <div className="small">{t("logic.savedHint")}</div>
            </div>
          )}
        </section>
      )}

      {job && (
        <section className="card" data-testid="mock-result" aria-busy={isUnfinished(job)}>
          <h2 className="sd-title">
            {t("logic.mockResult")} <JobStateTag job={job} />
            {(isUnfinished(job) || runMock.isPending) && <span className="spinner" aria-hidden="true" />}
          </h2>
          <p className="muted small">{t("logic.mockHint")}</p>
          {job.stats && job.state === "released" && (
            <p className="sd-preview-max">
              {t("logic.epsilonWouldSpend")}{" "}
              <strong className="sd-big" data-testid="mock-epsilon">
                {formatNumber(job.stats.epsilonSpent, 4)}
              </strong>
            </p>
          )}
          <JobOutcomeNotice job={job} />
          {job.outputVisible && <JobOutput output={job.output} />}
          {job.stats && !isUnfinished(job) && (
            <>
              <h3>{t("jobs.stats")}</h3>
              <JobStats stats={job.stats} />
            </>
          )}
          <h3>{t("logic.logs")}</h3>
          <pre className="mono small sd-logs" data-testid="mock-logs">
            {job.logs.length > 0 ? job.logs.join("\n") : t("logic.noLogs")}
          </pre>
        </section>
      )}

      {productId !== "" && (
        <section aria-labelledby="logic-versions-title">
          <h2 id="logic-versions-title">{t("logic.versions")}</h2>
          {versions.isPending && <Loading />}
          {versions.isError && <ErrorNotice error={versions.error} onRetry={() => versions.refetch()} />}
          {versions.data && versions.data.length === 0 && <p className="empty">{t("logic.noVersions")}</p>}
          {versions.data && versions.data.length > 0 && (
            <div className="card table-card">
              <table className="table" data-testid="logic-versions">
                <thead>
                  <tr>
                    <th scope="col">{t("logic.col.version")}</th>
                    <th scope="col">{t("logic.col.hash")}</th>
                    <th scope="col">{t("logic.col.review")}</th>
                    <th scope="col">{t("logic.col.by")}</th>
                    <th scope="col">{t("logic.col.at")}</th>
                  </tr>
                </thead>
                <tbody>
                  {versions.data.map((v) => (
                    <tr key={v.id} data-testid="logic-version-row">
                      <td>
                        <strong>v{v.version}</strong>
                      </td>
                      <td className="mono small" title={v.versionHash}>
                        {v.versionHash.slice(0, 16)}…
                      </td>
                      <td>
                        <ReviewStateTag state={v.reviewState} />
                      </td>
                      <td>{v.createdBy}</td>
                      <td className="small">{formatDateTime(v.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </div>
  );
}

/** A logic version's review state: awaiting the first output review, or approved. */
function ReviewStateTag({ state }: { state: string }) {
  const { t } = useI18n();
  return (
    <span className={state === "approved" ? "tag tag-success" : "tag tag-warn"}>
      {t(`logic.reviewState.${state}` as TMessageKey)}
    </span>
  );
}
