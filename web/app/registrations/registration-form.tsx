"use client";

import {
  BASE_LIBRARY_CODES,
  FIELD_TYPE_LABELS,
  FIELD_TYPES,
  FREQUENCY_LABELS,
  GRADE_LABELS,
  GRADES,
  gradeRank,
  LIBRARY_KIND_LABELS,
  LIBRARY_KINDS,
  LIBRARY_LABELS,
  MASKING_LABELS,
  MASKING_RULES,
  maxGrade,
  OPEN_ATTRIBUTES,
  OPEN_LABELS,
  SHARING_ATTRIBUTES,
  SHARING_LABELS,
  type TDatasetEntry,
  type TFieldType,
  type TGrade,
  THEME_LIBRARY_CODES,
  type TLibraryCode,
  type TLibraryKind,
  type TMaskingRule,
  type TOpenAttribute,
  type TSharingAttribute,
  type TUpdateFrequency,
  UPDATE_FREQUENCIES,
} from "@pdx/common/catalog/dataset-entry";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { ErrorNotice } from "@/components/status";
import { useI18n } from "@/lib/i18n/i18n-provider";
import { useTRPC, useTRPCClient } from "@/lib/trpc/client";
import { domainCodeOf } from "@/lib/trpc/errors";

interface TFieldDraft {
  /** Stable React key of the row. */
  key: number;
  name: string;
  labelZh: string;
  labelEn: string;
  type: TFieldType;
  unit: string;
  descZh: string;
  descEn: string;
  grade: TGrade;
  personalInfo: boolean;
  masking: TMaskingRule;
  item: string;
  authoritative: boolean;
  /** A mock-row hint carried over from an existing entry (not edited here). */
  sample?: unknown;
}

interface TEntryDraft {
  code: string;
  nameZh: string;
  nameEn: string;
  descZh: string;
  descEn: string;
  library: TLibraryKind;
  libraryCode: TLibraryCode;
  sectorCode: string;
  sectorZh: string;
  sectorEn: string;
  businessCode: string;
  businessZh: string;
  businessEn: string;
  grade: TGrade;
  sharing: TSharingAttribute;
  conditions: string;
  legalBasis: string;
  open: TOpenAttribute;
  openReason: string;
  frequency: TUpdateFrequency;
  volumeRows: string;
  volumeAsOf: string;
  fields: TFieldDraft[];
}

export interface TProblem {
  path: string;
  message: string;
}

let nextKey = 1;

function emptyField(): TFieldDraft {
  return {
    key: nextKey++,
    name: "",
    labelZh: "",
    labelEn: "",
    type: "text",
    unit: "",
    descZh: "",
    descEn: "",
    grade: "general",
    personalInfo: false,
    masking: "none",
    item: "",
    authoritative: true,
  };
}

function emptyDraft(): TEntryDraft {
  return {
    code: "",
    nameZh: "",
    nameEn: "",
    descZh: "",
    descEn: "",
    library: "theme",
    libraryCode: "tax",
    sectorCode: "",
    sectorZh: "",
    sectorEn: "",
    businessCode: "",
    businessZh: "",
    businessEn: "",
    grade: "general",
    sharing: "conditional",
    conditions: "",
    legalBasis: "",
    open: "restricted",
    openReason: "",
    frequency: "monthly",
    volumeRows: "0",
    volumeAsOf: new Date().toISOString().slice(0, 10),
    fields: [emptyField()],
  };
}

function draftOf(entry: TDatasetEntry): TEntryDraft {
  return {
    code: entry.code,
    nameZh: entry.name.zh,
    nameEn: entry.name.en,
    descZh: entry.description.zh,
    descEn: entry.description.en,
    library: entry.library,
    libraryCode: entry.libraryCode,
    sectorCode: entry.category.sector.code,
    sectorZh: entry.category.sector.zh,
    sectorEn: entry.category.sector.en,
    businessCode: entry.category.business.code,
    businessZh: entry.category.business.zh,
    businessEn: entry.category.business.en,
    grade: entry.grade,
    sharing: entry.sharing.attribute,
    conditions: entry.sharing.conditions ?? "",
    legalBasis: entry.sharing.legalBasis ?? "",
    open: entry.open.attribute,
    openReason: entry.open.reason ?? "",
    frequency: entry.updateFrequency,
    volumeRows: String(entry.volume.rows),
    volumeAsOf: entry.volume.asOf,
    fields: entry.fields.map((f) => ({
      key: nextKey++,
      name: f.name,
      labelZh: f.label.zh,
      labelEn: f.label.en,
      type: f.type,
      unit: f.unit ?? "",
      descZh: f.description.zh,
      descEn: f.description.en,
      grade: f.grade,
      personalInfo: f.personalInfo,
      masking: f.masking,
      item: f.item,
      authoritative: f.authoritative,
      sample: f.sample,
    })),
  };
}

