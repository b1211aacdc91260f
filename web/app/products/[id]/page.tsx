import { ProductView } from "./product-view";

export default async function ProductPage({ params }: PageProps<"/products/[id]">) {
  const { id } = await params;
  return <ProductView id={decodeURIComponent(id)} />;
}
