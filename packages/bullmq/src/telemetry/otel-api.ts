// The one place that loads `@opentelemetry/api`, an optional peer dependency:
// without it installed, telemetry is off and costs nothing.
import type * as OtelApi from '@opentelemetry/api';

export type Otel = typeof OtelApi;

let loaded: Otel | null | undefined;

/** The OpenTelemetry API if the application installed it, else `undefined`. */
export function otelApi(): Otel | undefined {
  if (loaded === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('@opentelemetry/api') as Otel;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