/** The entry as sent: trimmed, empty optional parts left out (the server validates the rest). */
function entryOf(d: TEntryDraft): Record<string, unknown> {
  const text = (s: string) => s.trim();
  const optional = (key: string, value: string) => (value.trim() ? { [key]: value.trim() } : {});
  const rows = Number(d.volumeRows.trim());
  return {
    code: text(d.code),
    name: { zh: text(d.nameZh), en: text(d.nameEn) },
    description: { zh: text(d.descZh), en: text(d.descEn) },
    library: d.library,
    libraryCode: d.libraryCode,
    category: {
      sector: { code: text(d.sectorCode), zh: text(d.sectorZh), en: text(d.sectorEn) },
      business: { code: text(d.businessCode), zh: text(d.businessZh), en: text(d.businessEn) },
    },
    grade: d.grade,
    sharing: {
      attribute: d.sharing,
      ...(d.sharing === "conditional" ? optional("conditions", d.conditions) : {}),
      ...(d.sharing === "not_shareable" ? optional("legalBasis", d.legalBasis) : {}),
    },
    open: { attribute: d.open, ...(d.open !== "open" ? optional("reason", d.openReason) : {}) },
    updateFrequency: d.frequency,
    volume: { rows: Number.isFinite(rows) && d.volumeRows.trim() !== "" ? rows : -1, asOf: d.volumeAsOf },
    fields: d.fields.map((f) => ({
      name: text(f.name),
      label: { zh: text(f.labelZh), en: text(f.labelEn) },
      type: f.type,
      ...optional("unit", f.unit),
      // An empty description takes the label (a convenience; the server still requires one).
      description: { zh: text(f.descZh) || text(f.labelZh), en: text(f.descEn) || text(f.labelEn) },
      grade: f.grade,
      personalInfo: f.personalInfo,
      masking: f.masking,
      item: text(f.item),
      authoritative: f.authoritative,
      ...(f.sample ? { sample: f.sample } : {}),
    })),
  };
}

/**
 * The registration form: basic information, classification, attributes and the fields editor.
 * It hints on the client; the server decides — its problems are shown next to the fields they name.
 */
