import { z } from 'zod';
import { bool, e164, int, text } from './fields.js';

/** Prometheus `/metrics` on the web listener (docs/FLEET.md "Prometheus"). */
export const metricsSection = z
  .strictObject({
    enabled: bool().default(true),
    /** A bearer token for the scraper (besides API tokens with the read scope); env MMSGW_METRICS_TOKEN. */
    token: text().min(16, { error: 'the metrics token must be at least 16 characters' }).nullable().default(null),
  })
  .prefault({});

const BOX_NAME = /^[A-Za-z0-9_-]{1,40}$/;

/** MQTT client towards the owner's broker (docs/FLEET.md "MQTT"). */
export const mqttSection = z
  .strictObject({
    enabled: bool().default(false),
    /** `mqtt://host:1883` or `mqtts://host:8883` (TLS). */
    url: z
      .string()
      .refine((u) => /^(mqtts?|wss?):\/\/[^\s/]+/.test(u), { error: 'expected mqtt://host[:port], mqtts://host[:port], ws:// or wss://' })
      .default('mqtt://127.0.0.1:1883'),
    username: text().nullable().default(null),
    /** env MMSGW_MQTT_PASSWORD. */
    password: text().nullable().default(null),
    /** PEM files for TLS: the CA that signed the broker's certificate, and a client certificate and key. */
    tls: z
      .strictObject({ ca: text('a file path').nullable().default(null), cert: text('a file path').nullable().default(null), key: text('a file path').nullable().default(null) })
      .prefault({}),
    /** Default `mmsgw-<box>`. */
    clientId: text().nullable().default(null),
    /** Names the box in topics (`<prefix>/…`) and in Home Assistant; default the host name. */
    box: z.string().regex(BOX_NAME, { error: 'expected 1–40 letters, digits, "_" or "-"' }).nullable().default(null),
    /** Topic prefix; default `mmsgw/<box>`. */
    prefix: text().refine((p) => !/[#+]/.test(p) && !p.endsWith('/'), { error: 'no "#", "+" or trailing "/"' }).nullable().default(null),
    /** Home Assistant MQTT discovery under `<discoveryPrefix>/…`. */
    homeAssistant: z
      .strictObject({
        enabled: bool().default(true),
        discoveryPrefix: text().default('homeassistant'),
        /** Numbers the Home Assistant `notify` entity sends its messages to (E.164); none: no notify entity. */
        notifyTo: z.array(e164()).max(10).default([]),
      })
      .prefault({}),
    /** Base URL the API part links in events start with, e.g. `https://gw.example.net`; default none (path only). */
    apiBaseUrl: text().nullable().default(null),
    /** Seconds between modem/health state publications when nothing changed. */
    stateIntervalSeconds: int(5, 3600).default(60),
  })
  .prefault({})
  .superRefine((m, ctx) => {
    if ((m.tls.cert === null) !== (m.tls.key === null)) ctx.addIssue({ code: 'custom', path: ['tls'], message: 'a client certificate needs both cert and key' });
  });
