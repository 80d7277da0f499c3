/**
 * The box's MQTT topics, all under one prefix (default `mmsgw/<box>`):
 *
 *   <prefix>/status                "online" / "offline" (retained; "offline" is the last will)
 *   <prefix>/modem                 modem state JSON (retained; the first modem)
 *   <prefix>/modem/<id>            each modem's state JSON by its id (retained)
 *   <prefix>/health                gateway health JSON (retained)
 *   <prefix>/last_message          the last received message, summary JSON (retained)
 *   <prefix>/event/<type>          message.received / .sent / .delivered / .failed events (QoS 1, not retained)
 *   <prefix>/received              Home Assistant event entity feed ({"event_type": "sms"|"mms", …})
 *   <prefix>/send                  commands in: queue an SMS/MMS (QoS 1)
 *   <prefix>/send/result           the outcome of each command
 */
export interface Topics {
  readonly prefix: string;
  readonly status: string;
  readonly modem: string;
  /** One modem's state by its id (`modems[].id`; `modem1` for a single `modem:`). */
  modemOf(id: string): string;
  readonly health: string;
  readonly lastMessage: string;
  readonly received: string;
  readonly send: string;
  readonly sendResult: string;
  event(type: string): string;
}

export function topics(prefix: string): Topics {
  return {
    prefix,
    status: `${prefix}/status`,
    modem: `${prefix}/modem`,
    modemOf: (id) => `${prefix}/modem/${id}`,
    health: `${prefix}/health`,
    lastMessage: `${prefix}/last_message`,
    received: `${prefix}/received`,
    send: `${prefix}/send`,
    sendResult: `${prefix}/send/result`,
    event: (type) => `${prefix}/event/${type}`,
  };
}

export const ONLINE = 'online';
export const OFFLINE = 'offline';
