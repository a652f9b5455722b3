/** Browsers by a token of their User-Agent, most specific first (Edge and Opera say "Chrome" too). */
const browsers: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bCriOS\//, 'Chrome'],
  [/\bChromium\//, 'Chromium'],
  [/\b(?:Headless)?Chrome\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/\bAppleWebKit\//, 'Safari'],
];

const systems: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/**
 * A short label a person reads for the device behind a User-Agent: "Firefox on Linux",
 * "Safari on iPhone", "Chrome", "Android"; `null` when nothing is recognised (or no User-Agent).
 */
export function deviceLabel(userAgent: string | undefined): string | null {
  if (!userAgent) return null;
  const browser = browsers.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1];
  return browser && system ? `${browser} on ${system}` : (browser ?? system ?? null);
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536e6],
  ['month', 2_592e6],
  ['week', 6_048e5],
  ['day', 864e5],
  ['hour', 36e5],
  ['minute', 6e4],
];

/** `at` relative to `now` in `lang`: "3 hours ago", "yesterday", "now" (under a minute). */
export function relativeTime(at: number, now: number, lang: string | undefined): string {
  const diff = at - now;
  const [unit, size] = units.find(([, ms]) => Math.abs(diff) >= ms) ?? ['second', Infinity];
  const value = size === Infinity ? 0 : Math.round(diff / size);
  return new Intl.RelativeTimeFormat(lang, { numeric: 'auto' }).format(value, unit);
}

/** `at` as a full date and time in `lang`, for a tooltip. */
export function fullTime(at: number, lang: string | undefined): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

/** A language tag Intl accepts, or `undefined` (the browser's). */
export function usableLang(lang: string | null | undefined): string | undefined {
  if (!lang) return undefined;
  try {
    return Intl.getCanonicalLocales(lang)[0];
  } catch {
    return undefined;
  }
}
