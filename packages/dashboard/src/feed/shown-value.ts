import type { ShownValue } from '../api-types';

/** Characters of a value shown in lists; the task's detail shows it whole. */
export const LIST_VALUE_CHARS = 200;

/** A value as JSON text (cut to `limit` characters unless `Infinity`). */
export function showValue(value: unknown, limit: number): ShownValue {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > limit ? { text: text.slice(0, limit), truncated: true } : { text, truncated: false };
}

/** Cuts a value already shown whole. */
export function cutValue(value: ShownValue | null, limit: number): ShownValue | null {
  if (value === null || value.text.length <= limit) return value;
  return { text: value.text.slice(0, limit), truncated: true };
}

/** `Name: message` of an error as it travels (`{ name, message }`). */
export function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    if (typeof message === 'string') return typeof name === 'string' && name !== '' ? `${name}: ${message}` : message;
  }
  return String(error);
}