export function RegistrationForm({
  registration,
}: {
  /** Absent for a new registration; the draft being edited otherwise. */
  registration?: { id: string; kind: "initial" | "change" | "correction"; entry: TDatasetEntry };
}) {
  const { t, pick } = useI18n();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const [draft, setDraft] = useState<TEntryDraft>(() =>
    registration ? draftOf(registration.entry) : emptyDraft(),
  );
  const [problems, setProblems] = useState<TProblem[] | null>(null);
  const [checking, setChecking] = useState(false);
  const codeLocked = registration !== undefined && registration.kind !== "initial";

  const runCheck = async () => {
    setChecking(true);
    try {
      setProblems(
        await client.registrations.checkEntry.mutate({
          entry: entryOf(draft),
          ...(registration ? { registrationId: registration.id } : {}),
        }),
      );
    } catch {
      setProblems(null);
    } finally {
      setChecking(false);
    }
  };
  const afterSaveError = (error: unknown) => {
    const code = domainCodeOf(error);
    if (code === "INVALID_INPUT" || code === "CONFLICT" || code === "PRECONDITION_FAILED") void runCheck();
  };
  const create = useMutation({
    ...trpc.registrations.create.mutationOptions(),
    onSuccess: (r) => router.push(`/registrations/${r.id}`),
    onError: afterSaveError,
  });
  const update = useMutation({
    ...trpc.registrations.update.mutationOptions(),
    onSuccess: (r) => router.push(`/registrations/${r.id}`),
    onError: afterSaveError,
  });
  const saving = create.isPending || update.isPending;
  const saveError = create.error ?? update.error;

  const set = <K extends keyof TEntryDraft>(key: K, value: TEntryDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const setField = <K extends keyof TFieldDraft>(index: number, key: K, value: TFieldDraft[K]) =>
    setDraft((d) => ({ ...d, fields: d.fields.map((f, i) => (i === index ? { ...f, [key]: value } : f)) }));

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setProblems(null);
    const entry = entryOf(draft);
    if (registration) update.mutate({ id: registration.id, entry });
    else create.mutate({ entry });
  };

  const at = (path: string) =>
    (problems ?? []).filter(
      (p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`),
    );
  const highestFieldGrade = maxGrade(draft.fields.map((f) => f.grade));
  const libraryCodes = draft.library === "base" ? BASE_LIBRARY_CODES : THEME_LIBRARY_CODES;

  return (
    <form className="cat-form" onSubmit={onSubmit} noValidate data-testid="registration-form">
      {saveError && (
        <div data-testid="form-error">
          <ErrorNotice error={saveError} />
        </div>
      )}
      {problems && problems.length > 0 && (
        <div className="notice notice-error" role="alert" data-testid="form-problems">
          <strong>{t("registrations.form.problems")}</strong>
          <ul>
            {problems.map((p) => (
              <li key={`${p.path}:${p.message}`} data-testid="form-problem" data-path={p.path}>
                {p.path && <span className="mono">{p.path}: </span>}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {problems && problems.length === 0 && (
        <div className="notice notice-success" role="status" data-testid="form-check-ok">
          {t("registrations.form.checkOk")}
        </div>
      )}

      <fieldset className="card cat-form-section">
        <legend>{t("registrations.form.section.basic")}</legend>
        <div className="cat-form-grid">
          <Text
            label={t("registrations.form.code")}
            value={draft.code}
            onChange={(v) => set("code", v.toUpperCase())}
            testId="reg-code"
            hint={codeLocked ? t("registrations.form.codeLocked") : t("registrations.form.codeHint")}
            problems={at("code")}
            disabled={codeLocked}
            mono
          />
          <Text
            label={t("registrations.form.nameZh")}
            value={draft.nameZh}
            onChange={(v) => set("nameZh", v)}
            testId="reg-name-zh"
            problems={at("name.zh")}
          />
          <Text
            label={t("registrations.form.nameEn")}
            value={draft.nameEn}
            onChange={(v) => set("nameEn", v)}
            testId="reg-name-en"
            problems={at("name.en")}
          />
        </div>
        <div className="cat-form-grid cat-form-grid-2">
          <Text
            label={t("registrations.form.descZh")}
            value={draft.descZh}
            onChange={(v) => set("descZh", v)}
            testId="reg-desc-zh"
            problems={at("description.zh")}
            multiline
          />
          <Text
            label={t("registrations.form.descEn")}
            value={draft.descEn}
            onChange={(v) => set("descEn", v)}
            testId="reg-desc-en"
            problems={at("description.en")}
            multiline
          />
        </div>
      </fieldset>

      <fieldset className="card cat-form-section">
        <legend>{t("registrations.form.section.classification")}</legend>
        <div className="cat-form-grid">
          <Choice
            label={t("registrations.form.library")}
            value={draft.library}
            options={LIBRARY_KINDS.map((v) => [v, pick(LIBRARY_KIND_LABELS[v])])}
            onChange={(v) => {
              const library = v as TLibraryKind;
              const codes: readonly string[] = library === "base" ? BASE_LIBRARY_CODES : THEME_LIBRARY_CODES;
              setDraft((d) => ({
                ...d,
                library,
                libraryCode: codes.includes(d.libraryCode) ? d.libraryCode : (codes[0] as TLibraryCode),
              }));
            }}
            testId="reg-library"
            problems={at("library")}
          />
          <Choice
            label={t("registrations.form.libraryCode")}
            value={draft.libraryCode}
            options={libraryCodes.map((v) => [v, pick(LIBRARY_LABELS[v])])}
            onChange={(v) => set("libraryCode", v as TLibraryCode)}
            testId="reg-library-code"
            problems={at("libraryCode")}
          />
        </div>
        <div className="cat-form-grid">
          <Text
            label={t("registrations.form.sectorCode")}
            value={draft.sectorCode}
            onChange={(v) => set("sectorCode", v)}
            testId="reg-sector-code"
            hint={t("registrations.form.categoryCodeHint")}
            problems={at("category.sector.code")}
            mono
          />
          <Text
            label={t("registrations.form.sectorZh")}
            value={draft.sectorZh}
            onChange={(v) => set("sectorZh", v)}
            testId="reg-sector-zh"
            problems={at("category.sector.zh")}
          />
          <Text
            label={t("registrations.form.sectorEn")}
            value={draft.sectorEn}
            onChange={(v) => set("sectorEn", v)}
            testId="reg-sector-en"
            problems={at("category.sector.en")}
          />
          <Text
            label={t("registrations.form.businessCode")}
            value={draft.businessCode}
            onChange={(v) => set("businessCode", v)}
            testId="reg-business-code"
            hint={t("registrations.form.categoryCodeHint")}
            problems={at("category.business.code")}
            mono
          />
          <Text
            label={t("registrations.form.businessZh")}
            value={draft.businessZh}
            onChange={(v) => set("businessZh", v)}
            testId="reg-business-zh"
            problems={at("category.business.zh")}
          />
          <Text
            label={t("registrations.form.businessEn")}
            value={draft.businessEn}
            onChange={(v) => set("businessEn", v)}
            testId="reg-business-en"
            problems={at("category.business.en")}
          />
        </div>
      </fieldset>

      <fieldset className="card cat-form-section">
        <legend>{t("registrations.form.section.attributes")}</legend>
        <div className="cat-form-grid">
          <Choice
            label={t("registrations.form.grade")}
            value={draft.grade}
            options={GRADES.map((v) => [v, pick(GRADE_LABELS[v])])}
            onChange={(v) => set("grade", v as TGrade)}
            testId="reg-grade"
            problems={at("grade")}
            hint={
              gradeRank(draft.grade) < gradeRank(highestFieldGrade)
                ? t("registrations.form.gradeHint", { grade: pick(GRADE_LABELS[highestFieldGrade]) })
                : undefined
            }
            hintIsWarning
          />
          <Choice
            label={t("registrations.form.frequency")}
            value={draft.frequency}
            options={UPDATE_FREQUENCIES.map((v) => [v, pick(FREQUENCY_LABELS[v])])}
            onChange={(v) => set("frequency", v as TUpdateFrequency)}
            testId="reg-frequency"
            problems={at("updateFrequency")}
          />
          <Text
            label={t("registrations.form.volumeRows")}
            value={draft.volumeRows}
            onChange={(v) => set("volumeRows", v)}
            testId="reg-volume-rows"
            problems={at("volume.rows")}
            inputMode="numeric"
          />
          <Text
            label={t("registrations.form.volumeAsOf")}
            value={draft.volumeAsOf}
            onChange={(v) => set("volumeAsOf", v)}
            testId="reg-volume-asof"
            problems={at("volume.asOf")}
            type="date"
          />
        </div>
        <div className="cat-form-grid cat-form-grid-2">
          <div>
            <Choice
              label={t("registrations.form.sharing")}
              value={draft.sharing}
              options={SHARING_ATTRIBUTES.map((v) => [v, pick(SHARING_LABELS[v])])}
              onChange={(v) => set("sharing", v as TSharingAttribute)}
              testId="reg-sharing"
              problems={at("sharing.attribute")}
            />
            {draft.sharing === "conditional" && (
              <Text
                label={t("registrations.form.conditions")}
                value={draft.conditions}
                onChange={(v) => set("conditions", v)}
                testId="reg-sharing-conditions"
                problems={at("sharing.conditions")}
                multiline
              />
            )}
            {draft.sharing === "not_shareable" && (
              <Text
                label={t("registrations.form.legalBasis")}
                value={draft.legalBasis}
                onChange={(v) => set("legalBasis", v)}
                testId="reg-sharing-legal-basis"
                problems={at("sharing.legalBasis")}
                multiline
              />
            )}
          </div>
          <div>
            <Choice
              label={t("registrations.form.open")}
              value={draft.open}
              options={OPEN_ATTRIBUTES.map((v) => [v, pick(OPEN_LABELS[v])])}
              onChange={(v) => set("open", v as TOpenAttribute)}
              testId="reg-open"
              problems={at("open.attribute")}
            />
            {draft.open !== "open" && (
              <Text
                label={t("registrations.form.openReason")}
                value={draft.openReason}
                onChange={(v) => set("openReason", v)}
                testId="reg-open-reason"
                problems={at("open.reason")}
                multiline
              />
            )}
          </div>
        </div>
      </fieldset>

      <fieldset className="card cat-form-section" data-testid="fields-editor">
        <legend>{t("registrations.form.section.fields")}</legend>
        <p className="muted small">
          {t("registrations.form.field.itemHint")} {t("registrations.form.field.descDefault")}
        </p>
        {at("fields")
          .filter((p) => p.path === "fields")
          .map((p) => (
            <ProblemText key={p.message} problem={p} />
          ))}
        {draft.fields.map((f, i) => (
          <div key={f.key} className="cat-field-row" data-testid="field-row" data-index={i}>
            <div className="cat-field-row-head">
              <strong>{t("registrations.form.field.number", { n: i + 1 })}</strong>
              <button
                type="button"
                className="button button-small button-danger"
                disabled={draft.fields.length <= 1}
                onClick={() => setDraft((d) => ({ ...d, fields: d.fields.filter((_, j) => j !== i) }))}
                data-testid="field-remove"
              >
                {t("registrations.form.field.remove")}
              </button>
            </div>
            <div className="cat-form-grid">
              <Text
                label={t("registrations.form.field.name")}
                value={f.name}
                onChange={(v) => setField(i, "name", v)}
                testId="field-name"
                problems={at(`fields[${i}].name`)}
                mono
              />
              <Text
                label={t("registrations.form.field.labelZh")}
                value={f.labelZh}
                onChange={(v) => setField(i, "labelZh", v)}
                testId="field-label-zh"
                problems={at(`fields[${i}].label.zh`)}
              />
              <Text
                label={t("registrations.form.field.labelEn")}
                value={f.labelEn}
                onChange={(v) => setField(i, "labelEn", v)}
                testId="field-label-en"
                problems={at(`fields[${i}].label.en`)}
              />
              <Choice
                label={t("registrations.form.field.type")}
                value={f.type}
                options={FIELD_TYPES.map((v) => [v, pick(FIELD_TYPE_LABELS[v])])}
                onChange={(v) => setField(i, "type", v as TFieldType)}
                testId="field-type"
                problems={at(`fields[${i}].type`)}
              />
              <Text
                label={t("registrations.form.field.unit")}
                value={f.unit}
                onChange={(v) => setField(i, "unit", v)}
                testId="field-unit"
                problems={at(`fields[${i}].unit`)}
              />
              <Choice
                label={t("registrations.form.field.grade")}
                value={f.grade}
                options={GRADES.map((v) => [v, pick(GRADE_LABELS[v])])}
                onChange={(v) => setField(i, "grade", v as TGrade)}
                testId="field-grade"
                problems={at(`fields[${i}].grade`)}
              />
              <Choice
                label={t("registrations.form.field.masking")}
                value={f.masking}
                options={MASKING_RULES.map((v) => [v, pick(MASKING_LABELS[v])])}
                onChange={(v) => setField(i, "masking", v as TMaskingRule)}
                testId="field-masking"
                problems={at(`fields[${i}].masking`)}
                hint={
                  f.personalInfo && f.masking === "none" && f.grade !== "core"
                    ? t("registrations.form.field.personalHint")
                    : undefined
                }
                hintIsWarning
              />
              <Text
                label={t("registrations.form.field.item")}
                value={f.item}
                onChange={(v) => setField(i, "item", v.toLowerCase())}
                testId="field-item"
                problems={at(`fields[${i}].item`)}
                mono
              />
              <div className="cat-checks">
                <label className="field-checkbox">
                  <input
                    type="checkbox"
                    checked={f.personalInfo}
                    onChange={(e) => setField(i, "personalInfo", e.target.checked)}
                    data-testid="field-personal"
                  />
                  {t("registrations.form.field.personal")}
                </label>
                <label className="field-checkbox">
                  <input
                    type="checkbox"
                    checked={f.authoritative}
                    onChange={(e) => setField(i, "authoritative", e.target.checked)}
                    data-testid="field-authoritative"
                  />
                  {t("registrations.form.field.authoritative")}
                </label>
              </div>
            </div>
            <div className="cat-form-grid cat-form-grid-2">
              <Text
                label={t("registrations.form.field.descZh")}
                value={f.descZh}
                onChange={(v) => setField(i, "descZh", v)}
                testId="field-desc-zh"
                problems={at(`fields[${i}].description.zh`)}
              />
              <Text
                label={t("registrations.form.field.descEn")}
                value={f.descEn}
                onChange={(v) => setField(i, "descEn", v)}
                testId="field-desc-en"
                problems={at(`fields[${i}].description.en`)}
              />
            </div>
            {at(`fields[${i}].sample`).map((p) => (
              <ProblemText key={p.message} problem={p} />
            ))}
          </div>
        ))}
        <button
          type="button"
          className="button"
          disabled={draft.fields.length >= 60}
          onClick={() => setDraft((d) => ({ ...d, fields: [...d.fields, emptyField()] }))}
          data-testid="add-field"
        >
          + {t("registrations.form.field.add")}
        </button>
      </fieldset>

      <div className="cat-form-actions">
        <button type="submit" className="button button-primary" disabled={saving} data-testid="reg-save">
          {saving ? t("registrations.form.saving") : t("registrations.form.save")}
        </button>
        <button
          type="button"
          className="button"
          disabled={checking}
          onClick={() => void runCheck()}
          data-testid="reg-check"
        >
          {checking ? t("registrations.form.checking") : t("registrations.form.check")}
        </button>
        <button type="button" className="button" onClick={() => router.back()}>
          {t("registrations.form.cancel")}
        </button>
      </div>
    </form>
  );
}

function ProblemText({ problem }: { problem: TProblem }) {
  return (
    <span className="cat-problem" role="alert" data-testid="field-problem" data-path={problem.path}>
      {problem.message}
    </span>
  );
}

function FieldShell({
  id,
  label,
  hint,
  hintIsWarning,
  problems,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  hintIsWarning?: boolean;
  problems: readonly TProblem[];
  children: ReactNode;
}) {
  return (
    <div className={`field${problems.length > 0 ? " cat-field-invalid" : ""}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint && <span className={hintIsWarning ? "cat-hint cat-hint-warning" : "cat-hint"}>{hint}</span>}
      {problems.map((p) => (
        <ProblemText key={`${p.path}:${p.message}`} problem={p} />
      ))}
    </div>
  );
}

function Text({
  label,
  value,
  onChange,
  testId,
  hint,
  problems,
  multiline,
  mono,
  disabled,
  type = "text",
  inputMode,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  hint?: string;
  problems: readonly TProblem[];
  multiline?: boolean;
  mono?: boolean;
  disabled?: boolean;
  type?: "text" | "date";
  inputMode?: "numeric";
}) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} problems={problems}>
      {multiline ? (
        <textarea
          id={id}
          value={value}
          rows={2}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
          aria-invalid={problems.length > 0}
        />
      ) : (
        <input
          id={id}
          type={type}
          value={value}
          className={mono ? "mono" : undefined}
          disabled={disabled}
          inputMode={inputMode}
          onChange={(e) => onChange(e.target.value)}
          data-testid={testId}
          aria-invalid={problems.length > 0}
        />
      )}
    </FieldShell>
  );
}

function Choice({
  label,
  value,
  options,
  onChange,
  testId,
  hint,
  hintIsWarning,
  problems,
}: {
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
  testId: string;
  hint?: string;
  hintIsWarning?: boolean;
  problems: readonly TProblem[];
}) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} hintIsWarning={hintIsWarning} problems={problems}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
        aria-invalid={problems.length > 0}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
