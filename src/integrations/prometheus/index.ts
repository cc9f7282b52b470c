/**
 * `superset-cache/prometheus`: a Prometheus exporter for a CacheManager's caches on prom-client
 * (an optional peer dependency, imported when the exporter is created).
 */
export {
  createPrometheusExporter,
  LATENCY_BUCKETS_SECONDS,
  type PrometheusExporter,
  type PrometheusExporterOptions,
} from "./exporter.js";
