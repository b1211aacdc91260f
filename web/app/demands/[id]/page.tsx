import { DemandView } from "./demand-view";

export default async function DemandPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <DemandView id={decodeURIComponent(id)} />;
}
