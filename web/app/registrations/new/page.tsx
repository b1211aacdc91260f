import { NewRegistrationView } from "./new-registration-view";

export default function NewRegistrationPage() {
  return <NewRegistrationView />;
}
