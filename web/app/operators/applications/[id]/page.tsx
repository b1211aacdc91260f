import { ApplicationView } from "./application-view";

export default async function OperatorApplicationPage({ params }: PageProps<"/operators/applications/[id]">) {
  const { id } = await params;
  return <ApplicationView applicationId={decodeURIComponent(id)} />;
}
