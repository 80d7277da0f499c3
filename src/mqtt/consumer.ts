/** The MQTT bridge's cursor name in the hooks outbox (src/hooks): a module of its own, so the gateway can name it without loading the MQTT client. */
export const MQTT_CONSUMER = 'mqtt';
