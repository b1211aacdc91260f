/**
 * vault.*: vault ingest for data-source departments — open an upload of a new version of one of
 * their coded datasets, follow it, cancel it, list their uploads and the versions loaded. The
 * chunks themselves travel over PUT /api/vault/uploads/:id/chunks/:offset (http/upload-route.ts).
 */
import {
  cancelUpload,
  listDatasetVersions,
  listMyUploads,
  listUploadableDatasets,
  startUpload,
  type TVaultUploadDeps,
  uploadStatus,
} from "../../domain/vault-uploads/vault-uploads";
import { nowOf, type TServerDeps } from "../context";
import {
  ZDatasetCodeInput,
  ZDatasetVersions,
  ZMyUploads,
  ZStartUploadInput,
  ZUploadableDatasets,
  ZUploadIdInput,
  ZUploadStatus,
} from "../schemas/vault";
import { router, userProcedure } from "../trpc";

const depsOf = (deps: TServerDeps): TVaultUploadDeps => ({
  db: deps.db,
  uploads: deps.enclave.vaultUploads,
  now: nowOf(deps),
});

export const vaultRouter = router({
  uploadableDatasets: userProcedure
    .output(ZUploadableDatasets)
    .query(({ ctx }) => listUploadableDatasets(ctx.deps.db, ctx.user, nowOf(ctx.deps))),

  startUpload: userProcedure
    .input(ZStartUploadInput)
    .output(ZUploadStatus)
    .mutation(({ ctx, input }) => startUpload(depsOf(ctx.deps), ctx.user, input)),

  uploadStatus: userProcedure
    .input(ZUploadIdInput)
    .output(ZUploadStatus)
    .query(({ ctx, input }) => uploadStatus(depsOf(ctx.deps), ctx.user, input.uploadId)),

  cancelUpload: userProcedure
    .input(ZUploadIdInput)
    .output(ZUploadStatus)
    .mutation(({ ctx, input }) => cancelUpload(depsOf(ctx.deps), ctx.user, input.uploadId)),

  listVersions: userProcedure
    .input(ZDatasetCodeInput)
    .output(ZDatasetVersions)
    .query(({ ctx, input }) => listDatasetVersions(depsOf(ctx.deps), ctx.user, input.datasetCode)),

  listMyUploads: userProcedure
    .output(ZMyUploads)
    .query(({ ctx }) => listMyUploads(depsOf(ctx.deps), ctx.user)),
});
