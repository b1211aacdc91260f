import { VerificationView } from "./verification-view";

export default async function UsageRecordVerificationPage({ params }: PageProps<"/audit/[id]">) {
  const { id } = await params;
  return <VerificationView recordId={decodeURIComponent(id)} />;
}
