/** catalog.*: listed products. */
import { getProduct, listProducts } from "../../domain/catalog/products";
import { ZGetProductInput, ZListProductsInput, ZProduct } from "../schemas";
import { router, userProcedure } from "../trpc";

export const catalogRouter = router({
  listProducts: userProcedure
    .input(ZListProductsInput)
    .output(ZProduct.array())
    .query(({ ctx, input }) => listProducts(ctx.deps.db, { q: input?.q })),

  getProduct: userProcedure
    .input(ZGetProductInput)
    .output(ZProduct)
    .query(({ ctx, input }) => getProduct(ctx.deps.db, input.id)),
});
