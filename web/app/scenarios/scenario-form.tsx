"use client";

import { COMPUTE_MODE_LABELS, COMPUTE_MODES, type TComputeMode } from "@pdx/common/catalog/grade-policy";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useDeferredValue, useMemo, useState } from "react";
import { AccessTag, GradeTag } from "@/app/authorizations/_shared/bits";
import { ErrorNotice, Loading } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import type { TRouterOutputs } from "@/lib/trpc/app-router";
import { useTRPC } from "@/lib/trpc/client";

type TPickerDataset = TRouterOutputs["authorizations"]["authorizableDatasets"][number];
type TBeneficiary = "public_welfare" | "industry";
const BENEFICIARIES: readonly TBeneficiary[] = ["public_welfare", "industry"];

/** Selected fields per dataset code. */
type TSelection = Record<string, string[]>;

export interface TScenarioFormValues {
  title: string;
  purpose: string;
  beneficiaryClass: TBeneficiary;
  computeMode: TComputeMode;
  expectedOutputs: string;
  requestedScope: { datasetCode: string; fields: string[] }[];
}

const EMPTY: TScenarioFormValues = {
  title: "",
  purpose: "",
  beneficiaryClass: "industry",
  computeMode: "sandbox",
  expectedOutputs: "",
  requestedScope: [],
};

/**
 * The scenario form: what, for whom, how, and a picker of catalog datasets whose field
 * checkboxes show each field's grade and whether the chosen mode may use it. Creates a draft, or
 * rewrites the draft `scenarioId`.
 */
