/** A value JSON carries faithfully: what task arguments, results and headers may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
