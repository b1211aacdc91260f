import { AuthorizationView } from "./authorization-view";

export default async function AuthorizationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AuthorizationView id={decodeURIComponent(id)} />;
}
