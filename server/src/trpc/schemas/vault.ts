/** Inputs and outputs of vault.* (vault ingest: a data source uploads dataset versions). */
import { FIELD_TYPES, GRADES } from "@pdx/common/catalog/dataset-entry";
import {
  FIELD_STORAGE,
  UPLOAD_FORMATS,
  UPLOAD_MAX_BYTES,
  UPLOAD_STATES,
  ZDatasetVersion,
  ZDatasetVersionLabel,
  ZUploadStatus,
} from "@pdx/common/vault-api";
import { z } from "zod";

const ZDatasetCode = z.string().regex(/^[A-Z][A-Z0-9-]{2,39}$/, 'must be a dataset code such as "LE-BASE"');
const ZLocalizedOut = z.object({ zh: z.string(), en: z.string() });

export const ZStartUploadInput = z.strictObject({
  datasetCode: ZDatasetCode,
  version: ZDatasetVersionLabel,
  format: z.enum(UPLOAD_FORMATS),
  totalBytes: z.int().min(1).max(UPLOAD_MAX_BYTES),
  /** The file's name as chosen in the browser (display only). */
  fileName: z.string().trim().min(1).max(255),
});

export const ZUploadIdInput = z.strictObject({ uploadId: z.uuid() });
export const ZDatasetCodeInput = z.strictObject({ datasetCode: ZDatasetCode });

export { ZUploadStatus };
export const ZDatasetVersions = z.array(ZDatasetVersion);

export const ZMyUploads = z.array(
  z.object({
    uploadId: z.uuid(),
    datasetCode: z.string(),
    datasetName: ZLocalizedOut,
    version: z.string(),
    format: z.enum(UPLOAD_FORMATS),
    fileName: z.string(),
    totalBytes: z.number().int(),
    receivedBytes: z.number().int(),
    state: z.enum(UPLOAD_STATES),
    rowsLoaded: z.number().int(),
    errorCount: z.number().int(),
    contentHash: z.string().nullable(),
    failure: z.string().nullable(),
    uploadedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

export const ZUploadableDatasets = z.array(
  z.object({
    code: z.string(),
    name: ZLocalizedOut,
    grade: z.enum(GRADES),
    registrationCode: z.string().nullable(),
    fields: z.array(
      z.object({
        name: z.string(),
        label: ZLocalizedOut,
        type: z.enum(FIELD_TYPES),
        storage: z.enum(FIELD_STORAGE),
        fingerprint: z.boolean(),
      }),
    ),
  }),
);
