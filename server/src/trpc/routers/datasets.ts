/** datasets.*: the catalog (一本账): browsing, search, data dictionary, mock rows. */
import {
  catalogStats,
  datasetMockRows,
  getDataset,
  listDatasetSources,
  listDatasets,
} from "../../domain/catalog/datasets";
import { nowOf } from "../context";
import { ZNoInput } from "../schemas";
import {
  ZCatalogStats,
  ZDatasetCodeInput,
  ZDatasetDetail,
  ZDatasetPage,
  ZDatasetSources,
  ZListDatasetsInput,
  ZMockRows,
  ZMockRowsInput,
} from "../schemas/catalog";
import { router, userProcedure } from "../trpc";

export const datasetsRouter = router({
  list: userProcedure
    .input(ZListDatasetsInput)
    .output(ZDatasetPage)
    .query(({ ctx, input }) => listDatasets(ctx.deps.db, input, nowOf(ctx.deps))),

  get: userProcedure
    .input(ZDatasetCodeInput)
    .output(ZDatasetDetail)
    .query(({ ctx, input }) => getDataset(ctx.deps.db, ctx.user, input.code, nowOf(ctx.deps))),

  mockRows: userProcedure
    .input(ZMockRowsInput)
    .output(ZMockRows)
    .query(({ ctx, input }) => datasetMockRows(ctx.deps.db, input)),

  sources: userProcedure
    .input(ZNoInput)
    .output(ZDatasetSources)
    .query(({ ctx }) => listDatasetSources(ctx.deps.db, nowOf(ctx.deps))),

  stats: userProcedure
    .input(ZNoInput)
    .output(ZCatalogStats)
    .query(({ ctx }) => catalogStats(ctx.deps.db, nowOf(ctx.deps))),
});
