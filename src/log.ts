/**
 * The server's logger: Probot's own (pino, through @probot/pino's formatting and Sentry), with the
 * same settings Probot reads from the environment, plus redaction. Probot logs every HTTP request
 * with its headers at info level, so a credential a client sends (a metrics scraper's bearer token,
 * a browser's session cookie) or a cookie the server sets would otherwise be written to the log.
 */
import { pino, type Logger } from "pino";
import { getTransformStream } from "@probot/pino";

export const REDACTED_PATHS = [
  "req.headers.authorization",
  'req.headers["proxy-authorization"]',
  "req.headers.cookie",
  'res.headers["set-cookie"]',
];

export async function serverLog(env: NodeJS.ProcessEnv): Promise<Logger> {
  // As Probot's readEnvOptions: JSON in production unless LOG_FORMAT=pretty.
  const format = env.LOG_FORMAT ? (env.LOG_FORMAT === "pretty" ? "pretty" : "json") : env.NODE_ENV === "production" ? "json" : "pretty";
  const transform = await getTransformStream({
    logFormat: format,
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    sentryDsn: env.SENTRY_DSN,
  });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream); // SonicBoom is a stream; its types say otherwise
  return pino(
    {
      level: env.LOG_LEVEL || "info",
      name: "probot",
      messageKey: env.LOG_MESSAGE_KEY || "msg",
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    transform,
  );
}