export function ScenarioForm({
  scenarioId,
  initial = EMPTY,
  onSaved,
  onCancel,
}: {
  scenarioId?: string;
  initial?: TScenarioFormValues;
  onSaved: (id: string) => void;
  onCancel?: () => void;
}) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(initial.title);
  const [purpose, setPurpose] = useState(initial.purpose);
  const [beneficiaryClass, setBeneficiary] = useState<TBeneficiary>(initial.beneficiaryClass);
  const [computeMode, setComputeMode] = useState<TComputeMode>(initial.computeMode);
  const [expectedOutputs, setOutputs] = useState(initial.expectedOutputs);
  const [selection, setSelection] = useState<TSelection>(() =>
    Object.fromEntries(initial.requestedScope.map((d) => [d.datasetCode, d.fields])),
  );
  const [dropped, setDropped] = useState<string[]>([]);
  const [needFields, setNeedFields] = useState(false);
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim().toLowerCase());
  const datasets = useQuery(trpc.authorizations.authorizableDatasets.queryOptions());

  const byCode = useMemo(() => new Map((datasets.data ?? []).map((d) => [d.code, d])), [datasets.data]);
  const visible = (datasets.data ?? []).filter(
    (d) =>
      !q ||
      d.code.toLowerCase().includes(q) ||
      d.name.zh.includes(q) ||
      d.name.en.toLowerCase().includes(q) ||
      d.sourceOrg.name.includes(q) ||
      (selection[d.code]?.length ?? 0) > 0,
  );
  const selectedCount = Object.values(selection).reduce((n, f) => n + f.length, 0);

  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.authorizations.pathKey() });
  const create = useMutation({
    ...trpc.authorizations.createScenario.mutationOptions(),
    onSuccess: async (r) => {
      await invalidate();
      onSaved(r.id);
    },
  });
  const update = useMutation({
    ...trpc.authorizations.updateScenario.mutationOptions(),
    onSuccess: async (r) => {
      await invalidate();
      onSaved(r.id);
    },
  });
  const saving = create.isPending || update.isPending;
  const error = create.error ?? update.error;

  function changeMode(mode: TComputeMode) {
    setComputeMode(mode);
    const lost: string[] = [];
    const next: TSelection = {};
    for (const [code, fields] of Object.entries(selection)) {
      const dataset = byCode.get(code);
      const keep = fields.filter((name) => {
        const field = dataset?.fields.find((f) => f.name === name);
        const ok = field !== undefined && field.access[mode] !== "never";
        if (!ok) lost.push(`${code}.${name}`);
        return ok;
      });
      if (keep.length > 0) next[code] = keep;
    }
    setSelection(next);
    setDropped(lost);
  }

  function toggle(code: string, field: string, on: boolean) {
    setNeedFields(false);
    setSelection((current) => {
      const fields = new Set(current[code] ?? []);
      if (on) fields.add(field);
      else fields.delete(field);
      const next = { ...current, [code]: [...fields] };
      if (next[code]?.length === 0) delete next[code];
      return next;
    });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const requestedScope = Object.entries(selection)
      .filter(([, fields]) => fields.length > 0)
      .map(([datasetCode, fields]) => ({ datasetCode, fields }));
    if (requestedScope.length === 0) {
      setNeedFields(true);
      return;
    }
    const values = { title, purpose, beneficiaryClass, computeMode, expectedOutputs, requestedScope };
    if (scenarioId) update.mutate({ id: scenarioId, ...values });
    else create.mutate(values);
  }

  return (
    <form className="form az-form" onSubmit={submit} data-testid="scenario-form">
      <p className="muted">{t("authorizations.form.intro")}</p>
      <label className="field">
        <span className="field-label">{t("authorizations.form.title")}</span>
        <input
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          required
          maxLength={200}
          data-testid="scenario-title-input"
        />
      </label>
      <label className="field">
        <span className="field-label">{t("authorizations.form.purpose")}</span>
        <textarea
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          required
          maxLength={4000}
          data-testid="scenario-purpose-input"
        />
        <span className="muted small">{t("authorizations.form.purposeHint")}</span>
      </label>
      <div className="az-form-row">
        <label className="field">
          <span className="field-label">{t("authorizations.form.beneficiary")}</span>
          <select
            value={beneficiaryClass}
            onChange={(e) => setBeneficiary(e.target.value as TBeneficiary)}
            data-testid="scenario-beneficiary-input"
          >
            {BENEFICIARIES.map((b) => (
              <option key={b} value={b}>
                {t(`authorizations.beneficiary.${b}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t("authorizations.form.mode")}</span>
          <select
            value={computeMode}
            onChange={(e) => changeMode(e.target.value as TComputeMode)}
            data-testid="scenario-mode-input"
          >
            {COMPUTE_MODES.map((m) => (
              <option key={m} value={m}>
                {pick(COMPUTE_MODE_LABELS[m])}
              </option>
            ))}
          </select>
          <span className="muted small">{pick(COMPUTE_MODE_LABELS[computeMode].description)}</span>
        </label>
      </div>
      <label className="field">
        <span className="field-label">{t("authorizations.form.outputs")}</span>
        <textarea
          value={expectedOutputs}
          onChange={(e) => setOutputs(e.target.value)}
          required
          maxLength={4000}
          data-testid="scenario-outputs-input"
        />
        <span className="muted small">{t("authorizations.form.outputsHint")}</span>
      </label>

      <fieldset className="az-picker" data-testid="dataset-picker">
        <legend className="field-label">{t("authorizations.form.datasets")}</legend>
        <label className="field field-inline search-field">
          <span className="field-label">{t("authorizations.form.search")}</span>
          <input
            type="search"
            value={search}
            placeholder={t("authorizations.form.searchPlaceholder")}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="dataset-search"
          />
        </label>
        {dropped.length > 0 && (
          <div className="notice notice-warning" role="status" data-testid="dropped-fields">
            {t("authorizations.form.droppedByMode", {
              mode: pick(COMPUTE_MODE_LABELS[computeMode]),
              fields: dropped.join(", "),
            })}
          </div>
        )}
        {datasets.isPending && <Loading />}
        {datasets.isError && <ErrorNotice error={datasets.error} onRetry={() => datasets.refetch()} />}
        {datasets.data && visible.length === 0 && (
          <p className="empty">{t("authorizations.form.noDatasets")}</p>
        )}
        <div className="az-picker-list">
          {visible.map((d) => (
            <PickerDataset
              key={d.code}
              dataset={d}
              mode={computeMode}
              selected={selection[d.code] ?? []}
              open={q.length > 0 || (selection[d.code]?.length ?? 0) > 0}
              onToggle={toggle}
            />
          ))}
        </div>
        <div className="az-selected" data-testid="selected-scope">
          <strong>{t("authorizations.form.selectedSummary")}</strong>{" "}
          <span data-testid="selected-count">
            {t("authorizations.form.selectedCount", { n: selectedCount })}
          </span>
          {selectedCount === 0 ? (
            <span className="muted"> · {t("authorizations.form.nothingSelected")}</span>
          ) : (
            <span className="mono small">
              {" "}
              ·{" "}
              {Object.entries(selection)
                .map(([code, fields]) => `${code}: ${fields.join(", ")}`)
                .join("; ")}
            </span>
          )}
        </div>
      </fieldset>

      {needFields && (
        <div className="notice notice-error" role="alert" data-testid="need-fields">
          {t("authorizations.form.needFields")}
        </div>
      )}
      {error && <ErrorNotice error={error} />}
      <div className="card-actions">
        <button type="submit" className="button button-primary" disabled={saving} data-testid="scenario-save">
          {saving ? t("authorizations.form.saving") : t("authorizations.form.save")}
        </button>
        {onCancel && (
          <button type="button" className="button" onClick={onCancel}>
            {t("authorizations.form.cancel")}
          </button>
        )}
      </div>
    </form>
  );
}

function PickerDataset({
  dataset,
  mode,
  selected,
  open,
  onToggle,
}: {
  dataset: TPickerDataset;
  mode: TComputeMode;
  selected: string[];
  open: boolean;
  onToggle: (code: string, field: string, on: boolean) => void;
}) {
  const { t, pick } = useI18n();
  return (
    <details
      className="az-picker-dataset"
      open={open || undefined}
      data-testid="picker-dataset"
      data-code={dataset.code}
    >
      <summary>
        <span className="az-picker-name">{pick(dataset.name)}</span>
        <span className="mono muted small">{dataset.code}</span>
        <span className="muted small">{dataset.sourceOrg.name}</span>
        <GradeTag grade={dataset.grade} />
        {selected.length > 0 && (
          <span className="tag tag-info">
            {t("authorizations.form.selectedCount", { n: selected.length })}
          </span>
        )}
      </summary>
      {dataset.blockedReason && (
        <div className="notice notice-warning small">
          {t("authorizations.form.blocked", { reason: dataset.blockedReason })}
        </div>
      )}
      <table className="table az-picker-fields">
        <thead>
          <tr>
            <th scope="col" className="visually-hidden">
              ✓
            </th>
            <th scope="col">{t("authorizations.field.name")}</th>
            <th scope="col">{t("authorizations.field.label")}</th>
            <th scope="col">{t("authorizations.field.grade")}</th>
            <th scope="col">{t("authorizations.field.access")}</th>
          </tr>
        </thead>
        <tbody>
          {dataset.fields.map((f) => {
            const access = f.access[mode];
            const id = `pick-${dataset.code}-${f.name}`;
            return (
              <tr key={f.name} className={access === "never" ? "az-field-blocked" : undefined}>
                <td>
                  <input
                    id={id}
                    type="checkbox"
                    checked={selected.includes(f.name)}
                    disabled={access === "never" && !selected.includes(f.name)}
                    onChange={(e) => onToggle(dataset.code, f.name, e.target.checked)}
                    data-testid="picker-field"
                    data-dataset={dataset.code}
                    data-field={f.name}
                    data-access={access}
                  />
                </td>
                <td className="mono">
                  <label htmlFor={id}>{f.name}</label>
                </td>
                <td>
                  {pick(f.label)}
                  {f.personalInfo && (
                    <span className="tag az-personal">{t("authorizations.field.personal")}</span>
                  )}
                </td>
                <td>
                  <GradeTag grade={f.grade} />
                </td>
                <td>
                  <AccessTag access={access} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
