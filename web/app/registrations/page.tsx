import { RegistrationsView } from "./registrations-view";

export default function RegistrationsPage() {
  return <RegistrationsView />;
}
