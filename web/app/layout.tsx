import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { AppHeader } from "@/components/app-header";
import { Providers } from "@/components/providers";
import { createTranslator } from "@/lib/i18n/dictionaries";
import { LOCALE_COOKIE, parseLocale } from "@/lib/i18n/types";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const locale = parseLocale((await cookies()).get(LOCALE_COOKIE)?.value);
  const t = createTranslator(locale);
  return { title: t("app.name"), description: t("app.tagline") };
}

/** The page frame: locale from the `pdx_lang` cookie (zh-CN by default), header, content. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = parseLocale((await cookies()).get(LOCALE_COOKIE)?.value);
  return (
    <html lang={locale}>
      <body>
        <Providers locale={locale}>
          <AppHeader />
          <main className="app-main">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
