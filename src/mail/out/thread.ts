/**
 * Thread-Index (the mail header Outlook and Exchange carry the conversation index in;
 * [MS-OXOMSG] §2.2.1.3 PidTagConversationIndex): a 22-byte header block — a reserved byte
 * 0x01, five bytes of a FILETIME, a 16-byte GUID — followed by one 5-byte child block per
 * reply, base64 encoded. Messages whose header block is equal belong to one conversation.
 *
 * Here the header block is derived from the conversation's root Message-ID, so every message
 * of a conversation shares it, and the child block from the message's own Message-ID, so each
 * message is a distinct reply in it. Both are hashes: rendering stays deterministic.
 */
import { createHash } from 'node:crypto';

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

export function threadIndex(conversationRootId: string, messageId: string): string {
  const root = sha256(conversationRootId);
  const header = Buffer.alloc(22);
  header[0] = 0x01;
  root.copy(header, 1, 0, 21);
  const child = sha256(messageId).subarray(0, 5);
  return Buffer.concat([header, child]).toString('base64');
}
