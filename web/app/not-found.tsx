import { cookies } from "next/headers";
import Link from "next/link";
import { createTranslator } from "@/lib/i18n/dictionaries";
import { LOCALE_COOKIE, parseLocale } from "@/lib/i18n/types";

export default async function NotFound() {
  const t = createTranslator(parseLocale((await cookies()).get(LOCALE_COOKIE)?.value));
  return (
    <div className="page">
      <div className="empty" data-testid="not-found">
        <p>{t("common.notFound")}</p>
        <Link href="/">{t("common.back")}</Link>
      </div>
    </div>
  );
}
